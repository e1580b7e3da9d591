"""Optional parts of subtier and the extra that installs each (``pip install 'subtier[web]'``).

The core install checks, screens, imports and keeps a SQLite workspace. A command that needs an
extra calls :func:`require_extra` before importing it, so that a missing extra is one line that
says what to install, not a traceback.
"""

from __future__ import annotations

import importlib.util

from subtier.errors import InputError

__all__ = ["EXTRAS", "MissingExtraError", "require_extra"]

# extra → (what it is for, the modules it brings). Kept in step with pyproject.toml by a test.
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "web": ("the web app (subtier serve)", ("fastapi", "uvicorn", "multipart")),
    "pdf": ("PDF reports (--format pdf)", ("weasyprint",)),
    "docx": ("Word riders (riders --format docx)", ("docx",)),
    "postgres": ("a PostgreSQL workspace", ("psycopg",)),
    "fec": ("FEC electronic filings (.fec)", ("fastfec",)),
    "ftm": (
        "FollowTheMoney output and import (--format ftm, import X.ftm.json)",
        ("followthemoney",),
    ),
    "spark": ("the Spark engine (--engine spark; Java 17+)", ("pyspark", "pyarrow", "pandas")),
}


class MissingExtraError(InputError):
    """A command needs an extra that is not installed."""

    def __init__(self, extra: str, missing: list[str]) -> None:
        self.extra = extra
        self.missing = missing
        super().__init__(f"this needs the `{extra}` extra: pip install 'subtier[{extra}]'")


def missing_modules(extra: str) -> list[str]:
    """The modules of an extra that cannot be imported here."""
    return [m for m in EXTRAS[extra][1] if importlib.util.find_spec(m) is None]


def require_extra(extra: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` is installed."""
    missing = missing_modules(extra)
    if missing:
        raise MissingExtraError(extra, missing)
