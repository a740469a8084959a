"""The user's keymap: ``keymap.toml`` in the config dir maps binding ids to keys, e.g.

    [keymap]
    "screen.home" = "f2"
    "app.quit" = "ctrl+q"

Every binding of the app has an ``id`` (see ``?`` help for the ids).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import platformdirs


def keymap_path() -> Path:
    return Path(platformdirs.user_config_dir("bo-tui")) / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """(keymap, problem): a broken file never stops the app; the problem is shown instead."""
    path = path or keymap_path()
    if not path.exists():
        return {}, None
    try:
        doc = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, f"{path}: {exc}"
    table = doc.get("keymap", doc)
    keymap = {str(k): str(v) for k, v in table.items() if isinstance(v, str)}
    return keymap, None
