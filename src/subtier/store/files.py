"""Where a workspace keeps the files attached to disclosures."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

__all__ = ["file_path", "files_folder"]


def files_folder(database_url: str) -> Path:
    """Where attached files are kept: ``SUBTIER_FILES`` if set, else a folder ``files`` next to
    a SQLite workspace's database file, else ``subtier-files`` in the current folder."""
    configured = os.environ.get("SUBTIER_FILES")
    if configured:
        return Path(configured)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / "files"
    return Path("subtier-files").resolve()


def file_path(folder: Path, sha256: str) -> Path:
    return folder / sha256[:2] / sha256
