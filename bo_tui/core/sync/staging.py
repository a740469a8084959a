"""Transfer into staging (R-SYNC-2): each record is checked with the create schema and rules,
rejected ones come back with their errors (and go to the error log, R-LOG-1), valid ones are
staged in bulk; a staff number sent again replaces its staged record."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from ...store.crypto import mask_ssn, vault
from ...store.models import Address
from ...store.models.sync import (
    SyncRejection,
    SyncRun,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
)
from .. import addresses, errorlog
from ..errors import FieldError, RuleViolation
from ..person_fields import NAMES, PLAIN
from ..schemas import FormatErrors, NotJson, merge_errors, parse_staff_record
from . import rules
from .batch_sizes import IN_LIST, TRANSFER_MAX
from .bulk import existing, insert_tuples
from .states import TRANSFERRING, require

# Demographic payload keys, their staging column and their bit in ``SyncStaged.sent``.
# The order is stored (the bits), so it is the payload's: names, gender, SSN, plain fields.
DEMOGRAPHICS: tuple[tuple[str, str], ...] = (
    *NAMES.items(),
    ("gender", "gender"),
    ("ssn", "ssn_hash"),
    *PLAIN.items(),
)
BIT = {key: 1 << i for i, (key, _col) in enumerate(DEMOGRAPHICS)}
_SENT: dict[tuple[str, ...], int] = {}  # sent keys (in payload order) -> their bits

_STAGED = SyncStaged.__table__
_EMP = SyncStagedEmployment.__table__
_POS = SyncStagedPosition.__table__
_ADDR = SyncStagedAddress.__table__


class Rejected(BaseModel):
    staffNumber: str | None = None
    errors: list[dict[str, Any]]


class TransferResult(BaseModel):
    """``{"accepted": n, "rejected": [{staffNumber, errors}]}`` of SPEC section 4."""

    accepted: int = 0
    rejected: list[Rejected] = []
    # Records replaced by a later copy of their staff number in the same batch (issue 18).
    replaced: int = 0

    def as_dict(self) -> dict:
        return self.model_dump()


class Invalid:
    """A record that could not even be assembled (a broken CSV row): rejected as is."""

    __slots__ = ("staffNumber", "errors")

    def __init__(self, staff_number: str | None, errors: list[FieldError]):
        self.staffNumber = staff_number
        self.errors = errors


class Origin:
    """Where a record came from, for its errors: a file line (CSV: line and column per field).
    ``at``: a JSON record's (file name, record number, line, column) where its text starts, for
    the file error when the text turns out not to be valid JSON; its ``path`` is made from it
    when asked for, which only a rejected record's is."""

    __slots__ = ("_path", "locate", "at")

    def __init__(
        self,
        path: str = "",
        locate: Callable[[str], dict[str, Any]] | None = None,
        at: tuple[str, int, int, int] | None = None,
    ):
        self._path = path
        self.locate = locate
        self.at = at

    @property
    def path(self) -> str:
        if self._path or self.at is None:
            return self._path
        name, number, line, _column = self.at
        return f"{name} record {number} (line {line})"


# Column orders of the staged rows: tuples in these orders go straight to ``executemany``.
STAGED_COLS = (
    "seq",
    "sync_id",
    "staff_number",
    "staff_key",
    "payload",
    "sent",
    "last_name",
    "first_name",
    "middle_name",
    "name_key",
    "gender",
    "ssn_hash",
    "ssn_mask",
    "birth_date",
    "work_phone",
    "cell_phone",
    "other_phone",
    "work_email",
    "personal_email",
    "has_employments",
    "has_positions",
    "has_household",
    "household_name",
    "person_id",
)
EMP_COLS = ("sync_id", "staff_number", "hire_date", "termination_date")
POS_COLS = (
    "sync_id",
    "staff_number",
    "school_number",
    "assignment_code",
    "title_code",
    "start_date",
    "end_date",
)
ADDR_COLS = (
    "sync_id",
    "staff_number",
    "norm_key",
    "mailing",
    "physical",
    "start_date",
    "label",
    "match_keys",
)

# One checked record: (staff_key, staged row without its seq, employment, position and address
# rows) when valid, (None, [(field, message, rule), …]) when rejected, or (None, None, (message,
# line, column)) for a record text that is not valid JSON. Plain tuples, so a worker process
# can return them.
Checked = tuple


def _same(d):
    return d


def _iso(d):
    # SQLAlchemy's SQLite Date type stores ISO text; the raw DBAPI path keeps that form.
    return None if d is None else d.isoformat()


def address_label(a: Mapping[str, Any]) -> str:
    """One line for the report: the street part, then city, state and zip."""
    get = a.get
    if get("fullStreetAddress"):
        street = get("fullStreetAddress")
    elif get("postOfficeBox"):
        street = f"PO Box {get('number') or ''}".strip()
    else:
        street = " ".join(
            p for p in map(get, ("number", "prefix", "street", "tag", "direction")) if p
        ) + (f" #{get('apt')}" if get("apt") else "")
    tail = " ".join(p for p in (get("state"), get("zip")) if p)
    return ", ".join(p for p in (street, get("city"), tail) if p)


def stage_rows(
    sync_id: int,
    m: dict[str, Any],
    ref_gender: Callable[[str], str | None],
    addr_keys,
    v,
    date=_same,
) -> Checked:
    """The staging rows of one valid staff member (no writes) as tuples in the ``*_COLS``
    orders, the staged row without its leading ``seq``; ``m`` is the plain-dict payload of
    ``schemas.parse_staff_record`` (only the sent keys), ``v`` the SSN vault and ``date``
    turns a date into the driver's value."""
    get = m.get
    sn = m["staffNumber"]
    keys = tuple(m)
    sent = _SENT.get(keys)
    if sent is None:  # a combination of sent keys not seen yet (a file has a handful)
        sent = sum(BIT.get(k, 0) for k in keys)
        if len(_SENT) < 4096:
            _SENT[keys] = sent
    ssn = get("ssn")
    ssn_hash = None
    if ssn:
        ssn_hash = v.hash(ssn)
        # The payload keeps the SSN only as its ciphertext: never plain in staging.
        payload = to_json({**m, "ssn": v.encrypt(ssn)}).decode()
    else:
        payload = to_json(m).decode()
    last, first = m["lastName"], m["firstName"]
    household = get("household")
    gender = get("gender")
    staged = (
        sync_id,
        sn,
        sn.strip().lower(),
        payload,
        sent,
        last,
        first,
        get("middleName"),
        f"{last.lower()}|{first.lower()}",
        ref_gender(gender) if gender else None,
        ssn_hash,
        mask_ssn(ssn) if ssn else None,
        date(get("birthDate")),
        get("workPhone"),
        get("cellPhone"),
        get("otherPhone"),
        get("workEmail"),
        get("personalEmail"),
        get("employments") is not None,
        get("positions") is not None,
        household is not None,
        household.get("name") if household else None,
        None,
    )
    emps = [
        (sync_id, sn, date(e.get("hireDate")), date(e.get("terminationDate")))
        for e in get("employments") or ()
    ]
    poss = [
        (
            sync_id,
            sn,
            p.get("schoolNumber"),
            p.get("assignmentCode") or None,
            p.get("titleCode") or None,
            date(p.get("startDate")),
            date(p.get("endDate")),
        )
        for p in get("positions") or ()
    ]
    addrs = []
    if household:
        for loc in household.get("householdLocations") or ():
            a = loc.get("address")
            if a is None:
                continue
            canon, first = addr_keys(a)
            addrs.append(
                (
                    sync_id,
                    sn,
                    canon,
                    loc.get("mailing"),
                    loc.get("physical"),
                    date(loc.get("startDate")),
                    address_label(a),
                    first,  # for ``_match_keys``, which sets the match keys (most often None)
                )
            )
    return staged[2], staged, emps, poss, addrs


def check_records(session: Session, sync_id: int, records: Sequence[Any]) -> list[Checked | None]:
    """Parse and check each record with the create schema and rules (R-SYNC-2) and build its
    staging rows; None for an ``Invalid`` entry. A record is a decoded payload or its JSON text
    (bytes, from ``files.iter_json``), validated straight from the text; a JSON null is
    checked, and rejected, like any record that is not an object. Reads reference data, never
    writes, so worker processes may run it on chunks of a file (``files``)."""
    check = rules.checker(session)
    v = vault()
    date = _iso if session.get_bind().dialect.name == "sqlite" else _same
    out: list[Checked | None] = []
    staged: list[tuple[list, dict]] = []  # (address rows, record) of the valid records
    for rec in records:
        if isinstance(rec, Invalid):
            out.append(None)
            continue
        try:
            m = parse_staff_record(rec)
            errors = check.errors(m)
        except FormatErrors as exc:
            # The rules check what was well formed: one answer with all the record's errors.
            errors = exc.errors
            if exc.partial is not None:
                errors = merge_errors(errors, check.errors(exc.partial))
        except RuleViolation as exc:
            errors = exc.errors
        except NotJson as exc:
            out.append((None, None, (str(exc), exc.line, exc.column)))
            continue
        if errors:
            out.append((None, [(e.field, e.message, e.rule) for e in errors]))
        else:
            rows = stage_rows(sync_id, m, check.gender, check.address_keys, v, date)
            out.append(rows)
            if rows[4]:
                staged.append((rows[4], m))
    if staged:
        _match_keys(session, staged)
    return out


_LOCATIONS = select(
    Address.__table__.c.city, Address.__table__.c.state, Address.__table__.c.zip
).distinct()
_LOCATIONS_TTL = 60.0  # seconds a process trusts its list of Campus address locations
_locations: dict[str, tuple[float, frozenset]] = {}


def _campus_locations(session: Session) -> frozenset:
    """City, state and zip of every Campus address, read once a minute per process (a file's
    worker reads them once): only there can an address's later keys match anything."""
    url = str(session.get_bind().url)
    now = time.monotonic()
    hit = _locations.get(url)
    if hit is None or now - hit[0] > _LOCATIONS_TTL:
        rows = session.connection().execute(_LOCATIONS)
        hit = (now, frozenset((c or "", s or "", z or "") for c, s, z in rows))
        _locations.clear()
        _locations[url] = hit
    return hit[1]


def _match_keys(session: Session, staged: list[tuple[list, dict]]) -> None:
    """R-ADDR-4 for validate: where a commit could match an HR address to another Campus
    address than its canonical key's, its staged row gets ``match_keys``: the keys a commit
    tries in its order, then the canonical key it creates with. That is when its first key (the components as sent) is a Campus
    address other than the canonical one, or when that first key is no Campus address and
    the engine has later keys in a location Campus has. The later keys cost a re-parse, so
    only those addresses pay for it, never a whole district's first load."""
    wanted = sorted({row[-1] for rows, _m in staged for row in rows if row[-1] is not None})
    known = existing(session, Address.__table__, "norm_key", wanted)
    places = None
    for rows, m in staged:
        addrs = None
        for i, row in enumerate(rows):
            canon, first = row[2], row[-1]
            match = None
            if first is None or canon is None:
                pass
            elif first in known:
                if first != canon:
                    match = (first, canon)
            else:
                if places is None:
                    places = _campus_locations(session)
                if addresses.key_location(first) in places:
                    if addrs is None:
                        locs = m["household"].get("householdLocations") or ()
                        addrs = [loc["address"] for loc in locs if loc.get("address") is not None]
                    keys = addresses.candidate_keys(addrs[i])
                    if keys != (canon,):
                        match = (*keys, canon)  # the keys to try, then the key to create
            rows[i] = (*row[:-1], "\n".join(match) if match else None)


def not_json(at: tuple[str, int, int, int], message: str, line: int, column: int) -> RuleViolation:
    """The file error for record ``at`` (name, record number, line and column where its text
    starts) whose text is not valid JSON at ``line``/``column`` within it (R-SYNC-2)."""
    name, number, first, start = at
    col = column + start - 1 if line == 1 else column
    text = (
        f"{name}: line {first + line - 1}, column {col}: record {number} is not valid JSON "
        f"({message})"
    )
    return RuleViolation([FieldError("file", text, "R-SYNC-2")], text)


def _with_origin(errors: Sequence[FieldError], origin: Origin | None) -> list[dict[str, Any]]:
    out = []
    for e in errors:
        item: dict[str, Any] = {"field": e.field, "message": e.message}
        if origin is not None and origin.locate is not None:
            item.update(origin.locate(e.field))
        out.append(item)
    return out


def transfer(
    session: Session,
    records: Iterable[Any],
    *,
    origins: Sequence[Origin | None] | None = None,
    action: str = "POST",
    path: str = "/campus/api/businessOfficeIntegration/staffMembers/sync/transfer",
    limit: int | None = TRANSFER_MAX,
    checked: Sequence[Checked | None] | None = None,
    checked_for: int | None = None,
    seq0: int | None = None,
    keep: Callable[[Session, list[str]], None] | None = None,
    floor: int = 0,
    found: list | None = None,
) -> TransferResult:
    """R-SYNC-2: check and stage a batch of staff member payloads (the sync must be
    transferring). Invalid records are rejected with their errors and logged; the rest staged.
    ``checked``: ``check_records`` of these records for sync ``checked_for``, done elsewhere
    (a file's worker processes). A file passes ``seq0`` (its records' seq from there) and
    ``keep``, called with the staged records below seq ``floor`` before they are replaced;
    ``found`` gets (staff number, seq) of each record of the batch that was staged already."""
    run = require(session, "transfer staff members", TRANSFERRING)
    records = list(records)
    if limit is not None and len(records) > limit:
        raise RuleViolation(
            [FieldError("body", f"a transfer batch holds at most {limit} records", "R-SYNC-2")]
        )
    if checked is None or checked_for != run.id:
        checked = check_records(session, run.id, records)
    if seq0 is None:
        seq0 = (run.transferred or 0) + (run.rejected or 0)
    batch: dict[str, tuple[int, Checked]] = {}
    rejected: list[Rejected] = []
    log: list[dict] = []
    for i, (rec, result) in enumerate(zip(records, checked, strict=True)):
        if result is not None and result[0] is not None:
            # Keyed like Campus compares staff numbers (case-insensitive, trimmed): "abc1" sent
            # after "ABC1" replaces it instead of staging one person twice.
            batch[result[0]] = (seq0 + i, result)
            continue
        origin = origins[i] if origins is not None else None
        if result is not None and result[1] is None:  # a record text that is not JSON
            at = origin.at if origin is not None and origin.at else ("record", i + 1, 1, 1)
            raise not_json(at, *result[2])
        if isinstance(rec, bytes):
            rec = json.loads(rec)  # valid JSON (or it was not_json above): for its error
        if result is None:  # an Invalid record (a broken CSV row)
            sn, errors = rec.staffNumber, rec.errors
        else:
            sn = rec.get("staffNumber") if isinstance(rec, dict) else None
            sn = sn.strip() if isinstance(sn, str) else None
            errors = [FieldError(*e) for e in result[1]]
        item = Rejected(staffNumber=sn, errors=_with_origin(errors, origin))
        rejected.append(item)
        where = origin.path if origin and origin.path else path
        if origin and origin.path and not origin.path.startswith(path):  # name it once
            where = f"{path} {origin.path}".strip()
        first = item.errors[0]
        log.append(
            {
                "action": action,
                "path": where,
                "message": f"staff member {sn or '(no staffNumber)'} rejected: "
                f"{first['field']}: {first['message']}"
                + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""),
                "payload": rec if not isinstance(rec, Invalid) else None,
                "status": 400,
                "errors": item.errors,
                "staffNumber": sn,
            }
        )
    if batch:
        _write(session, run.id, batch, keep, floor, found)
    if log:
        _log_rejections(session, run.id, log)
    run.rejected = (run.rejected or 0) + len(rejected)
    accepted = len(records) - len(rejected)
    return TransferResult(accepted=accepted, rejected=rejected, replaced=accepted - len(batch))


# Built once: the staff keys of a batch that are staged already (expanding, so no literal
# coercion per key).
_STAGED_AGAIN = select(_STAGED.c.staff_number, _STAGED.c.seq).where(
    _STAGED.c.sync_id == bindparam("sid"),
    _STAGED.c.staff_key.in_(bindparam("keys", expanding=True)),
)


def _write(
    session: Session,
    sync_id: int,
    batch: dict[str, tuple[int, Checked]],
    keep: Callable[[Session, list[str]], None] | None = None,
    floor: int = 0,
    out: list | None = None,
) -> None:
    """Stage a batch keyed by staff key; a staff number staged before is replaced (``keep``
    first sees those staged below seq ``floor``: an earlier file's, for its undo)."""
    keys = list(batch)
    found: list = []
    conn = session.connection()
    for start in range(0, len(keys), IN_LIST):
        found += conn.execute(
            _STAGED_AGAIN, {"sid": sync_id, "keys": keys[start : start + IN_LIST]}
        )
    if out is not None:
        out.extend(found)
    again = [sn for sn, _seq in found]
    if keep is not None:
        earlier = [sn for sn, seq in found if seq < floor]
        if earlier:
            keep(session, earlier)
    if again:  # a re-sent staff number replaces its staged record
        for table in (_EMP, _POS, _ADDR, _STAGED):
            for start in range(0, len(again), IN_LIST):
                session.execute(
                    delete(table).where(
                        table.c.sync_id == sync_id,
                        table.c.staff_number.in_(again[start : start + IN_LIST]),
                    )
                )
    rows = batch.values()
    insert_tuples(session, _STAGED, STAGED_COLS, [(seq, *r[1]) for seq, r in rows])
    for table, cols, i in ((_EMP, EMP_COLS, 2), (_POS, POS_COLS, 3), (_ADDR, ADDR_COLS, 4)):
        insert_tuples(session, table, cols, [c for _seq, r in rows for c in r[i]])
    run = session.get(SyncRun, sync_id)
    run.transferred = (run.transferred or 0) + len(batch) - len(again)


def _log_rejections(session: Session, sync_id: int, log: list[dict]) -> None:
    session.execute(
        insert(SyncRejection.__table__),
        [
            {
                "sync_id": sync_id,
                "staff_number": (e["staffNumber"] or "")[:40] or None,
                "source": e["path"][-200:],
                "errors": json.dumps(e["errors"]),
            }
            for e in log
        ],
    )
    errorlog.log_errors(
        session,
        [{k: e[k] for k in ("action", "path", "message", "payload", "status")} for e in log],
    )


def rejections(session: Session, sync_id: int, offset: int = 0, limit: int = 100) -> list[Rejected]:
    rows = session.execute(
        select(SyncRejection.staff_number, SyncRejection.errors)
        .where(SyncRejection.sync_id == sync_id)
        .order_by(SyncRejection.id)
        .offset(offset)
        .limit(limit)
    )
    return [Rejected(staffNumber=sn, errors=json.loads(errs)) for sn, errs in rows]
