"""The core's read side (STYLE.md "Core"): one query object per list that a screen, the API or
an export shows, each with count, page and find over the screen's filters (SPEC sections 6-10)."""

from ..sync.report_query import ReportQuery
from .addresses import AddressQuery
from .base import ListQuery
from .cases import CaseQuery
from .errorlog import ErrorLogQuery
from .messages import MessageQuery, NotificationQuery
from .persons import PersonQuery
from .staff import StaffQuery
from .users import UserQuery

__all__ = [
    "AddressQuery",
    "CaseQuery",
    "ErrorLogQuery",
    "ListQuery",
    "MessageQuery",
    "NotificationQuery",
    "PersonQuery",
    "ReportQuery",
    "StaffQuery",
    "UserQuery",
]
