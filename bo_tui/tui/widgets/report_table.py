"""How each category of the validation report (R-SYNC-4, R-SYNC-10) shows in a ``BigTable``:
its columns, Campus line above HR line, the changed cells, and its store-backed source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bo_tui.core import sync as sync_core
from bo_tui.core.fields import label, short_label
from bo_tui.core.sync.report import FIELD_COLUMNS
from bo_tui.core.sync.report_query import HOLDABLE

from .big_table import Column, Row, TableSource


def col(key: str, width: int, header: str | None = None) -> Column:
    """A column of a report tab: headed by the field's label, shortened when it is narrow."""
    return Column(
        key, header or (label(key) if len(label(key)) <= width else short_label(key)), width
    )


SHORT_TITLES = {
    "demographicDifferences": "Demographics",
    "employmentDifferences": "Employment",
    "assignmentDifferences": "Assignments",
    "addressDifferences": "Addresses",
    "hrStaffNotInCampus": "HR not in Campus",
    "campusStaffNotInHr": "Campus not in HR",
    "campusDuplicateStaffNumbers": "Duplicate numbers",
    "campusNoStaffNumber": "No staff number",
    "possibleDuplicates": "Possible duplicates",
    "willNotCommit": "Will not commit",
    "hrDuplicateStaffNumbers": "HR duplicates",
}

SYSTEM = col("system", 6)
STAFF = col("staffNumber", 12)
PERSON = [
    col("lastName", 12),
    col("firstName", 10),
    col("middleName", 7),
    col("gender", 1),
    col("ssn", 11),
    col("birthDate", 10),
    col("workEmail", 26),
    col("workPhone", 14),
    col("cellPhone", 14),
    col("otherPhone", 14),
    col("personalEmail", 26),
]
CAMPUS_ONLY = [c for c in PERSON if c.key in ("lastName", "firstName", "middleName", "gender")] + [
    col("workEmail", 26),
    col("workPhone", 14),
    col("birthDate", 10),
    col("personId", 9),
]


def _s(value) -> str:
    return "" if value is None else str(value)


def _person_line(system: str | None, p: dict | None, cols: list[Column]) -> tuple[str, ...]:
    p = p or {}
    head = (system,) if system is not None else ()
    return (*head, _s(p.get("staffNumber")), *(_s(p.get(c.key)) for c in cols))


def _joined(items: list[dict], key: str) -> str:
    return ", ".join(_s(i.get(key)) or "—" for i in items)


@dataclass(frozen=True)
class CategoryView:
    category: str
    columns: list[Column]
    row_height: int
    fixed: int
    to_row: Callable[[dict], Row]
    has_changes: bool = True

    @property
    def holdable(self) -> bool:
        return self.category in HOLDABLE


def _demographic(d: dict) -> Row:
    campus, hr = d.get("campus") or {}, d.get("hr") or {}
    changed: set[str] = set()
    for f in d.get("differences", ()):
        cols = FIELD_COLUMNS.get(f, (f,))
        if f == "name":
            differing = [c for c in cols if _s(campus.get(c)) != _s(hr.get(c))]
            cols = differing or cols
        changed.update(cols)
    return Row(
        d.get("staffNumber"),
        (_person_line("Campus", campus, PERSON), _person_line("HR", hr, PERSON)),
        frozenset(changed),
        d,
    )


EMPLOYMENT_COLS = [
    SYSTEM,
    STAFF,
    col("name", 20),
    col("hireDate", 24),
    col("terminationDate", 24),
]


def _name(d: dict) -> str:
    return ", ".join(p for p in (_s(d.get("lastName")), _s(d.get("firstName"))) if p)


def _lists_row(d: dict, keys: tuple[str, ...]) -> Row:
    campus, hr = d.get("campus") or [], d.get("hr") or []
    changed = {
        k for k in keys if sorted(_s(i.get(k)) for i in campus) != sorted(_s(i.get(k)) for i in hr)
    }
    sn = d.get("staffNumber")
    return Row(
        sn,
        (
            ("Campus", _s(sn), _name(d), *(_joined(campus, k) for k in keys)),
            ("HR", _s(sn), "", *(_joined(hr, k) for k in keys)),
        ),
        frozenset(changed or keys),
        d,
    )


ASSIGNMENT_KEYS = ("titleCode", "assignmentCode", "schoolNumber", "startDate", "endDate")
ASSIGNMENT_COLS = [
    SYSTEM,
    STAFF,
    col("name", 18),
    col("titleCode", 12),
    col("assignmentCode", 10),
    col("schoolNumber", 8),
    col("startDate", 22),
    col("endDate", 22),
]
ADDRESS_COLS = [
    STAFF,
    col("lastName", 12),
    col("firstName", 10),
    col("address", 56, "HR address (added to Campus)"),
    col("normalized", 6, "Parsed"),
]


def _address(d: dict) -> Row:
    hr = d.get("hr") or {}
    return Row(
        d.get("staffNumber"),
        (
            (
                _s(d.get("staffNumber")),
                _s(d.get("lastName")),
                _s(d.get("firstName")),
                _s(hr.get("address")),
                "yes" if hr.get("normalized") else "no",
            ),
        ),
        frozenset({"address"}),
        d,
    )


def _single(side: str, cols: list[Column]) -> Callable[[dict], Row]:
    def to_row(d: dict) -> Row:
        return Row(d.get("staffNumber"), (_person_line(None, d.get(side), cols),), frozenset(), d)

    return to_row


DUPLICATE_COLS = [
    SYSTEM,
    STAFF,
    *PERSON[:6],
    col("studentNumber", 10),
    col("match", 20),
]


def _possible_duplicate(d: dict) -> Row:
    hr, campus = d.get("hr") or {}, d.get("campus") or {}
    cols = DUPLICATE_COLS[2:-2]
    return Row(
        d.get("staffNumber"),
        (
            (*_person_line("HR", hr, cols), "", _s(d.get("match"))),
            (*_person_line("Campus", campus, cols), _s(campus.get("studentNumber")), ""),
        ),
        frozenset(),
        d,
    )


def _flat(cols: list[Column]) -> Callable[[dict], Row]:
    """A row that is one line as the core wrote it (R-SYNC-12's reasons, a file's duplicates)."""

    def cell(value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(_s(v) for v in value)
        return _s(value)

    def to_row(d: dict) -> Row:
        return Row(d.get("staffNumber"), (tuple(cell(d.get(c.key)) for c in cols),), frozenset(), d)

    return to_row


REFUSED_COLS = [STAFF, col("lastName", 12), col("firstName", 10), col("reason", 70, "Why")]
HR_DUPLICATE_COLS = [
    STAFF,
    col("file", 20, "File"),
    col("copies", 6, "Copies"),
    col("lines", 24, "Lines"),
    col("differ", 6, "Differ"),
    col("keptLine", 11, "Staged line"),
]

VIEWS: dict[str, CategoryView] = {
    v.category: v
    for v in (
        CategoryView("demographicDifferences", [SYSTEM, STAFF, *PERSON], 2, 2, _demographic),
        CategoryView(
            "employmentDifferences",
            EMPLOYMENT_COLS,
            2,
            2,
            lambda d: _lists_row(d, ("hireDate", "terminationDate")),
        ),
        CategoryView(
            "assignmentDifferences",
            ASSIGNMENT_COLS,
            2,
            2,
            lambda d: _lists_row(d, ASSIGNMENT_KEYS),
        ),
        CategoryView("addressDifferences", ADDRESS_COLS, 1, 1, _address),
        CategoryView(
            "hrStaffNotInCampus", [STAFF, *PERSON], 1, 1, _single("hr", PERSON), has_changes=False
        ),
        CategoryView(
            "campusStaffNotInHr",
            [STAFF, *PERSON],
            1,
            1,
            _single("campus", PERSON),
            has_changes=False,
        ),
        CategoryView(
            "campusDuplicateStaffNumbers",
            [STAFF, *CAMPUS_ONLY],
            1,
            1,
            _single("campus", CAMPUS_ONLY),
            has_changes=False,
        ),
        CategoryView(
            "campusNoStaffNumber",
            [STAFF, *CAMPUS_ONLY],
            1,
            1,
            _single("campus", CAMPUS_ONLY),
            has_changes=False,
        ),
        CategoryView(
            "possibleDuplicates", DUPLICATE_COLS, 2, 2, _possible_duplicate, has_changes=False
        ),
        CategoryView("willNotCommit", REFUSED_COLS, 1, 1, _flat(REFUSED_COLS), has_changes=False),
        CategoryView(
            "hrDuplicateStaffNumbers",
            HR_DUPLICATE_COLS,
            1,
            1,
            _flat(HR_DUPLICATE_COLS),
            has_changes=False,
        ),
    )
}


# --- the store-backed source -----------------------------------------------------------------


def report_source(
    store,
    category: str,
    sync_id: int,
    *,
    field: str | None = None,
    held: bool | None = None,
    reviewed: bool | None = None,
) -> TableSource:
    """A ``TableSource`` over one category of the report of sync ``sync_id`` (optionally only
    demographic rows where ``field`` differs, held or not, reviewed or not): the core's
    ``ReportQuery``, a session per read."""
    view = VIEWS[category]
    query = sync_core.ReportQuery(category, sync_id, field=field, held=held, reviewed=reviewed)

    def count() -> int:
        with store.session() as s:
            return query.count(s)

    def page(offset: int, limit: int) -> list[Row]:
        with store.session() as s:
            data = query.page(s, offset, limit)
        return [view.to_row(d) for d in data]

    def find(text: str, start: int, direction: int) -> int | None:
        with store.session() as s:
            return query.find(s, text, start, direction)

    return TableSource(count=count, page=page, find=find, has_changes=view.has_changes)
