"""``bo-tui sync history|show|revert`` and ``bo-tui history STAFF_NUMBER`` (SPEC section 9;
R-HIST-1..3): thin commands over the core's history; the acting OS login needs the rights."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_DATA, EXIT_OK, UsageError, open_store, print_json, progress_line

SHOW_KEYS = ("staffNumber", "area", "field", "before", "after")


def _login() -> str:
    from ..core.users import os_login

    return os_login()


def _when(value) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value else "—"


def cmd_sync_history(args: argparse.Namespace) -> int:
    from ..core import history

    store = open_store(args)
    with store.session() as session:
        history.require_read(session, _login())
        rows = history.SyncHistoryQuery().page(session, 0, args.limit)
    if args.json:
        print_json([r.as_dict() for r in rows])
        return EXIT_OK
    if not rows:
        print("No sync yet.")
    for r in rows:
        what = (
            f"revert #{r.syncId} of sync #{r.revertOf}"
            if r.kind == "revert"
            else f"sync #{r.syncId}"
        )
        counts = (
            f"{r.changed:,} reverted, {r.failed:,} failed"
            if r.kind == "revert"
            else f"{r.transferred:,} transferred, {r.rejected:,} rejected, {r.created:,} created, "
            f"{r.changed:,} changed, {r.unchanged:,} unchanged, {r.failed:,} failed, {r.held:,} held"
        )
        back = f"; reverted by #{r.revertedBy}" if r.revertedBy else ""
        print(f"{what}: {r.state}{back}, by {r.by or '—'}, from {r.source or '—'}")
        print(f"  started {_when(r.startedAt)}, committed {_when(r.committedAt)}; {counts}")
        print(f"  {r.changes:,} changed field(s): bo-tui sync show {r.syncId}")
    return EXIT_OK


def _changes(session, query) -> list:
    out, offset = [], 0
    while True:
        page = query.page(session, offset, 5000)
        out.extend(page)
        if len(page) < 5000:
            return out
        offset += 5000


def cmd_sync_show(args: argparse.Namespace) -> int:
    from ..core import history

    store = open_store(args)
    with store.session() as session:
        history.require_read(session, _login())
        if history.sync_summary(session, args.id) is None:
            raise UsageError(f"there is no sync #{args.id} (see bo-tui sync history)")
        query = history.ChangeQuery(sync_id=args.id, staff_number=args.staff)
        rows = _changes(session, query)
    if args.json:
        print_json([{k: getattr(r, k) for k in SHOW_KEYS} for r in rows])
        return EXIT_OK
    for r in rows:
        print(
            f"{r.staffNumber or '—':<12} {r.area:<12} {r.field:<16} {r.before or '—'} → {r.after or '—'}"
        )
    print(f"{len(rows):,} change(s) of sync #{args.id}")
    return EXIT_OK


def _print_preview(p) -> None:
    counts = ", ".join(f"{area} {n:,}" for area, n in sorted(p.counts.items())) or "nothing"
    print(f"Reverting sync #{p.syncId} puts back: {counts}; {p.staff:,} staff member(s)")
    print(f"  staff members the sync created, removed: {p.removes:,}")
    _print_conflicts(p.conflicts)


def _print_conflicts(conflicts) -> None:
    print(f"  conflicts (changed since, left as they are): {len(conflicts):,}")
    for c in conflicts[:20]:
        print(f"    {c.staffNumber} {c.area}.{c.field}: {c.reason}")
    if len(conflicts) > 20:
        print(f"    … and {len(conflicts) - 20:,} more (--json lists them all)")


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("reverting asks first: add --yes to revert without a question")
    answer = input(f"Revert sync #{args.id}? Type yes to go on: ")
    return answer.strip().lower() in ("y", "yes")


def cmd_sync_revert(args: argparse.Namespace) -> int:
    from ..core import history

    store = open_store(args)
    login = _login()
    with store.session() as session:
        if args.dry_run:
            history.require_read(session, login)
        else:
            history.require_revert(session, login)
        preview = history.preview_revert(session, args.id)
    if args.dry_run:
        if args.json:
            print_json(preview.model_dump())
        else:
            _print_preview(preview)
            print("Dry run: nothing was changed.")
        return EXIT_OK
    if not args.json:
        _print_preview(preview)
    if not _confirmed(args):
        print("Nothing was changed.")
        return EXIT_OK
    result = history.revert(store, args.id, login, progress=progress_line("revert"))
    if args.json:
        print_json(result.as_dict())
    else:
        print(
            f"Revert #{result.revertId} of sync #{result.revertOf}: {result.reverted:,} staff "
            f"member(s), {len(result.failures):,} failed"
        )
        _print_conflicts(result.conflicts)
        for f in result.failures[:20]:
            print(f"  {f.staffNumber}: {f.message}")
    return EXIT_DATA if result.failures else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from ..core import history

    store = open_store(args)
    with store.session() as session:
        history.require_read(session, _login())
        query = history.ChangeQuery(staff_number=args.staff_number)
        rows = query.page(session, 0, args.limit, sort="newest")
    if args.json:
        print_json([r.as_row() for r in rows])
        return EXIT_OK
    if not rows:
        print(f"No change of staff member {args.staff_number} on record.")
    for r in rows:
        print(
            f"{_when(r.at)}  {r.source:<12} {r.area:<12} {r.field:<16} "
            f"{r.before or '—'} → {r.after or '—'}  ({r.by or '—'})"
        )
    return EXIT_OK


def _json_flag(p: argparse.ArgumentParser, text: str = "print one JSON document") -> None:
    p.add_argument("--json", action="store_true", help=text)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def add_sync_parsers(steps) -> None:
    """``sync history``, ``sync show`` and ``sync revert`` under the ``sync`` parser's steps."""
    hi = steps.add_parser("history", help="syncs and reverts, newest first, with their counts")
    hi.add_argument("--limit", type=_positive, default=50, metavar="N", help="at most N (50)")
    _json_flag(hi)
    hi.set_defaults(func=cmd_sync_history)
    sh = steps.add_parser("show", help="the changes a sync (or a revert) made")
    sh.add_argument("id", type=int, metavar="ID", help="the sync's id (bo-tui sync history)")
    sh.add_argument("--staff", metavar="SN", help="only this staff member's changes")
    _json_flag(sh, "print [{staffNumber, area, field, before, after}]")
    sh.set_defaults(func=cmd_sync_show)
    rv = steps.add_parser("revert", help="take a committed sync back (asks first)")
    rv.add_argument("id", type=int, metavar="ID", help="the sync (or revert) to take back")
    rv.add_argument("--dry-run", action="store_true", help="print counts and conflicts only")
    rv.add_argument("--yes", action="store_true", help="revert without asking")
    _json_flag(rv)
    rv.set_defaults(func=cmd_sync_revert)


def add_parsers(sub) -> None:
    """``bo-tui history STAFF_NUMBER``."""
    h = sub.add_parser("history", help="a staff member's changes, newest first (R-HIST-1)")
    h.add_argument("staff_number", metavar="STAFF_NUMBER")
    h.add_argument("--limit", type=_positive, default=500, metavar="N", help="at most N (500)")
    _json_flag(h)
    h.set_defaults(func=cmd_history)
