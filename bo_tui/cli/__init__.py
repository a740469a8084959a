"""The ``bo-tui`` command (SPEC section 9): an argparse adapter over the core.

Each subcommand is a ``cmd_*`` function taking the parsed args and returning an exit code:
0 ok, 1 rule or data errors reported, 2 usage errors. Errors print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import __version__
from ..core.errors import CoreError
from ..store import Store, StoreError, resolve_url
from .common import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    fail,
    open_store,
    print_json,
    progress_line,
)
from .history import add_parsers as add_history_parsers
from .sync import add_parsers as add_sync_parsers

# --- commands ---------------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    from ..tui.app import run_app

    store = open_store(args)
    return run_app(store)


def cmd_demo(args: argparse.Namespace) -> int:
    from ..core.demo import build_demo

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


# --- serve, credentials, errors, preferences (the API side, R-CRED-*, R-LOG-1, R-PREF-*) ---


def _resume_commit_jobs(store: Store) -> None:
    """R-SYNC-11: interrupted commit jobs resume when ``serve`` starts."""
    from ..core import sync as jobs

    taken = jobs.resume(store, background=True)
    if taken:
        print(
            f"bo-tui: resuming interrupted commit job(s) {', '.join(map(str, taken))}",
            file=sys.stderr,
        )


def cmd_serve(args: argparse.Namespace) -> int:
    from ..api.server import serve
    from ..core import credentials as cred

    if not 0 < args.port < 65536:
        raise UsageError("--port must be from 1 to 65535")
    store = open_store(args)
    with store.transaction() as session:
        cred.ensure_client(session)  # made on first use (R-CRED-1); no district: exit 1
        app_name = cred.app_name(session) or ""
    _resume_commit_jobs(store)
    base = args.public_url or cred.listen_url(args.host, args.port)
    links = cred.urls(app_name, base)
    print(f"bo-tui: serving the Business Office Integration API on {base}", file=sys.stderr)
    print(f"  token URL  {links['tokenUrl']}", file=sys.stderr)
    print(f"  API docs   {links['documentationUrl']}", file=sys.stderr)
    print("  credentials: bo-tui credentials --reveal; stop with Ctrl+C", file=sys.stderr)
    try:
        started = serve(store, args.host, args.port, public_url=args.public_url)
    except SystemExit:  # uvicorn exits when it cannot bind; it has said why
        started = False
    if not started:
        return fail(
            f"could not listen on {args.host}:{args.port} (in use, or not an address here?)",
            EXIT_DATA,
        )
    return EXIT_OK


def _print_credentials(c, rotated: bool) -> None:
    server = c.server
    if server is None:
        state = "never started: run `bo-tui serve`"
    elif server.running:
        state = (
            f"running (pid {server.pid}) at {server.publicUrl or f'{server.host}:{server.port}'}"
        )
    else:
        state = f"not running (last at {server.host}:{server.port}); run `bo-tui serve`"
    secret = c.clientSecret if c.revealed else f"{c.clientSecret}  (show it with --reveal)"
    rows = [
        ("Client ID", c.clientId),
        ("Client Secret", secret),
        ("Token URL", c.tokenUrl),
        ("Base URL", c.baseUrl),
        ("API docs", c.documentationUrl),
        ("User guide", c.guideUrl),
        ("Server", state),
    ]
    for label, value in rows:
        print(f"{label:<14} {value}")
    if rotated:
        print(
            "A new secret was generated: the old secret and every token issued with it no longer work."
        )


def cmd_credentials(args: argparse.Namespace) -> int:
    from ..core import credentials as cred

    store = open_store(args)
    rotated = args.action == "rotate"
    if rotated and not args.yes and sys.stdin.isatty():
        answer = input(
            "Generate a new client secret? The old secret and every token issued with it stop "
            "working at once; the HR system fails until it uses the new one. [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("cancelled: the secret is unchanged", file=sys.stderr)
            return EXIT_DATA
    with store.transaction() as session:
        if rotated:
            c = cred.rotate_secret(session, reveal=args.reveal)
        else:
            c = cred.get_credentials(session, reveal=args.reveal)
    if args.json:
        print_json(c.as_json())
    else:
        _print_credentials(c, rotated)
    return EXIT_OK


def _date_arg(flag: str, value: str | None):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag}: {value!r} is not a date in the form YYYY-MM-DD") from None


def cmd_errors(args: argparse.Namespace) -> int:
    from ..core import errorlog

    flt = errorlog.ErrorFilter(
        date_from=_date_arg("--since", args.since),
        date_to=_date_arg("--until", args.until),
        action=args.action,
        path=args.path,
        text=args.text,
    )
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be 1 or more")
    if args.pdf and not Path(args.pdf).resolve().parent.is_dir():
        raise UsageError(f"--pdf: the directory of {args.pdf} does not exist")
    store = open_store(args)
    with store.session() as session:
        if args.pdf:
            n = errorlog.export_pdf(session, args.pdf, flt)
            print(f"wrote {n:,} error log entries to {args.pdf}", file=sys.stderr)
        if args.json:
            entries = (
                errorlog.page(session, 0, args.limit, flt)
                if args.limit
                else errorlog.iter_entries(session, flt)
            )
            # Streamed, one entry at a time: a large log never sits in memory whole.
            sys.stdout.write("[")
            for i, e in enumerate(entries):
                sys.stdout.write(
                    ("," if i else "") + "\n  " + json.dumps(e.as_json(), ensure_ascii=False)
                )
            sys.stdout.write("\n]\n")
        elif not args.pdf:
            total = errorlog.count(session, flt)
            limit = args.limit or 50
            for e in errorlog.page(session, 0, limit, flt):
                when = errorlog.iso_utc(e.errorDate).replace("T", " ")
                print(f"{when}  {e.action:<6} {e.path}  {e.message}")
            if total > limit:
                print(
                    f"… {total - limit:,} older entries (use --limit N, --json or --pdf FILE)",
                    file=sys.stderr,
                )
            elif total == 0:
                print(
                    "the error log is empty"
                    + ("" if flt == errorlog.ErrorFilter() else " for this filter")
                )
    return EXIT_OK


def cmd_preferences(args: argparse.Namespace) -> int:
    from ..core import preferences as prefs
    from ..core.errors import RuleViolation

    valid = ", ".join(prefs.valid_names())
    changes: dict[str, str] = {}
    for item in args.set or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {item!r}: use NAME=VALUE with NAME one of: {valid}")
        changes[name.strip()] = value.strip()
    store = open_store(args)
    try:
        with store.transaction() as session:
            current = (
                prefs.set_preferences(session, changes)
                if changes
                else prefs.get_preferences(session)
            )
    except RuleViolation as exc:
        e = exc.errors[0]
        if e.field not in prefs.valid_names():
            raise UsageError(f"unknown preference {e.field!r}; valid: {valid}") from None
        raise UsageError(f"--set {e.field}: {e.message}") from None
    values = current.model_dump()
    if args.json:
        print_json(values)
    else:
        for d in prefs.describe():
            v = values[d["name"]]
            shown = ("on" if v else "off") if isinstance(v, bool) else str(v)
            print(f"{d['name']:<28} {shown:<5} {d['label']}")
    return EXIT_OK


def cmd_key_rotate(args: argparse.Namespace) -> int:
    from ..core import keys

    store = open_store(args)
    result = keys.rotate(store)
    if args.json:
        print_json(result.model_dump())
    else:
        print(
            f"Data key rotated ({result.keySource}): re-encrypted {result.persons:,} SSNs, "
            f"{result.staged:,} staged records, {result.clients} API client secret(s)."
        )
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

    sv = sub.add_parser("serve", help="run the Business Office Integration HTTP API")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    sv.add_argument(
        "--public-url", metavar="URL", help="the URL HR systems use, when behind a proxy"
    )
    sv.set_defaults(func=cmd_serve)

    cr = sub.add_parser(
        "credentials", help="the API client id, secret and URLs; `rotate` for a new secret"
    )
    cr.add_argument(
        "action",
        nargs="?",
        choices=["rotate"],
        help="generate a new secret (old one fails at once)",
    )
    cr.add_argument("--reveal", action="store_true", help="show the client secret")
    cr.add_argument("--json", action="store_true", help="print one JSON document")
    cr.add_argument("--yes", action="store_true", help="rotate without asking")
    cr.set_defaults(func=cmd_credentials)

    er = sub.add_parser("errors", help="the Business Office Error Log, newest first")
    er.add_argument(
        "--json", action="store_true", help="print [{errorDate, action, path, message, payload}]"
    )
    er.add_argument("--pdf", metavar="FILE", help="export the (filtered) log as a PDF table")
    er.add_argument("--since", metavar="DATE", help="from this date (YYYY-MM-DD)")
    er.add_argument("--until", metavar="DATE", help="up to this date, inclusive")
    er.add_argument("--action", help="GET, POST, PUT, FILE or JOB")
    er.add_argument("--path", help="path contains this text")
    er.add_argument("--text", help="message or payload contains this text")
    er.add_argument("--limit", type=int, help="at most N entries (text: 50 by default)")
    er.set_defaults(func=cmd_errors)

    pr = sub.add_parser("preferences", help="show or set the Business Office Preferences")
    pr.add_argument(
        "--set",
        action="extend",
        nargs="+",
        metavar="NAME=VALUE",
        help="e.g. --set staffHousehold=off massChangePercent=15 (several after one --set)",
    )
    pr.add_argument("--json", action="store_true", help="print one JSON document")
    pr.set_defaults(func=cmd_preferences)

    add_sync_parsers(sub)
    add_history_parsers(sub)

    k = sub.add_parser("key", help="the data key that encrypts SSNs and the client secret")
    ksub = k.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    kr = ksub.add_parser("rotate", help="re-encrypt everything under a new data key")
    kr.add_argument("--json", action="store_true")
    kr.set_defaults(func=cmd_key_rotate)

    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    func = getattr(args, "func", cmd_tui)
    as_json = bool(getattr(args, "json", False))
    try:
        resolve_url(args.db)
        return func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``bo-tui errors | head``): stop quietly, as Unix tools do.
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - every error is one line (or one JSON document)
        message, errors, code = _failure(exc)
        if as_json:
            # With --json, errors are JSON too (SPEC section 9): one document on stdout.
            print_json({"error": message, "errors": errors})
            return code
        return fail(message, code)


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _failure(exc: BaseException) -> tuple[str, list[dict], int]:
    """(one-line message, [{field, message}], exit code) for any error a command raised."""
    if isinstance(exc, UsageError | StoreError):
        return str(exc), [], EXIT_USAGE
    if isinstance(exc, CoreError):
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        extra = f" ({detail})" if detail and len(errors) > 1 else ""
        return f"{exc.message}{extra}", errors, EXIT_DATA
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), [], EXIT_USAGE
    # Database and driver errors carry SQL parameters (SSNs): name the error, not its text.
    return _unexpected(exc), [], EXIT_DATA


def _unexpected(exc: BaseException) -> str:
    from ..store import failure_kind

    kind = failure_kind(exc)
    hint = ""
    if "IntegrityError" in kind or "OperationalError" in kind:
        hint = "; the store may be from another version of bo-tui or in use elsewhere"
    return f"unexpected {kind} (nothing was half-written: the change was rolled back){hint}"


if __name__ == "__main__":
    sys.exit(main())
