"""``bo-tui check`` and ``bo-tui sync …`` (SPEC section 9; R-SYNC-1 … R-SYNC-13): thin commands
over the core's sync use cases; every refusal is the core's action saying why and what next."""

from __future__ import annotations

import argparse
import sys

from ..core.fields import LABELS
from ..core.sync.export import SUMMARY_LABELS
from .common import EXIT_DATA, EXIT_OK, UsageError, open_store, print_json, progress_line
from .history import add_sync_parsers as add_history_parsers


def who() -> str:
    from ..core.users import os_login

    return os_login()


def cmd_check(args: argparse.Namespace) -> int:
    from ..core.sync import check_campus

    store = open_store(args)
    with store.transaction() as session:
        result = check_campus(session)
    if args.json:
        print_json(result.as_dict())
    else:
        print(f"Campus staff with duplicate staff numbers: {len(result.duplicateStaffNumbers):,}")
        for r in result.duplicateStaffNumbers:
            print(
                f"  {r.staffNumber!r:<14} {r.lastName or ''}, {r.firstName or ''} (person {r.personId})"
            )
        print(f"Campus staff with no staff number: {len(result.noStaffNumber):,}")
        for r in result.noStaffNumber:
            print(f"  {r.lastName or ''}, {r.firstName or ''} (person {r.personId})")
    return EXIT_OK if result.ok else EXIT_DATA


def _print_commit(res) -> None:
    print(
        f"Commit: {res.applied:,} applied, {len(res.failures):,} failed, {res.skipped:,} unchanged"
        + (f", {len(res.held):,} held" if res.held else "")
    )
    for f in res.failures[:20]:
        print(f"  {f.staffNumber}: {f.message}")
    if len(res.failures) > 20:
        print(f"  … and {len(res.failures) - 20:,} more (bo-tui errors)")


def _print_summary(summary: dict) -> None:
    demo = summary["demographicDifferences"]
    print(f"{SUMMARY_LABELS['demographicDifferences']}: {demo['total']:,}")
    print("  " + ", ".join(f"{LABELS.get(k, k)} {v:,}" for k, v in demo["fields"].items()))
    for key, label in SUMMARY_LABELS.items():
        if key != "demographicDifferences":
            print(f"{label}: {summary[key]:,}")


def _print_transfer(moved) -> None:
    print(f"Transfer: {moved.accepted:,} staged, {moved.rejectedCount:,} rejected")
    if moved.replaced:
        print(
            f"  {moved.replaced:,} records were replaced by a later copy of their staff number "
            f"({moved.duplicateStaffNumbers:,} staff numbers more than once in one file: see "
            "the report's HR duplicate staff numbers)"
        )
    for r in moved.rejected[:20]:
        where = "; ".join(
            (
                f"line {e['line']}" + (f", column {e['column']}" if e.get("column") else "") + ": "
                if e.get("line")
                else ""
            )
            + f"{e['field']}: {e['message']}"
            for e in r.errors[:3]
        )
        print(f"  {r.staffNumber or '(no staffNumber)'}: {where}")


def _transfer_doc(moved) -> dict:
    return {
        "accepted": moved.accepted,
        "rejected": moved.rejectedCount,
        "replaced": moved.replaced,
        "duplicateStaffNumbers": moved.duplicateStaffNumbers,
        "firstRejected": [r.model_dump() for r in moved.rejected[:50]],
    }


def _then(fn, next_step: str, *a, **kw):
    """A file that failed names the next step, which works (issue 18: no dead end)."""
    from ..core.errors import Conflict, RuleViolation

    try:
        return fn(*a, **kw)
    except RuleViolation as exc:
        if isinstance(exc, Conflict):
            raise
        raise RuleViolation(exc.errors, f"{exc.message}; {next_step}") from None


def _usage(fn, *a, **kw):
    """A usage check of the core (a missing file, a bad setting): exit 2, nothing started."""
    from ..core.errors import CoreError

    try:
        return fn(*a, **kw)
    except CoreError as exc:
        raise UsageError(exc.errors[0].message if exc.errors else exc.message) from None


def cmd_sync_run(args: argparse.Namespace) -> int:
    from ..core.sync import export
    from ..core.sync.run import check_paths, run_file

    if (args.job or args.force) and not args.commit:
        raise UsageError("--job and --force go with --commit")
    _usage(check_paths, args.file, args.report, args.encoding)
    store = open_store(args)
    out = _then(
        run_file,
        "no sync is left half-filled: fix the file, then run `bo-tui sync run FILE…` again",
        store,
        args.file,
        by=who(),
        commit=args.commit,
        job=args.job,
        force=args.force,
        report_to=args.report,
        progress=progress_line("transfer"),
        commit_progress=progress_line("commit"),
        encoding=args.encoding,
    )
    if args.json:
        with store.session() as session:
            extra = {
                "transfer": _transfer_doc(out.transfer),
                "commit": out.commit.as_dict() if out.commit else None,
            }
            export.export_json(session, sys.stdout, sync_id=out.syncId, extra=extra)
    else:
        _print_transfer(out.transfer)
        _print_summary(out.report.summary)
        if args.report:
            print(f"Report written to {args.report}")
        if out.commit is not None:
            _print_commit(out.commit)
        else:
            print("The sync is validated: review it in the TUI, then commit (bo-tui sync commit).")
    failed = out.transfer.rejectedCount or (out.commit and out.commit.failures)
    return EXIT_DATA if failed else EXIT_OK


def cmd_sync_commit(args: argparse.Namespace) -> int:
    from ..core.sync.run import commit_now

    store = open_store(args)
    result = commit_now(
        store, who(), job=args.job, force=args.force, progress=progress_line("commit")
    )
    if args.json:
        print_json(result.as_dict())
    else:
        _print_commit(result)
    return EXIT_DATA if result.failures else EXIT_OK


def cmd_sync_start(args: argparse.Namespace) -> int:
    from ..core.sync import start

    store = open_store(args)
    with store.transaction() as session:
        info = start(session, who())
    print(f"Sync #{info.syncId} started: transfer files with `bo-tui sync transfer FILE…`.")
    return EXIT_OK


def cmd_sync_transfer(args: argparse.Namespace) -> int:
    from ..core.sync import transfer_file
    from ..core.sync.run import check_paths

    _usage(check_paths, args.files, None, args.encoding)
    store = open_store(args)
    rejected = 0
    for i, path in enumerate(args.files):
        before = f" (the files before it stay staged: {', '.join(args.files[:i])})" if i else ""
        moved = _then(
            transfer_file,
            f"the open sync is as it was before {path}{before}: fix the file and run "
            "`bo-tui sync transfer FILE` again, or start over with `bo-tui sync restart`",
            store,
            path,
            progress=progress_line("transfer"),
            encoding=args.encoding,
        )
        rejected += moved.rejectedCount
        if args.json:
            print_json({"file": str(path), **_transfer_doc(moved)})
        else:
            print(f"{path}:")
            _print_transfer(moved)
    return EXIT_DATA if rejected else EXIT_OK


def cmd_sync_end(args: argparse.Namespace) -> int:
    from ..core.sync import end

    store = open_store(args)
    with store.transaction() as session:
        info = end(session)
    print(
        f"Transfer ended: {info.transferred:,} staff members; validate with `bo-tui sync validate`."
    )
    return EXIT_OK


def cmd_sync_validate(args: argparse.Namespace) -> int:
    from ..core.sync import export, validate
    from ..core.sync.run import check_paths

    if args.report:
        _usage(check_paths, [], args.report)
    store = open_store(args)
    with store.transaction() as session:
        rep = validate(session, details=False)
        if args.report:
            export.export(session, args.report)
    if args.json:
        with store.session() as session:
            export.export_json(session, sys.stdout, sync_id=rep.syncId)
        return EXIT_OK
    _print_summary(rep.summary)
    if args.report:
        print(f"Report written to {args.report}")
    print("The sync is validated: review it in the TUI, then commit (bo-tui sync commit).")
    return EXIT_OK


def cmd_sync_status(args: argparse.Namespace) -> int:
    from ..core.sync import status
    from ..core.sync.states import describe

    store = open_store(args)
    with store.session() as session:
        st = status(session)
    if args.json:
        print_json(st.as_dict())
        return EXIT_OK
    s = st.sync
    print(
        f"Sync: {s.state}"
        + (f" (#{s.syncId}, started by {s.startedBy} at {s.startedAt})" if s.syncId else "")
    )
    if s.syncId:
        print(f"  {describe(s)}; transferred {s.transferred:,}, rejected {s.rejected:,}")
        if s.summary:
            print(
                f"  validated at {s.validatedAt}: {s.creates:,} to create, {s.changes:,} to change"
            )
    j = st.job
    if j:
        print(
            f"Last commit job: #{j.jobId} {j.status}, {j.processed:,}/{j.total:,} processed, "
            f"{j.failures:,} failed, started {j.startedAt}"
            + (f", finished {j.finishedAt}" if j.finishedAt else "")
        )
        if j.message:
            print(f"  {j.message}")
    return EXIT_OK


def cmd_sync_resume(args: argparse.Namespace) -> int:
    from ..core.sync import resume

    store = open_store(args)
    taken = resume(store, progress=progress_line("resume"))
    print(
        f"Resumed commit job(s): {', '.join(map(str, taken))}"
        if taken
        else "No interrupted commit job."
    )
    return EXIT_OK


def cmd_sync_restart(args: argparse.Namespace) -> int:
    from ..core.sync import restart

    store = open_store(args)
    with store.transaction() as session:
        info = restart(session)
    print(
        f"Sync #{info.syncId} restarted: transferring, staged data discarded. "
        "Transfer again with `bo-tui sync run FILE` or `bo-tui sync transfer FILE…`."
    )
    return EXIT_OK


def _encoding_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="the files' encoding when not UTF-8 or UTF-16 with a BOM (read by itself), "
        "e.g. cp1252 for Windows/Latin-1 exports",
    )


def _json_flag(p: argparse.ArgumentParser, text: str = "print one JSON document") -> None:
    p.add_argument("--json", action="store_true", help=text)


def add_parsers(sub) -> None:
    ck = sub.add_parser("check", help="Check Campus Data: duplicate and missing staff numbers")
    _json_flag(ck)
    ck.set_defaults(func=cmd_check)

    sy = sub.add_parser(
        "sync", help="staff synchronization from an HR file; the steps, commit, status, resume"
    )
    sy.set_defaults(func=lambda a: (sy.print_help(), 2)[1])
    steps = sy.add_subparsers(dest="sync_command", metavar="SUBCOMMAND")
    run = steps.add_parser(
        "run", help="start, transfer FILE… (JSON or CSV), end, validate; --commit"
    )
    run.add_argument(
        "file", metavar="FILE", nargs="+", help="HR export: a JSON array or the CSV of SPEC 9"
    )
    run.add_argument("--commit", action="store_true", help="also commit (else review in the TUI)")
    run.add_argument("--job", action="store_true", help="commit as a background job, with progress")
    run.add_argument("--force", action="store_true", help="confirm past the mass-change guard")
    run.add_argument(
        "--report", metavar="OUT", help="write the report: OUT.json, OUT.csv or OUT.pdf"
    )
    _encoding_flag(run)
    _json_flag(run, "print the report and commit result as JSON")
    run.set_defaults(func=cmd_sync_run)

    steps.add_parser("start", help="start a sync (the API's sync/start)").set_defaults(
        func=cmd_sync_start
    )
    tr = steps.add_parser("transfer", help="transfer HR files into the open sync (they add up)")
    tr.add_argument("files", metavar="FILE", nargs="+", help="JSON array or CSV files")
    _encoding_flag(tr)
    _json_flag(tr, "print each file's transfer as JSON")
    tr.set_defaults(func=cmd_sync_transfer)
    steps.add_parser("end", help="end the transfer").set_defaults(func=cmd_sync_end)
    va = steps.add_parser("validate", help="compare the HR staff with Campus: the report")
    va.add_argument("--report", metavar="OUT", help="write OUT.json, OUT.csv or OUT.pdf")
    _json_flag(va, "print the report as JSON")
    va.set_defaults(func=cmd_sync_validate)

    co = steps.add_parser("commit", help="commit the open, validated sync")
    co.add_argument("--job", action="store_true", help="as a background job, with progress")
    co.add_argument("--force", action="store_true", help="confirm past the mass-change guard")
    _json_flag(co, "print the commit result as JSON")
    co.set_defaults(func=cmd_sync_commit)
    stt = steps.add_parser("status", help="the sync's state and the last commit job")
    _json_flag(stt)
    stt.set_defaults(func=cmd_sync_status)
    steps.add_parser("resume", help="resume interrupted commit jobs").set_defaults(
        func=cmd_sync_resume
    )
    steps.add_parser("restart", help="back to transferring, staged data discarded").set_defaults(
        func=cmd_sync_restart
    )
    add_history_parsers(steps)  # sync history, show, revert (R-HIST-1..3)
