"""Matching a sent address against the store, creating it once, and searching addresses
(R-ADDR-4, R-ADDR-6): the only part of the address engine that touches the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from bo_tui.core.errors import FieldError, RuleViolation
from bo_tui.store.models import Address

from .keys import _later_keys, _plan, _raw_of, _sent
from .normalize import _FIELD_NORMALIZERS, COLUMNS, MAX_SEARCH, NORM_FIELDS, STREET_FIELDS, norm_zip
from .parse import parse_full

# Built once: statement construction is most of an ORM query's cost on this hot path.
_BY_KEY = select(Address).where(Address.norm_key == bindparam("key")).limit(1)
_INSERTS: dict[str, Any] = {}


def _by_key(session: Session, key: str) -> Address | None:
    return session.scalars(_BY_KEY, {"key": key}).first()


def _insert_ignoring_duplicates(dialect: str):
    stmt = _INSERTS.get(dialect)
    if stmt is None:
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(Address.__table__).on_conflict_do_nothing(index_elements=["norm_key"])
        _INSERTS[dialect] = stmt
    return stmt


def _row_values(values: tuple[str, ...], raw: Mapping[str, Any], key: str) -> dict[str, Any]:
    norm = dict(zip(NORM_FIELDS, values, strict=True))
    row: dict[str, Any] = {"post_office_box": norm["postOfficeBox"] == "Y", "norm_key": key}
    for k in NORM_FIELDS[1:]:
        row[COLUMNS[k]] = norm[k] or None
    for k in ("locationCode", "tract", "block"):
        v = raw.get(k)
        row[COLUMNS[k]] = str(v).strip()[:40] or None if _sent(v) else None
    return row


def _create(session: Session, values: dict[str, Any]) -> Address:
    """Insert once per key, safe against a concurrent writer creating the same address."""
    dialect = session.get_bind().dialect
    if dialect.name in ("sqlite", "postgresql"):
        stmt = _insert_ignoring_duplicates(dialect.name)
        if dialect.insert_returning:
            new_id = (
                session.connection()
                .execute(stmt.returning(Address.__table__.c.id), values)
                .scalar()
            )
            if new_id is not None:
                # The row is exactly ``values``: attach it without reading it back.
                row = Address(id=new_id, **values)
                make_transient_to_detached(row)
                session.add(row)
                return row
        else:
            session.connection().execute(stmt, values)
    else:
        session.flush()
        try:
            with session.begin_nested():
                session.add(Address(**values))
        except IntegrityError:
            pass
    row = _by_key(session, values["norm_key"])
    if row is None:  # pragma: no cover - the insert or the other writer made it
        raise RuntimeError("address row vanished after insert")
    return row


def resolve(session: Session, addr, path: str) -> Address:
    """Validate, match (R-ADDR-4: normalized components, then the re-parsed line) or create
    the one Address row for ``addr``. Raises RuleViolation with fields under ``path``."""
    plan = _plan(addr, path)
    row = _by_key(session, plan.first_key)
    if row is not None:
        return row
    for key in _later_keys(plan):
        row = _by_key(session, key)
        if row is not None:
            return row
    return _create(session, _row_values(plan.canon, _raw_of(addr), plan.canon_key))


def to_payload(row: Address) -> dict[str, Any]:
    """An Address row in the payload's camelCase, with ``addressId`` (R-ADDR-6)."""
    out: dict[str, Any] = {"addressId": row.id}
    for key, column in COLUMNS.items():
        value = getattr(row, column)
        out[key] = bool(value) if key == "postOfficeBox" else value
    return out


def search(
    session: Session,
    *,
    number: str | None = None,
    prefix: str | None = None,
    street: str | None = None,
    tag: str | None = None,
    direction: str | None = None,
    apt: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,  # noqa: A002 - the payload's name
    fullStreetAddress: str | None = None,  # noqa: N803 - the payload's name
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Addresses whose normalized components equal the given ones (R-ADDR-6), by addressId.
    ``fullStreetAddress`` is parsed and must match the whole street line."""
    given = {
        "number": number,
        "prefix": prefix,
        "street": street,
        "tag": tag,
        "direction": direction,
        "apt": apt,
        "city": city,
        "state": state,
        "zip": zip,
    }
    filters: dict[str, str | None] = {}
    stmt = select(Address)
    if _sent(fullStreetAddress):
        components = [k for k in STREET_FIELDS if _sent(given[k])]
        if components:
            raise RuleViolation(
                [
                    FieldError(
                        "fullStreetAddress",
                        "send either fullStreetAddress or the street "
                        f"components, not both (also sent: {', '.join(components)})",
                        "R-ADDR-1",
                    )
                ]
            )
        parsed = parse_full(fullStreetAddress)
        stmt = stmt.where(Address.post_office_box.is_(parsed["postOfficeBox"] == "Y"))
        for k in STREET_FIELDS:
            filters[k] = parsed[k] or None
        for k in ("city", "state", "zip"):
            if parsed.get(k) and not _sent(given[k]):
                filters[k] = norm_zip(parsed[k]) if k == "zip" else parsed[k]
    for k, v in given.items():
        if _sent(v):
            filters[k] = _FIELD_NORMALIZERS[k](v)
    for k, v in filters.items():
        col = getattr(Address, COLUMNS[k])
        stmt = stmt.where(col == v if v else or_(col.is_(None), col == ""))
    limit = max(0, min(int(limit), MAX_SEARCH))
    stmt = stmt.order_by(Address.id).limit(limit).offset(max(0, int(offset)))
    return [to_payload(r) for r in session.scalars(stmt)]
