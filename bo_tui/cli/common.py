"""What every ``bo-tui`` command shares (SPEC section 9): exit codes, the one-line error, the
store from ``--db``, JSON output and the progress line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from ..store import Store

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A usage error: bad flag value, unreadable file (exit 2)."""


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"bo-tui: error: {message}", file=sys.stderr)
    return code


def open_store(args: argparse.Namespace) -> Store:
    return Store(args.db)


def print_json(doc) -> None:
    json.dump(doc, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def progress_line(label: str) -> Callable[[int, int], None]:
    """A progress callback that redraws one line on stderr, only when it is a terminal."""
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        pct = f"{100 * done // total:3d}%" if total else ""
        end = "\n" if total and done >= total else ""
        sys.stderr.write(f"\r{label}: {done:,}/{total:,} {pct}{end}")
        sys.stderr.flush()

    return show
