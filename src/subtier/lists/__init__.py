"""Risk lists: the bundled facility list and users' own lists (CSV or FtM), each with a version."""

from __future__ import annotations

from pathlib import Path

from subtier.errors import InputError
from subtier.lists.csvlist import load_csv_list
from subtier.lists.facilities import NAME as FACILITIES
from subtier.lists.facilities import facilities
from subtier.lists.ftm import load_ftm_list
from subtier.lists.registry import (
    find_registration,
    load_path,
    load_registered,
    register_list,
    registered_lists,
    remove_list,
)
from subtier.screen import ListInfo, RiskList

__all__ = [
    "all_lists",
    "facilities",
    "load_csv_list",
    "load_ftm_list",
    "load_list",
    "register_list",
    "registered_lists",
    "remove_list",
]


def load_list(spec: str) -> RiskList:
    """A list by spec: ``facilities``, a path to a list file, or a registered name.

    A path that exists wins over a registered name, so that ``./mylist.csv`` always means that
    file; registered names cannot contain dots or slashes, so the two rarely meet.
    """
    if spec == FACILITIES:
        return facilities()
    path = Path(spec)
    if path.is_file():
        return load_path(path)
    if find_registration(spec) is not None:
        return load_registered(spec)
    if path.exists():
        raise InputError("not a file", file=spec)
    raise InputError(
        f"no such list: {spec!r} (use 'facilities', a registered name, "
        "or a path to a .csv or FtM .json file)"
    )


def all_lists() -> list[ListInfo]:
    """The bundled list, then every registered list."""
    return [facilities().info, *registered_lists()]
