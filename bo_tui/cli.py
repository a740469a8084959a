"""The ``bo-tui`` command (SPEC section 9): an argparse adapter over the core.

Each subcommand is a ``cmd_*`` function taking the parsed args and returning an exit code:
0 ok, 1 rule or data errors reported, 2 usage errors. Errors print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .core.errors import CoreError
from .store import Store, StoreError, resolve_url

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


# --- commands ---------------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    from .tui.app import run_app

    store = open_store(args)
    return run_app(store)


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo import build_demo

    if args.staff < 0:
        raise UsageError("--staff must be 0 or more")
    if args.hr_out and not Path(args.hr_out).resolve().parent.is_dir():
        raise UsageError(f"--hr-out: the directory of {args.hr_out} does not exist")
    store = open_store(args)
    result = build_demo(
        store, staff=args.staff, seed=args.seed, hr_out=args.hr_out, progress=progress_line("demo")
    )
    if args.json:
        print_json(result.as_dict())
    else:
        print(result.summary())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bo-tui",
        description="Business Office Integration for school districts: HR staff sync, API, console.",
    )
    p.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL of the store (default: $BO_TUI_DB or a SQLite file)",
    )
    p.add_argument("--version", action="version", version=f"bo-tui {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("demo", help="build the demo district and a matching HR export file")
    d.add_argument(
        "--staff",
        type=int,
        default=3000,
        help="Campus staff to create (default 3000; 0: reference data only)",
    )
    d.add_argument("--seed", type=int, default=1, help="random seed (same seed, same district)")
    d.add_argument("--hr-out", metavar="FILE", help="write the HR export (JSON, with SSNs) here")
    d.add_argument("--json", action="store_true", help="print the counts as JSON")
    d.set_defaults(func=cmd_demo)

    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    func = getattr(args, "func", cmd_tui)
    try:
        resolve_url(args.db)
        return func(args)
    except UsageError as exc:
        return fail(str(exc))
    except StoreError as exc:
        return fail(str(exc))
    except CoreError as exc:
        detail = "; ".join(f"{e.field}: {e.message}" for e in exc.errors[:5])
        return fail(
            f"{exc.message}" + (f" ({detail})" if detail and len(exc.errors) > 1 else ""), EXIT_DATA
        )
    except OSError as exc:
        return fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
