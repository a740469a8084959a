"""Bulk writes of the sync's hot paths (R-SYNC-2 staging, R-SYNC-4 report rows): one DBAPI
``executemany`` inside the session's transaction, without per-row ORM or Core processing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Date, DateTime, Table
from sqlalchemy.orm import Session

from .batch_sizes import IN_LIST, INSERT_ROWS

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _sqlite_value(v):
    # SQLAlchemy's SQLite Date/DateTime types store ISO text; keep the same representation.
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def insert_rows(
    session: Session, table: Table, rows: Sequence[dict], chunk: int = INSERT_ROWS
) -> int:
    """INSERT ``rows`` (dicts with the same keys) into ``table``; returns the row count."""
    if not rows:
        return 0
    conn = session.connection()
    dialect = conn.dialect
    cols = list(rows[0])
    mark = _MARKS.get(dialect.paramstyle)
    if mark is None:  # an unusual driver: let SQLAlchemy do it
        session.execute(table.insert(), list(rows))
        return len(rows)
    prep = dialect.identifier_preparer
    sql = (
        f"INSERT INTO {prep.format_table(table)} ({', '.join(prep.quote(c) for c in cols)}) "
        f"VALUES ({', '.join([mark] * len(cols))})"
    )
    # SQLite: dates as the ISO text SQLAlchemy's types store (only the date columns are touched).
    dated = (
        {c for c in cols if isinstance(table.c[c].type, (Date, DateTime))}
        if dialect.name == "sqlite"
        else set()
    )
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            if dated:
                params = [
                    tuple(_sqlite_value(r[c]) if c in dated else r[c] for c in cols) for r in part
                ]
            else:
                params = [tuple(r[c] for c in cols) for r in part]
            cursor.executemany(sql, params)
    finally:
        cursor.close()
    return len(rows)


_SQL: dict[tuple, str] = {}


def insert_tuples(
    session: Session, table: Table, cols: Sequence[str], rows: Sequence[tuple]
) -> int:
    """INSERT ``rows`` (tuples in ``cols`` order, values ready for the driver: on SQLite dates
    as ISO text) into ``table`` with one prebuilt statement; returns the row count."""
    if not rows:
        return 0
    conn = session.connection()
    dialect = conn.dialect
    mark = _MARKS.get(dialect.paramstyle)
    if mark is None:  # an unusual driver: let SQLAlchemy do it
        session.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in rows])
        return len(rows)
    key = (dialect.name, mark, table.name, tuple(cols))
    sql = _SQL.get(key)
    if sql is None:
        prep = dialect.identifier_preparer
        sql = _SQL[key] = (
            f"INSERT INTO {prep.format_table(table)} ({', '.join(prep.quote(c) for c in cols)}) "
            f"VALUES ({', '.join([mark] * len(cols))})"
        )
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()
    return len(rows)


def update_rows(
    session: Session,
    table: Table,
    set_cols: Sequence[str],
    key_cols: Sequence[str],
    rows: Sequence[tuple],
) -> None:
    """UPDATE ``table`` SET set_cols WHERE key_cols, for each tuple (set values, then keys)."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    mark = _MARKS.get(dialect.paramstyle, "?")
    prep = dialect.identifier_preparer
    sql = (
        f"UPDATE {prep.format_table(table)} SET "
        + ", ".join(f"{prep.quote(c)} = {mark}" for c in set_cols)
        + " WHERE "
        + " AND ".join(f"{prep.quote(c)} = {mark}" for c in key_cols)
    )
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, list(rows))
    finally:
        cursor.close()


def existing(
    session: Session, table: Table, column: str, values: Sequence, chunk: int = IN_LIST
) -> set:
    """Which of ``values`` are in ``table.column`` (an indexed column): IN queries of
    ``chunk`` values straight on the driver's cursor."""
    found: set = set()
    if not values:
        return found
    conn = session.connection()
    dialect = conn.dialect
    mark = _MARKS.get(dialect.paramstyle, "?")
    prep = dialect.identifier_preparer
    col = prep.quote(column)
    head = f"SELECT {col} FROM {prep.format_table(table)} WHERE {col} IN "
    cursor = conn.connection.driver_connection.cursor()
    try:
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            cursor.execute(head + "(" + ", ".join([mark] * len(part)) + ")", tuple(part))
            found.update(v for (v,) in cursor.fetchall())
    finally:
        cursor.close()
    return found
