"""Exports of the validation report (R-SYNC-4): JSON (the API's document), CSV (one row per
system side), and a PDF laid out like the seed's "Staff Synchronization Validation Report":
a summary page, then the detail tables of every category (all rows), page numbers."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from ..errors import FieldError, RuleViolation
from ..fields import label, short_label
from .report import (
    CATEGORIES,
    DEMOGRAPHIC_FIELDS,
    FIELD_COLUMNS,
    NOTES,
    SUMMARY_KEYS,
    TITLES,
    _run,
)
from .report_query import ReportQuery

FORMATS = ("json", "csv", "pdf")
SUMMARY_LABELS = {
    "demographicDifferences": "Demographic differences",
    "employmentDifferences": "District Employment differences",
    "assignmentDifferences": "District Assignment differences",
    "addressDifferences": "Address differences",
    "hrStaffNotInCampus": "HR staff NOT in Campus",
    "campusStaffNotInHr": "Campus staff NOT in HR",
    "campusDuplicateStaffNumbers": "Campus staff with duplicate staff numbers",
    "campusNoStaffNumber": "Campus staff with no staff number",
    "willNotCommit": "HR records the commit will refuse",
    "hrDuplicateStaffNumbers": "Staff numbers more than once in one HR file",
}


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"the report format is taken from the file name: .{', .'.join(FORMATS)}")
    return suffix


def _categories(categories: Sequence[str] | None) -> tuple[str, ...]:
    """The detail categories to write: all by default, or the chosen ones (a review tab)."""
    if categories is None:
        return CATEGORIES
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise RuleViolation(
            [
                FieldError(
                    "categories",
                    f"unknown report category; valid: {', '.join(CATEGORIES)}",
                    "R-SYNC-4",
                )
            ]
        )
    return tuple(c for c in CATEGORIES if c in categories)


def export(
    session: Session,
    out: str | Path,
    *,
    sync_id: int | None = None,
    categories: Sequence[str] | None = None,
    narrow: dict | None = None,
) -> str:
    """Write the last validation report to ``out`` in the format of its suffix: the summary
    and the details of every category, or only of ``categories``; ``narrow`` holds the
    ReportQuery filters a screen's tab shows (field, held, reviewed, search)."""
    fmt = format_of(out)
    cats = _categories(categories)
    if fmt == "pdf":
        export_pdf(session, out, sync_id=sync_id, categories=cats, narrow=narrow)
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            (export_json if fmt == "json" else export_csv)(
                session, fh, sync_id=sync_id, categories=cats, narrow=narrow
            )
    return fmt


# --- JSON ------------------------------------------------------------------------------------


def export_json(
    session: Session,
    fh: TextIO,
    *,
    sync_id: int | None = None,
    extra: dict | None = None,
    categories: Sequence[str] = CATEGORIES,
    narrow: dict | None = None,
) -> None:
    """The report document, written row by row (memory stays flat for any size)."""
    run = _run(session, sync_id)
    head = {
        "syncId": run.id,
        "generatedAt": run.validated_at.replace(microsecond=0).isoformat() + "Z"
        if run.validated_at
        else None,
        "summary": json.loads(run.summary),
    }
    fh.write(json.dumps(head, indent=2)[:-2] + ',\n  "details": {')
    for i, cat in enumerate(categories):
        fh.write(("," if i else "") + f"\n    {json.dumps(cat)}: [")
        for j, row in enumerate(ReportQuery(cat, run.id, **(narrow or {})).iter_rows(session)):
            fh.write(("," if j else "") + "\n      " + json.dumps(row, separators=(",", ":")))
        fh.write("\n    ]")
    fh.write("\n  }")
    for key, value in (extra or {}).items():
        fh.write(f",\n  {json.dumps(key)}: {json.dumps(value, default=str)}")
    fh.write("\n}\n")


# --- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "category",
    "system",
    "staffNumber",
    "lastName",
    "firstName",
    "middleName",
    "gender",
    "ssn",
    "birthDate",
    "workPhone",
    "cellPhone",
    "otherPhone",
    "workEmail",
    "personalEmail",
    "hireDate",
    "terminationDate",
    "schoolNumber",
    "assignmentCode",
    "titleCode",
    "startDate",
    "endDate",
    "linked",
    "address",
    "match",
    "differences",
    "count",
    # The flat categories (R-SYNC-12 willNotCommit, issue 18 hrDuplicateStaffNumbers).
    "reason",
    "file",
    "lines",
    "differ",
)


def _side_rows(cat: str, row: dict) -> list[dict]:
    """A report row as CSV/PDF lines: the Campus side, then the HR side."""
    if "campus" not in row and "hr" not in row:  # a flat row: one line as it is
        flat = {k: " ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
        return [{"system": "HR", **flat, "count": row.get("copies")}]
    out = []
    diffs = " ".join(row.get("differences", []))
    for system in ("campus", "hr"):
        side = row.get(system)
        if side is None:
            continue
        base = {
            "system": "Campus" if system == "campus" else "HR",
            "staffNumber": row.get("staffNumber"),
        }
        if isinstance(side, list):
            base.update(lastName=row.get("lastName"), firstName=row.get("firstName"))
            if not side:
                out.append({**base, "differences": "(none)"})
            for item in side:
                out.append({**base, **item})
        else:
            item = {**base, **side}
            if cat == "addressDifferences":
                item.update(lastName=row.get("lastName"), firstName=row.get("firstName"))
            if system == "hr":
                item["differences"] = diffs
                if row.get("match"):
                    item["match"] = row["match"]
            out.append(item)
    return out


def export_csv(
    session: Session,
    fh: TextIO,
    *,
    sync_id: int | None = None,
    categories: Sequence[str] = CATEGORIES,
    narrow: dict | None = None,
) -> None:
    run = _run(session, sync_id)
    w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    summary = json.loads(run.summary)
    for key in SUMMARY_KEYS:
        value = summary.get(key, 0)  # a report validated before a category existed
        if isinstance(value, dict):
            w.writerow({"category": "summary", "differences": key, "count": value["total"]})
            for f, n in value["fields"].items():
                w.writerow({"category": "summary", "differences": f"{key}.{f}", "count": n})
        else:
            w.writerow({"category": "summary", "differences": key, "count": value})
    for cat in categories:
        for row in ReportQuery(cat, run.id, **(narrow or {})).iter_rows(session):
            for line in _side_rows(cat, row):
                w.writerow({"category": cat, **line})


# --- PDF -------------------------------------------------------------------------------------


def _col(key: str, width: int, header: str | None = None, *, short: bool = False) -> tuple:
    """A PDF column: (key, header, width in mm); the header is the field's label."""
    return (key, header or (short_label(key) if short else label(key)), width)


# Columns per category; landscape Letter is 279 mm wide.
_PERSON = (
    _col("system", 16),
    _col("staffNumber", 24),
    _col("lastName", 28),
    _col("firstName", 26),
    _col("middleName", 22),
    _col("gender", 7, short=True),
    _col("ssn", 22),
    _col("workEmail", 52),
    _col("workPhone", 26),
    _col("birthDate", 22),
)
_DEMO_EXTRA = (
    _col("system", 16),
    _col("staffNumber", 24),
    _col("personalEmail", 60),
    _col("cellPhone", 30),
    _col("otherPhone", 30),
    _col("differences", 85),
)
COLUMNS = {
    "demographicDifferences": _PERSON,
    "employmentDifferences": (
        _col("system", 16),
        _col("staffNumber", 26),
        _col("lastName", 40),
        _col("firstName", 40),
        _col("hireDate", 40),
        _col("terminationDate", 44),
    ),
    "assignmentDifferences": (
        _col("system", 16),
        _col("staffNumber", 26),
        _col("lastName", 36),
        _col("titleCode", 26),
        _col("assignmentCode", 24),
        _col("schoolNumber", 26),
        _col("startDate", 26),
        _col("endDate", 26),
        _col("linked", 16),
    ),
    "addressDifferences": (
        _col("staffNumber", 26),
        _col("lastName", 36),
        _col("firstName", 32),
        _col("address", 150, "Address (as the HR system sent it)"),
    ),
    "hrStaffNotInCampus": _PERSON,
    "campusStaffNotInHr": _PERSON,
    "campusDuplicateStaffNumbers": _PERSON,
    "campusNoStaffNumber": _PERSON,
    "possibleDuplicates": (
        *_PERSON[:6],
        _col("birthDate", 22),
        _col("match", 40),
    ),
    "willNotCommit": (
        _col("staffNumber", 26),
        _col("lastName", 36),
        _col("firstName", 32),
        _col("reason", 170, "Why the commit will refuse it"),
    ),
    "hrDuplicateStaffNumbers": (
        _col("staffNumber", 26),
        _col("file", 50, "File"),
        _col("count", 16, "Copies"),
        _col("lines", 120, "Lines"),
        _col("differ", 20, "Copies differ"),
        _col("keptLine", 24, "Staged line"),
    ),
}


def _latin1(text) -> str:
    if text is None:
        return ""
    if isinstance(text, bool):
        text = "yes" if text else ""
    return str(text).replace("…", "...").encode("latin-1", errors="replace").decode("latin-1")


def export_pdf(
    session: Session,
    out: str | Path,
    *,
    sync_id: int | None = None,
    now: dt.datetime | None = None,
    categories: Sequence[str] = CATEGORIES,
    narrow: dict | None = None,
) -> int:
    """The seed's report: title, "Generated on", "Page: n" on every page, the summary page,
    then each category's table with the Campus row above the HR row (differing fields bold).
    Returns the page count."""
    from fpdf import FPDF

    run = _run(session, sync_id)
    generated = (now or dt.datetime.now()).strftime("%m/%d/%Y %I:%M:%S %p")

    class _Pdf(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 13)
            self.cell(
                0, 7, "Staff Synchronization Validation Report", new_x="LMARGIN", new_y="NEXT"
            )
            self.set_font("Helvetica", "", 8)
            self.cell(0, 4, f"Generated on {generated}", new_x="LMARGIN", new_y="NEXT")
            self.cell(0, 4, f"Page: {self.page_no()}", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("Helvetica", "", 7)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = _Pdf(orientation="L", unit="mm", format="Letter")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_margins(8, 8, 8)
    pdf.add_page()
    summary = json.loads(run.summary)

    # Summary page, as in the seed.
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Staff Synchronization Summary", new_x="LMARGIN", new_y="NEXT")
    demo = summary["demographicDifferences"]
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 6, f"Demographic differences: {demo['total']:,}", new_x="LMARGIN", new_y="NEXT")
    width = 26
    pdf.set_font("Helvetica", "B", 7)
    for f in DEMOGRAPHIC_FIELDS:
        pdf.cell(width, 5, label(f), border=1, align="C")
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for f in DEMOGRAPHIC_FIELDS:
        pdf.cell(width, 5, f"{demo['fields'][f]:,}", border=1, align="C")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 9)
    for key in SUMMARY_KEYS[1:]:
        pdf.cell(
            0, 6, f"{SUMMARY_LABELS[key]}: {summary.get(key, 0):,}", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_font("Helvetica", "", 8)
    pdf.ln(2)
    pdf.multi_cell(
        0,
        4,
        "The details that follow list every entry of each category (the seed's report showed "
        "only the first 100). Campus rows stand above the HR rows; differing HR fields are bold.",
    )

    for cat in categories:
        pdf.add_page()
        rows = ReportQuery(cat, run.id, **(narrow or {})).iter_rows(session)
        # A row too wide for the page wraps into a second band under it (e-mails and phones),
        # so a record reads on one page instead of its columns split across page sets.
        bands = (COLUMNS[cat], _DEMO_EXTRA) if cat == "demographicDifferences" else (COLUMNS[cat],)
        _section(pdf, cat, bands, rows, narrowed=_describe(narrow))
    pdf.output(str(out))
    return pdf.page_no()


def _describe(narrow: dict | None) -> str:
    """The tab's filter in words, for the export's section title."""
    if not narrow:
        return ""
    parts = []
    if narrow.get("field"):
        parts.append(f"{label(narrow['field'])} differs")
    if narrow.get("held"):
        parts.append("held back")
    if narrow.get("reviewed") is False:
        parts.append("not reviewed yet")
    if narrow.get("search"):
        parts.append(f"holding '{narrow['search']}'")
    return ", ".join(parts)


def _pdf_line(pdf, cat: str, row: dict, line: dict, cols, bold: set[str]) -> None:
    if cat == "addressDifferences":
        line = {
            **line,
            "address": (row.get("hr") or {}).get("address"),
            "lastName": row.get("lastName"),
            "firstName": row.get("firstName"),
        }
    for key, _label, w in cols:
        is_bold = line.get("system") == "HR" and key in bold
        pdf.set_font("Helvetica", "B" if is_bold else "", 7)
        text = _latin1(line.get(key))
        while text and pdf.get_string_width(text) > w - 1.5:
            text = text[:-2] + "~"
        pdf.cell(w, 4.5, text)
    pdf.ln()


def _section(pdf, cat: str, bands, rows, *, narrowed: str = "") -> None:
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0,
        7,
        TITLES[cat] + (f" (only: {narrowed})" if narrowed else ""),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "I", 8)
    pdf.cell(0, 5, f"** {NOTES[cat]} **", new_x="LMARGIN", new_y="NEXT")

    def head() -> None:
        pdf.set_font("Helvetica", "B", 7)
        pdf.set_fill_color(225, 225, 225)
        for cols in bands:
            for _key, header, w in cols:
                pdf.cell(w, 5, header, border=1, fill=True)
            pdf.ln()

    head()
    any_row = False
    for row in rows:
        any_row = True
        lines = _side_rows(cat, row)
        bold: set[str] = set()
        for d in row.get("differences", []):
            bold.update(FIELD_COLUMNS.get(d, ()))
        if pdf.will_page_break(5 * (len(lines) * len(bands) + 1)):
            pdf.add_page()
            head()
        for cols in bands:
            for line in lines:
                _pdf_line(pdf, cat, row, line, cols, bold)
        if lines and len(lines) > 1:
            pdf.set_draw_color(200, 200, 200)
            pdf.line(pdf.l_margin, pdf.get_y() + 0.5, pdf.w - pdf.r_margin, pdf.get_y() + 0.5)
            pdf.set_draw_color(0, 0, 0)
            pdf.ln(1.5)
    if not any_row:
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 6, "(none)", new_x="LMARGIN", new_y="NEXT")
