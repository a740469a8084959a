"""Every top-level screen: its id, title, direct key and where it lives. A screen appears
in the palette and on its key as soon as its module exists (screens arrive per issue)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec


@dataclass(frozen=True)
class ScreenSpec:
    id: str
    title: str
    key: str
    module: str
    cls: str
    help: str

    def available(self) -> bool:
        return find_spec(f"bo_tui.tui.screens.{self.module}") is not None

    def screen_class(self):
        return getattr(import_module(f"bo_tui.tui.screens.{self.module}"), self.cls)

    def make(self):
        return self.screen_class()()


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(
        "home",
        "Home",
        "1",
        "home",
        "HomeScreen",
        "District, counts, sync state and what to do next",
    ),
    ScreenSpec(
        "credentials",
        "API Credentials",
        "2",
        "credentials",
        "CredentialsScreen",
        "Client ID and secret, token and base URLs",
    ),
    ScreenSpec(
        "sync",
        "Synchronization",
        "3",
        "sync",
        "SyncScreen",
        "Check Campus data, transfer, validate and commit",
    ),
    ScreenSpec(
        "report",
        "Validation Report",
        "4",
        "report",
        "ReportScreen",
        "Review every difference between HR and Campus",
    ),
    ScreenSpec(
        "preferences",
        "Preferences",
        "5",
        "preferences",
        "PreferencesScreen",
        "Field locks and household/address updates",
    ),
    ScreenSpec(
        "errors",
        "Error Log",
        "6",
        "errors",
        "ErrorLogScreen",
        "Failed API calls, rejected records, export to PDF",
    ),
    ScreenSpec(
        "notifications",
        "Notifications",
        "7",
        "notifications",
        "NotificationsScreen",
        "Who is told when HR changes staff",
    ),
    ScreenSpec(
        "messages",
        "Message Center",
        "8",
        "messages",
        "MessageCenterScreen",
        "Your inbox of notifications",
    ),
    ScreenSpec(
        "staff",
        "Staff",
        "9",
        "staff",
        "StaffScreen",
        "Search staff, see details, edit unlocked areas, combine persons",
    ),
    ScreenSpec(
        "support",
        "Support",
        "0",
        "support",
        "SupportScreen",
        "Authorized contacts, cases and update requests",
    ),
    ScreenSpec("users", "Users", "u", "users", "UsersScreen", "Users and their tool rights"),
    ScreenSpec(
        "history",
        "Sync History",
        "h",
        "history",
        "SyncHistoryScreen",
        "Past syncs and reverts, the changes each made, revert a sync",
    ),
)


def spec(screen_id: str) -> ScreenSpec:
    return next(s for s in SCREENS if s.id == screen_id)
