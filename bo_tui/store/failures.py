"""How the store names a database failure to an adapter without its text (which may carry SQL
parameters, such as SSNs): its kind, and whether another writer merely held the store."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError


def failure_kind(exc: BaseException) -> str:
    """The driver's error class name (``IntegrityError``, ``OperationalError``…), else the
    exception's own class name."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return type(exc.orig).__name__
    if isinstance(exc, SQLAlchemyError):
        return type(exc).__name__
    return type(exc).__name__


def is_busy(exc: BaseException) -> bool:
    """Another writer held the store past the busy timeout: a retry after a moment succeeds."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text or "could not obtain lock" in text
