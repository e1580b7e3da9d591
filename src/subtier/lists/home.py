"""Where subtier keeps lists and their prepared copies on this machine."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["home"]


def home() -> Path:
    """subtier's data folder: ``$SUBTIER_HOME`` if set, else ``~/.local/share/subtier``."""
    value = os.environ.get("SUBTIER_HOME", "").strip()
    if value:
        return Path(value).expanduser()
    return Path.home() / ".local" / "share" / "subtier"
