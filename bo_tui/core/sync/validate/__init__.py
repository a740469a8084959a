"""Validate (R-SYNC-4, R-SYNC-10): compare the staged HR staff with Campus by staff number,
without changing Campus, as set-based joins in the store; split by concern into its steps."""

from .common import Diff
from .steps import compare, validate, write_rows, write_work

__all__ = ["Diff", "compare", "validate", "write_rows", "write_work"]
