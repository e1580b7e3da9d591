"""Risk lists: the bundled facility list and users' own lists (CSV or FtM), each with a version."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from subtier.core.screen import ListInfo, RiskList
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

__all__ = [
    "FACILITIES",
    "all_lists",
    "facilities",
    "facilities_in_force",
    "lists_in_force",
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
        return facilities_in_force()
    path = Path(spec)
    if path.is_file():
        return load_path(path)
    if find_registration(spec) is not None:
        return load_registered(spec)
    if path.exists():
        raise InputError("not a file", file=spec)
    from subtier.lists.registry import did_you_mean

    hint = did_you_mean(spec, (FACILITIES,)) if "/" not in spec else ""
    raise InputError(
        f"no such list: {spec!r}{hint} (use 'facilities', a registered name, "
        "or a path to a .csv or FtM .json file)"
    )


def facilities_in_force() -> RiskList:
    """The facility list every command screens against: the version brought in with
    ``subtier lists update --name facilities``, else the bundled one."""
    if find_registration(FACILITIES) is not None:
        return load_registered(FACILITIES)
    return facilities()


def lists_in_force(specs: Sequence[str] = ()) -> list[RiskList]:
    """The facility list in force, then each list ``specs`` names, each once."""
    out = [facilities_in_force()]
    seen = {(out[0].info.name, out[0].info.version)}
    for spec in specs:
        found = load_list(spec)
        if (found.info.name, found.info.version) not in seen:
            seen.add((found.info.name, found.info.version))
            out.append(found)
    return out


def all_lists() -> list[ListInfo]:
    """The facility list in force, the bundled program list, then every other registered list."""
    from subtier.lists.programs import programs

    others = [info for info in registered_lists() if info.name != FACILITIES]
    return [facilities_in_force().info, programs().info, *others]
