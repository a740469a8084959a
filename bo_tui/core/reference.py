"""Reference lists (R-REF-1: schools, genders, assignment codes, titles as the store holds them)
and a per-transaction lookup cache so the rules of R-DEMO-2, R-POS-1/2/4 validate without N+1."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.orm import Session

from ..store.models import AssignmentCode, District, Gender, School, Title

_CACHE_KEY = "bo_tui.tx_cache"
_S, _G, _AC, _TT = School.__table__, Gender.__table__, AssignmentCode.__table__, Title.__table__
_KEYS = bindparam("keys", expanding=True)
_SCHOOL_IDS = select(_S.c.school_number, _S.c.id).where(_S.c.school_number.in_(_KEYS))
_SCHOOL_NUMBERS = select(_S.c.id, _S.c.school_number).where(_S.c.id.in_(_KEYS))
_GENDERS = select(_G.c.code)
_ASSIGNMENTS = select(_AC.c.code).where(_AC.c.code.in_(_KEYS))
_TITLES = select(_TT.c.code).where(_TT.c.code.in_(_KEYS))
_INSERT_TITLE = insert(_TT)


def _insert_title_stmt(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING where the dialect has it: two writers (API calls on
    PostgreSQL) creating one new title code never fail each other (R-POS-4)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(_TT).on_conflict_do_nothing(index_elements=["code"])
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(_TT).on_conflict_do_nothing(index_elements=["code"])
    return _INSERT_TITLE


_INSERT_TITLE_BY_DIALECT = {d: _insert_title_stmt(d) for d in ("postgresql", "sqlite")}


def tx_cache(session: Session) -> dict[str, Any]:
    """A dict that lives as long as the session's current transaction.

    Dropped when the outermost transaction ends and on any rollback (savepoints included), so
    nothing cached here can outlive the data it was read from, and a title created inside a
    rolled-back savepoint is never believed to exist.
    """
    cache = session.info.get(_CACHE_KEY)
    if cache is None:
        cache = session.info[_CACHE_KEY] = {}
    return cache


def _drop(session: Session, *_args) -> None:
    session.info.pop(_CACHE_KEY, None)


def _on_tx_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        _drop(session)


event.listen(Session, "after_transaction_end", _on_tx_end)
event.listen(Session, "after_rollback", _drop)
event.listen(Session, "after_soft_rollback", _drop)


# --- R-REF-1 lists -------------------------------------------------------------------------


def district_name(session: Session) -> str | None:
    """The district's name (None in an empty store)."""
    return session.scalar(select(District.name).limit(1))


def list_schools(session: Session) -> list[dict[str, str]]:
    rows = session.execute(select(School.school_number, School.name).order_by(School.school_number))
    return [{"schoolNumber": n, "name": name} for n, name in rows]


def list_genders(session: Session) -> list[dict[str, str]]:
    rows = session.execute(select(Gender.code, Gender.name).order_by(Gender.code))
    return [{"code": c, "name": n} for c, n in rows]


def list_assignment_codes(session: Session) -> list[dict[str, str]]:
    rows = session.execute(
        select(AssignmentCode.code, AssignmentCode.name).order_by(AssignmentCode.code)
    )
    return [{"code": c, "name": n} for c, n in rows]


def list_titles(session: Session) -> list[dict[str, str]]:
    rows = session.execute(select(Title.code, Title.description).order_by(Title.code))
    return [{"code": c, "name": d} for c, d in rows]


# --- cached lookups --------------------------------------------------------------------------


class RefLookup:
    """Memoized lookups for one transaction: each kind is read in one query per batch of
    unknown keys, positive and negative answers both remembered."""

    def __init__(self, session: Session):
        self._session = session
        self._schools: dict[str, int | None] = {}
        self._assignments: dict[str, bool] = {}
        self._titles: dict[str, bool] = {}
        self._genders: dict[str, str] | None = None  # upper(code) -> code
        self._school_numbers: dict[int, str] = {}

    def _conn(self):
        return self._session.connection()

    # Schools (R-POS-1)
    def school_ids(self, numbers: Iterable[str]) -> dict[str, int | None]:
        numbers = {n for n in numbers if n is not None}
        known = self._schools
        if numbers <= known.keys():
            return known  # every one read before: the cache itself answers (no copy)
        missing = [n for n in numbers if n not in known]
        if missing:
            found = dict(self._conn().execute(_SCHOOL_IDS, {"keys": missing}).all())
            for n in missing:
                self._schools[n] = found.get(n)
                if found.get(n) is not None:
                    self._school_numbers[found[n]] = n
        return {n: self._schools[n] for n in numbers}

    def school_id(self, number: str) -> int | None:
        return self.school_ids([number]).get(number)

    def school_numbers(self, ids: Iterable[int]) -> dict[int, str]:
        ids = set(ids)
        missing = [i for i in ids if i not in self._school_numbers]
        if missing:
            for sid, n in self._conn().execute(_SCHOOL_NUMBERS, {"keys": missing}):
                self._school_numbers[sid] = n
                self._schools[n] = sid
        return {i: self._school_numbers.get(i, "") for i in ids}

    # Genders (R-DEMO-2): few, so read whole; codes compare case-insensitively
    def gender(self, code: str) -> str | None:
        """The stored gender code for ``code`` (any case), or None when Campus has none."""
        if self._genders is None:
            self._genders = {c.upper(): c for c in self._conn().execute(_GENDERS).scalars()}
        return self._genders.get(code.strip().upper())

    # Assignment codes (R-POS-2)
    def assignments_exist(self, codes: Iterable[str]) -> dict[str, bool]:
        codes = {c for c in codes if c is not None}
        if codes <= self._assignments.keys():
            return self._assignments  # every one read before (no copy)
        missing = [c for c in codes if c not in self._assignments]
        if missing:
            found = set(self._conn().execute(_ASSIGNMENTS, {"keys": missing}).scalars())
            for c in missing:
                self._assignments[c] = c in found
        return {c: self._assignments[c] for c in codes}

    # Titles (R-POS-4)
    def titles_exist(self, codes: Iterable[str]) -> dict[str, bool]:
        codes = {c for c in codes if c is not None}
        missing = [c for c in codes if c not in self._titles]
        if missing:
            found = set(self._conn().execute(_TITLES, {"keys": missing}).scalars())
            for c in missing:
                self._titles[c] = c in found
        return {c: self._titles[c] for c in codes}

    def ensure_titles(self, wanted: dict[str, str | None]) -> list[str]:
        """R-POS-4: create each unknown title code with its description; returns the new codes.
        An existing title keeps its description."""
        known = self.titles_exist(wanted)
        new = [c for c, ok in known.items() if not ok]
        if new:
            conn = self._conn()
            conn.execute(
                _INSERT_TITLE_BY_DIALECT.get(conn.dialect.name, _INSERT_TITLE),
                [{"code": c, "description": (wanted[c] or c)[:200]} for c in sorted(new)],
            )
            for c in new:
                self._titles[c] = True
        return sorted(new)


def lookup(session: Session) -> RefLookup:
    """The transaction's RefLookup (created on first use)."""
    cache = tx_cache(session)
    ref = cache.get("ref")
    if ref is None:
        ref = cache["ref"] = RefLookup(session)
    return ref


__all__ = [
    "RefLookup",
    "list_assignment_codes",
    "list_genders",
    "list_schools",
    "list_titles",
    "lookup",
    "tx_cache",
]
