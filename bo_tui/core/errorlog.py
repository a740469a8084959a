"""The Business Office Error Log (R-LOG-1): every failed API call, rejected sync record and
failed commit record, stored with its payload redacted; filtered pages and a PDF export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel
from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from ..store.models.integration import ErrorLogEntry
from .errors import FieldError, RuleViolation
from .redact import redact_payload, redact_text

COLUMNS = ("Error Date", "Action", "Path", "Error Message", "Payload")
SORTS = {
    "errorDate": ErrorLogEntry.error_date,
    "action": ErrorLogEntry.action,
    "path": ErrorLogEntry.path,
    "message": ErrorLogEntry.message,
}


def utcnow() -> dt.datetime:
    """Naive UTC, the form every timestamp of the store is kept in."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def iso_utc(when: dt.datetime) -> str:
    return when.replace(microsecond=0).isoformat() + "Z"


class ErrorEntry(BaseModel):
    id: int
    errorDate: dt.datetime
    action: str
    path: str
    status: int | None = None
    message: str
    payload: str

    def as_json(self) -> dict[str, Any]:
        """The CLI and export shape: ``{errorDate, action, path, message, payload}``."""
        return {
            "errorDate": iso_utc(self.errorDate),
            "action": self.action,
            "path": self.path,
            "message": self.message,
            "payload": self.payload,
        }


class ErrorFilter(BaseModel):
    """Filters of the Error Log screen and ``bo-tui errors``; every field optional."""

    date_from: dt.date | None = None  # inclusive
    date_to: dt.date | None = None  # inclusive
    action: str | None = None  # exact: GET, POST, PUT, FILE, JOB
    path: str | None = None  # substring
    text: str | None = None  # substring of message or payload

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.model_dump(exclude_none=True).items() if v != ""]
        return ", ".join(parts) if parts else "all entries"


def _as_text(payload: Any) -> bytes | str | None:
    if payload is None or isinstance(payload, bytes | str):
        return payload
    return json.dumps(payload, default=str, ensure_ascii=False)


def _row(
    action: str, path: str, message: str, payload: Any, status: int | None, when: dt.datetime | None
) -> dict:
    return {
        "error_date": when or utcnow(),
        "action": (action or "?")[:10].upper(),
        "path": redact_text(path or "")[:400],
        "status": status,
        "message": redact_text(message or "")[:4000],
        "payload": redact_payload(_as_text(payload)),
    }


def log_error(
    session: Session,
    *,
    action: str,
    path: str,
    message: str,
    payload: Any = None,
    status: int | None = None,
    when: dt.datetime | None = None,
) -> None:
    """Store one entry. ``payload`` may be raw bytes, text or a decoded value: it is always
    redacted here (SSNs, secrets, tokens), so no caller can store it raw."""
    session.execute(insert(ErrorLogEntry), [_row(action, path, message, payload, status, when)])


def log_errors(session: Session, entries: Iterable[dict]) -> int:
    """Bulk form of ``log_error`` for rejected sync records: dicts with action, path,
    message and optional payload/status/when."""
    rows = [
        _row(e["action"], e["path"], e["message"], e.get("payload"), e.get("status"), e.get("when"))
        for e in entries
    ]
    if rows:
        session.execute(insert(ErrorLogEntry), rows)
    return len(rows)


def _filtered(stmt: Select, flt: ErrorFilter | None) -> Select:
    if flt is None:
        return stmt
    if flt.date_from:
        stmt = stmt.where(ErrorLogEntry.error_date >= dt.datetime.combine(flt.date_from, dt.time()))
    if flt.date_to:
        end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time())
        stmt = stmt.where(ErrorLogEntry.error_date < end)
    if flt.action:
        stmt = stmt.where(ErrorLogEntry.action == flt.action.strip().upper())
    if flt.path:
        stmt = stmt.where(ErrorLogEntry.path.icontains(flt.path.strip(), autoescape=True))
    if flt.text:
        t = flt.text.strip()
        stmt = stmt.where(
            or_(
                ErrorLogEntry.message.icontains(t, autoescape=True),
                ErrorLogEntry.payload.icontains(t, autoescape=True),
            )
        )
    return stmt


def count(session: Session, flt: ErrorFilter | None = None) -> int:
    return session.scalar(_filtered(select(func.count(ErrorLogEntry.id)), flt)) or 0


def _order(sort: str):
    desc = sort.startswith("-")
    key = sort.lstrip("-+")
    if key not in SORTS:
        raise RuleViolation(
            [
                FieldError(
                    "sort",
                    f"must be one of {', '.join(SORTS)} (prefix - for descending)",
                    "R-LOG-1",
                )
            ]
        )
    col = SORTS[key]
    return (col.desc(), ErrorLogEntry.id.desc()) if desc else (col.asc(), ErrorLogEntry.id.asc())


def _entry(row: ErrorLogEntry) -> ErrorEntry:
    return ErrorEntry(
        id=row.id,
        errorDate=row.error_date,
        action=row.action,
        path=row.path,
        status=row.status,
        message=row.message,
        payload=row.payload or "",
    )


def page(
    session: Session,
    offset: int = 0,
    limit: int = 100,
    flt: ErrorFilter | None = None,
    sort: str = "-errorDate",
) -> list[ErrorEntry]:
    """One page of entries, newest first by default."""
    stmt = _filtered(select(ErrorLogEntry), flt).order_by(*_order(sort))
    stmt = stmt.offset(max(offset, 0)).limit(max(min(limit, 10_000), 0))
    return [_entry(r) for r in session.scalars(stmt)]


def iter_entries(
    session: Session, flt: ErrorFilter | None = None, *, chunk: int = 2000
) -> Iterator[ErrorEntry]:
    """Every matching entry, newest first, read in chunks (exports of a big log)."""
    offset = 0
    while True:
        rows = page(session, offset, chunk, flt)
        yield from rows
        if len(rows) < chunk:
            return
        offset += chunk


def purge(session: Session, before: dt.datetime) -> int:
    """Delete entries older than ``before``; returns how many went."""
    return (
        session.execute(delete(ErrorLogEntry).where(ErrorLogEntry.error_date < before)).rowcount
        or 0
    )


# --- PDF export --------------------------------------------------------------------------

_CELL_LIMITS = {"message": 600, "payload": 900}


def _latin1(text: str) -> str:
    # The PDF core fonts are Latin-1; anything else becomes "?" rather than an exception.
    return text.replace("…", "...").encode("latin-1", errors="replace").decode("latin-1")


def _cell(text: str, limit: int | None = None) -> str:
    if limit and len(text) > limit:
        text = text[:limit] + f" ... (+{len(text) - limit:,} chars; see bo-tui errors --json)"
    return _latin1(text)


def export_pdf(session: Session, out: str | Path | BinaryIO, flt: ErrorFilter | None = None) -> int:
    """Write the log as a paged PDF table with the five seed columns; returns the row count."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    total = count(session, flt)
    generated = iso_utc(utcnow())

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("Helvetica", size=7)
            self.cell(
                0,
                5,
                f"Business Office Error Log - generated {generated} - page {self.page_no()}/{{nb}}",
                align="C",
            )

    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.cell(0, 8, "Business Office Error Log", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    filt = flt.describe() if flt else "all entries"
    pdf.cell(
        0, 5, _latin1(f"{total:,} entries ({filt}), newest first"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    pdf.set_font("Helvetica", size=7)
    heading = FontFace(emphasis="BOLD", fill_color=(220, 226, 235))
    with pdf.table(
        col_widths=(30, 14, 52, 78, 103),
        text_align="LEFT",
        headings_style=heading,
        repeat_headings=1,
        line_height=3.2,
        padding=(0.8, 1),
        v_align="TOP",
        first_row_as_headings=True,
    ) as table:
        table.row(COLUMNS)
        for e in iter_entries(session, flt):
            table.row(
                (
                    iso_utc(e.errorDate).replace("T", " "),
                    e.action,
                    _cell(e.path, 300),
                    _cell(e.message, _CELL_LIMITS["message"]),
                    _cell(e.payload, _CELL_LIMITS["payload"]),
                )
            )
    if isinstance(out, str | Path):
        pdf.output(str(out))
    else:
        out.write(bytes(pdf.output()))
    return total
