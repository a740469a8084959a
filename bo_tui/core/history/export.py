"""The changes of a sync or a staff member as CSV or PDF (R-HIST-1; the TUI's `e` and the CLI),
read page by page through ``ChangeQuery`` so a large sync never sits in memory."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from ..errors import FieldError, RuleViolation
from .queries import ChangeOut, ChangeQuery

COLUMNS = ("at", "source", "staffNumber", "area", "field", "before", "after", "by")
PAGE = 2000


def _rows(session: Session, query: ChangeQuery) -> Iterator[ChangeOut]:
    offset = 0
    while True:
        page = query.page(session, offset, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def _values(c: ChangeOut) -> tuple:
    return (
        c.at.isoformat(sep=" ", timespec="seconds"),
        c.source,
        c.staffNumber or "",
        c.area,
        c.field,
        c.before or "",
        c.after or "",
        c.by or "",
    )


def _title(query: ChangeQuery) -> str:
    if query.sync_id is not None:
        return f"Changes of sync #{query.sync_id}"
    if query.staff_number:
        return f"Changes of staff member {query.staff_number}"
    return "Changes of staff data"


def export_changes(session: Session, query: ChangeQuery, out_path: str | Path) -> int:
    """Write the query's changes to ``out_path`` (.csv or .pdf); returns how many."""
    path = Path(out_path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        n = 0
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            for c in _rows(session, query):
                w.writerow(_values(c))
                n += 1
        return n
    if suffix == ".pdf":
        return _pdf(session, query, path)
    msg = "must end in .csv or .pdf"
    raise RuleViolation([FieldError("out", msg, "R-HIST-1")], f"export file {msg}")


def _latin1(text: str) -> str:
    return text.replace("…", "...").encode("latin-1", errors="replace").decode("latin-1")


def _pdf(session: Session, query: ChangeQuery, path: Path) -> int:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    title = _title(query)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(10, 10, 10)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=7)
    heading = FontFace(emphasis="BOLD", fill_color=(220, 226, 235))
    n = 0
    with pdf.table(
        col_widths=(30, 22, 24, 24, 28, 64, 64, 21),
        text_align="LEFT",
        headings_style=heading,
        repeat_headings=1,
        line_height=3.2,
        first_row_as_headings=True,
    ) as table:
        table.row(COLUMNS)
        for c in _rows(session, query):
            table.row(tuple(_latin1(str(v))[:300] for v in _values(c)))
            n += 1
    pdf.output(str(path))
    return n


__all__ = ["export_changes"]
