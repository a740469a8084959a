"""Where exports go (SPEC section 10): one default folder for every export, the user's documents
folder, shown in the dialog; asking for the file, and before replacing one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import platformdirs
from rich.markup import escape

from .widgets.admin_modals import AdminConfirm, AdminPrompt


def export_folder() -> Path:
    """The user's documents folder (``~/Documents`` on most desktops), else the home folder."""
    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def default_path(name: str) -> Path:
    return export_folder() / name


def ask_export_path(screen, title: str, name: str, hint: str, then: Callable[[Path], None]) -> None:
    """Ask for the file to write (default: ``name`` in the export folder); a missing folder is
    said, an existing file is replaced only after a yes; then ``then(path)``."""

    def answered(path: str | None) -> None:
        if not path:
            return
        target = Path(path).expanduser()
        if not target.parent.is_dir():
            screen.notify(f"No folder {target.parent}", title="Not exported", severity="error")
            return
        if target.exists():
            screen.app.push_screen(
                AdminConfirm(
                    "Replace the file?",
                    f"{escape(str(target))} exists. Replace it with this export?",
                    "Replace",
                ),
                lambda ok: ok and then(target),
            )
            return
        then(target)

    screen.app.push_screen(
        AdminPrompt(
            title,
            f"File to write (exports go to {export_folder()})",
            str(default_path(name)),
            hint=hint,
        ),
        answered,
    )
