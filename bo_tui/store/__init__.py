"""The store: SQLAlchemy 2 models, engine and sessions, and encryption of sensitive columns."""

from .db import Store, StoreError, default_url, resolve_url

__all__ = ["Store", "StoreError", "default_url", "resolve_url"]
