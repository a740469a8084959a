"""The CSV HR file (R-SYNC-2, SPEC section 9): consecutive rows of one staffNumber make one staff
member (each row may add an employment, a position, an address); errors carry line and column."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ..addresses import KEY_FIELDS
from ..errors import FieldError
from ..person_fields import PERSON_KEYS
from .hr_json import MAX_RECORD, file_error
from .staging import Invalid, Origin

# The csv module's own limit on one field (its default), named in the error when a field is over.
MAX_FIELD = 131_072

DEMOGRAPHIC_COLUMNS = PERSON_KEYS[1:]  # the person fields but the staff number
EMPLOYMENT_COLUMNS = ("hireDate", "terminationDate")
POSITION_COLUMNS = (
    "schoolNumber",
    "assignmentCode",
    "titleCode",
    "titleDescription",
    "startDate",
    "endDate",
)
# The address as one line, or as the engine's components (SPEC section 9's header order).
ADDRESS_COLUMNS = ("fullStreetAddress", *KEY_FIELDS, "county")
CSV_HEADER = [*PERSON_KEYS, *EMPLOYMENT_COLUMNS, *POSITION_COLUMNS, *ADDRESS_COLUMNS]
# The parts a row may add to its staff member: (payload key, the columns of one item).
_PARTS = (
    ("employments", EMPLOYMENT_COLUMNS),
    ("positions", POSITION_COLUMNS),
    ("addresses", ADDRESS_COLUMNS),
)
_PATH = re.compile(
    r"^(employments|positions|household\.householdLocations)\[(\d+)\](?:\.address)?\.?(\w*)"
)


@dataclass(slots=True)
class _Group:
    staff_number: str
    first_line: int
    rows: list[tuple[int, list[str]]]
    size: int = 0  # characters of its rows: one staff member is at most MAX_RECORD


def iter_csv(fh: TextIO, name: str = "file") -> Iterator[tuple[Any, Origin]]:
    """Yield one staff member payload per staffNumber (consecutive rows grouped) with an
    origin that maps each JSON path of an error to its line and column."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(fh)
    header, col_of = _header(reader, name)
    sn_col = col_of["staffNumber"]
    seen: dict[str, int] = {}
    group: _Group | None = None
    for line, row in _rows(reader, name):
        broken = _broken_row(row, line, header, sn_col, name)
        if broken is not None:
            yield broken
            continue
        sn = row[sn_col].strip()
        if group is not None and sn == group.staff_number and sn:
            group.rows.append((line, row))
            group.size += sum(map(len, row))
            if group.size > MAX_RECORD:
                raise file_error(
                    f"{name}: line {line}: the rows of staff member {sn} (from line "
                    f"{group.first_line}) are larger than the limit of {MAX_RECORD:,} characters "
                    "for one staff member"
                )
            continue
        if group is not None:
            yield _assemble(group, col_of, name)
            group = None
        if sn and sn in seen:
            err = FieldError(
                "staffNumber",
                f"rows of one staff member must be consecutive (first seen on line {seen[sn]})",
                "R-SYNC-2",
            )
            yield Invalid(sn, [err]), Origin(f"{name} line {line}", _fixed(line, sn_col + 1))
            continue
        if sn:
            seen[sn] = line
        group = _Group(sn, line, [(line, row)])
    if group is not None:
        yield _assemble(group, col_of, name)


def _header(reader, name: str) -> tuple[list[str], dict[str, int]]:
    """The header row: only columns of SPEC section 9's format, staffNumber among them."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise file_error(
            f"{name}: the CSV file is empty (it needs the header of SPEC section 9)"
        ) from None
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise _too_wide(name, 1) from None
        raise file_error(f"{name}: line 1: {exc}") from None
    unknown = [(i + 1, h) for i, h in enumerate(header) if h not in CSV_HEADER]
    if unknown:
        col, h = unknown[0]
        raise file_error(
            f"{name}: line 1, column {col}: {h!r} is not a column of the HR CSV format "
            f"(valid: {', '.join(CSV_HEADER)})"
        )
    if "staffNumber" not in header:
        raise file_error(f"{name}: line 1: the header has no staffNumber column")
    return header, {h: i for i, h in enumerate(header)}


def _too_wide(name: str, line: int):
    return file_error(
        f"{name}: line {line}: a field is larger than the limit of {MAX_FIELD:,} characters "
        "for one CSV field"
    )


def _rows(reader, name: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows with their line; a row the CSV reader refuses comes as ``["\\0why"]``.
    A field over MAX_FIELD stops the file: the reader cannot find where that row ends."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise _too_wide(name, reader.line_num) from None
            yield reader.line_num, [f"\0{exc}"]
            continue
        if not any(c.strip() for c in row):
            continue
        yield reader.line_num, row


def _broken_row(
    row: list[str], line: int, header: list[str], sn_col: int, name: str
) -> tuple[Invalid, Origin] | None:
    """A row that is no record (unreadable, or not as many fields as the header), rejected."""
    if len(row) == 1 and row[0].startswith("\0"):
        error = FieldError("file", f"line {line}: {row[0][1:]}", "R-SYNC-2")
        return Invalid(None, [error]), Origin(f"{name} line {line}")
    if len(row) != len(header):
        err = FieldError("file", f"has {len(row)} fields, the header has {len(header)}", "R-SYNC-2")
        sn = row[sn_col].strip() if len(row) > sn_col else None
        return Invalid(sn or None, [err]), Origin(f"{name} line {line}", _fixed(line, None))
    return None


def _fixed(line: int, column: int | None) -> Callable[[str], dict[str, Any]]:
    def locate(_field: str) -> dict[str, Any]:
        return {"line": line, "column": column} if column else {"line": line}

    return locate


def _cell(row: list[str], i: int | None) -> str | None:
    if i is None:
        return None
    v = row[i].strip()
    return v or None


def _assemble(g: _Group, col_of: dict[str, int], name: str) -> tuple[Any, Origin]:
    """One staff member from its rows: demographics from the first row (a later row that
    differs is an error at its line), each distinct employment, position and address once."""
    first_line, first = g.rows[0]
    rec: dict[str, Any] = {"staffNumber": g.staff_number or None}
    for col in DEMOGRAPHIC_COLUMNS:
        if col in col_of:
            rec[col] = _cell(first, col_of[col])
    conflict_at = _conflicts(g, col_of, rec)
    parts, part_lines = _parts(g, col_of)
    if parts["employments"]:
        rec["employments"] = parts["employments"]
    if parts["positions"]:
        rec["positions"] = parts["positions"]
    if parts["addresses"]:
        rec["household"] = {"householdLocations": [{"address": a} for a in parts["addresses"]]}
    origin = Origin(
        f"{name} line {first_line}", _locator(first_line, col_of, part_lines, conflict_at)
    )
    if conflict_at:
        errors = [
            FieldError(col, f"differs from line {first_line} for the same staff member", "R-SYNC-2")
            for col in conflict_at
        ]
        return Invalid(g.staff_number or None, errors), origin
    return rec, origin


def _conflicts(g: _Group, col_of: dict[str, int], rec: dict[str, Any]) -> dict[str, int]:
    """The demographic columns in which a later row differs from the first: column -> line."""
    conflict_at: dict[str, int] = {}
    for line, row in g.rows[1:]:
        for col in DEMOGRAPHIC_COLUMNS:
            v = _cell(row, col_of.get(col))
            if v is not None and v != rec.get(col):
                conflict_at.setdefault(col, line)
    return conflict_at


def _parts(g: _Group, col_of: dict[str, int]) -> tuple[dict[str, list[dict]], dict[str, list[int]]]:
    """Each distinct employment, position and address of the rows, and the line of each."""
    parts: dict[str, list[dict]] = {key: [] for key, _cols in _PARTS}
    lines: dict[str, list[int]] = {key: [] for key, _cols in _PARTS}
    present = [(key, [(c, col_of[c]) for c in cols if c in col_of]) for key, cols in _PARTS]
    for line, row in g.rows:
        for key, cols in present:
            item = {c: _cell(row, i) for c, i in cols}
            if not any(item.values()):
                continue
            item = {k: v for k, v in item.items() if v is not None}
            if item not in parts[key]:
                parts[key].append(item)
                lines[key].append(line)
    return parts, lines


def _locator(
    first_line: int,
    col_of: dict[str, int],
    part_lines: dict[str, list[int]],
    conflict_at: dict[str, int],
) -> Callable[[str], dict[str, Any]]:
    """Maps an error's JSON path to the line and column of the CSV cell it came from."""
    by_kind = {
        "employments": part_lines["employments"],
        "positions": part_lines["positions"],
        "household.householdLocations": part_lines["addresses"],
    }

    def locate(path: str) -> dict[str, Any]:
        m = _PATH.match(path)
        if m:
            kind, idx, fieldname = m.group(1), int(m.group(2)), m.group(3)
            lines = by_kind[kind]
            line = lines[idx] if idx < len(lines) else first_line
        else:
            fieldname = path.split(".")[0].split("[")[0]
            line = conflict_at.get(fieldname, first_line)
        col = col_of.get(fieldname)
        return {"line": line, "column": col + 1} if col is not None else {"line": line}

    return locate
