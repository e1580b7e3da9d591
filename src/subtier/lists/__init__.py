"""Risk lists: the bundled facility list, users' CSV lists; each with a version."""

from __future__ import annotations

from pathlib import Path

from subtier.errors import InputError
from subtier.lists.csvlist import load_csv_list
from subtier.lists.facilities import facilities
from subtier.screen import RiskList

__all__ = ["facilities", "load_csv_list", "load_list"]


def load_list(spec: str) -> RiskList:
    """A list by name (``facilities``) or by path (a CSV file)."""
    if spec == "facilities":
        return facilities()
    path = Path(spec)
    if not path.exists():
        raise InputError(f"no such list: {spec!r} (use 'facilities' or a path to a CSV file)")
    if path.suffix.lower() == ".csv":
        return load_csv_list(path)
    raise InputError(f"unsupported list format {path.suffix!r}; expected .csv", file=spec)
