"""Prepared lists: a list's normalized entries and index, stored once per version of the list.

Normalizing and indexing a list is most of a screening run's start-up (a 50,000-entry list
takes seconds, a million-entry one minutes). The result depends only on the list's content and
on the screening code, so it is stored under both: a list that changes, or a subtier whose
normalization changes, is prepared afresh. ``SUBTIER_PREPARED=0`` turns this off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path

from subtier.core.gcpause import bulk
from subtier.core.screen import ListInfo, RiskList
from subtier.core.screen.details import EntryDetails
from subtier.core.screen.kinds import ListKind
from subtier.core.screen.packed import read_list, write_list
from subtier.errors import OutputError
from subtier.lists.home import home
from subtier.output import open_binary
from subtier.version import __version__

# Smaller lists load faster than a stored copy is worth keeping.
PREPARE_MIN_ENTRIES = 5_000
# Bumped when the stored layout changes.
_LAYOUT = 3
# The code a prepared list depends on: what reads entries from a list file, normalizes them,
# makes keys and builds indexes.
_CODE = (
    ("subtier.lists", ("csvlist.py", "facilities.py", "ftm.py")),
    ("subtier.core.normalize", ("addresses.py", "names.py", "places.py", "usps.py")),
    (
        "subtier.core.screen",
        ("record.py", "keys.py", "index.py", "packed.py", "details.py", "kinds.py"),
    ),
)


@cache
def code_stamp() -> str:
    """A short hash of the screening code and the package version."""
    digest = hashlib.sha256(f"{__version__}|{_LAYOUT}".encode())
    for package, names in _CODE:
        folder = resources.files(package)
        for name in names:
            digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def enabled() -> bool:
    return os.environ.get("SUBTIER_PREPARED", "1").strip() not in ("0", "no", "false")


def prepared_path(content_digest: str) -> Path:
    return home() / "prepared" / f"{content_digest}-{code_stamp()}.list"


def load_prepared(
    content_digest: str, info: ListInfo, kind: ListKind | None = None
) -> RiskList | None:
    """The list as prepared before, or None if it never was (or cannot be read back).

    The kind and data date its content gave are kept with it; ``kind`` overrides the kind."""
    if not enabled():
        return None
    path = prepared_path(content_digest)
    try:
        with bulk(), path.open("rb") as source:
            entries, index = read_list(source)
            stored_kind, data_date, raw_details = marshal.load(source)
        details = {key: EntryDetails(*value) for key, value in raw_details.items()}
        found = replace(
            info,
            entries=len(entries),
            kind=kind or ListKind(stored_kind),
            data_date=data_date or info.data_date,
        )
    except (OSError, ValueError, EOFError, TypeError):
        return None  # never prepared, or a damaged copy: prepared afresh
    return RiskList(found, entries, prepared=index, details=details)


# Lists waiting to be stored, while ``deferred`` holds them back.
_waiting: list[tuple[str, RiskList]] | None = None


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back storing the lists loaded meanwhile until ``store_waiting`` (or the end).

    A run that screens as soon as its lists are loaded stores them while its workers screen,
    instead of keeping them waiting (a 50,000-entry list takes 0.14 s to store)."""
    global _waiting
    outer, _waiting = _waiting, []
    try:
        yield
    except Exception:
        store_waiting()  # a bad roster does not make the list any worse to keep
        raise
    else:
        store_waiting()
    finally:
        _waiting = outer


def store_waiting() -> None:
    """Store the lists ``deferred`` held back so far."""
    while _waiting:
        _store(*_waiting.pop(0))


def save_prepared(content_digest: str, risk_list: RiskList) -> None:
    """Store a list's entries and index; a failure to store costs only the next run's time."""
    if not enabled() or len(risk_list.records) < PREPARE_MIN_ENTRIES:
        return
    if _waiting is not None:
        _waiting.append((content_digest, risk_list))
        return
    _store(content_digest, risk_list)


def _store(content_digest: str, risk_list: RiskList) -> None:
    path = prepared_path(content_digest)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Whole or not at all, whoever reads it meanwhile.
        with bulk(), open_binary(path) as out:
            write_list(out, risk_list.records, risk_list.index)
            details = {k: v.astuple() for k, v in risk_list.details.items()}
            info = risk_list.info
            marshal.dump((info.kind.value, info.data_date, details), out)
        for stale in path.parent.glob(f"{content_digest}-*.list"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, OutputError):  # a copy not stored is made again next time
        return
