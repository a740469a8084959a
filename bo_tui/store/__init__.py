"""The store: SQLAlchemy 2 models, engine and sessions, and encryption of sensitive columns."""

from sqlalchemy.orm import Session

from .db import Store, StoreError, default_url, resolve_url
from .failures import failure_kind, is_busy

# ``Session``: the unit of work ``Store.session()`` and ``Store.transaction()`` hand out, named
# here so that adapters can type it without importing SQLAlchemy themselves.
__all__ = [
    "Session",
    "Store",
    "StoreError",
    "default_url",
    "failure_kind",
    "is_busy",
    "resolve_url",
]
