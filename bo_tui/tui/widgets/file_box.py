"""The Synchronization screen's file box (R-SYNC-2, issue 18): ``PATH --encoding NAME`` names a
file's encoding, and what a user does after a file that failed (nothing of it was staged)."""

from __future__ import annotations

# After a failed file (issue 18): the sync is as it was, so the same box sends it again.
TRANSFER_NEXT = (
    "Next: fix the file and send it again (f, then Enter); for a file saved in another "
    "encoding, type it after the path: [b]PATH --encoding cp1252[/b]"
)


def split_encoding(raw: str) -> tuple[str, str | None]:
    """The file box's ``PATH --encoding NAME`` (or ``--encoding=NAME``): (path, encoding)."""
    for sep in (" --encoding=", " --encoding "):
        head, found, name = raw.rpartition(sep)
        if found and name.strip() and " " not in name.strip():
            return head.strip(), name.strip()
    return raw, None
