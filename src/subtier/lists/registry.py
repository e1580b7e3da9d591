"""Users' own lists, registered once by name and then used as ``--list NAME``.

Registering copies the file into ``<home>/lists/`` so that a list keeps working, and keeps its
version, when the original is moved, edited or deleted. The home folder is ``$SUBTIER_HOME``,
else ``~/.local/share/subtier``. Each list is two files:

- ``<name>.csv`` or ``<name>.ftm.json``: the copy, byte for byte, with the original's mtime (the
  version's date comes from it, so the version is the same before and after registering);
- ``<name>.meta.json``: the sidecar: name, format, original path, when, version, entries.

A copy is only put in place after it has loaded without error, and always by ``os.replace``
from a temporary file in the same folder: a failed or interrupted registration leaves the
previous one in force.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from subtier.core.screen import ListInfo, RiskList
from subtier.core.screen.kinds import ListKind
from subtier.errors import InputError
from subtier.formats.ftm import FTM_SUFFIXES
from subtier.lists.csvlist import load_csv_list
from subtier.lists.facilities import NAME as FACILITIES
from subtier.lists.ftm import load_ftm_list
from subtier.lists.home import home
from subtier.output import remove_stale_temporaries, temporary_path

Format = Literal["csv", "ftm"]

# Lower case so that names mean the same on case-insensitive file systems; no dots, so that a
# name can never reach outside the lists folder or be mistaken for a path.
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
RESERVED = frozenset({FACILITIES})
CSV_SUFFIXES = (".csv",)
_EXTENSIONS: dict[Format, str] = {"csv": ".csv", "ftm": ".ftm.json"}
_LOADERS: dict[Format, Callable[[Path, str | None, ListKind | None], RiskList]] = {
    "csv": load_csv_list,
    "ftm": load_ftm_list,
}
_SIDECAR = ".meta.json"
# What follows a list's name in the name of a stored copy: ".<token>.csv", or ".csv" as copies
# were named before they were named per version.
_COPY = re.compile(r"(\.[0-9a-f]{16})?\.(csv|ftm\.json)")
ACCEPTED = ", ".join((*CSV_SUFFIXES, *FTM_SUFFIXES, ".ftm.json"))


@dataclass(frozen=True)
class Registration:
    """A registered list as its sidecar describes it."""

    info: ListInfo  # source is the stored copy
    format: Format
    original: str  # the path it was registered from
    registered_at: str  # ISO 8601, UTC
    kind_given: ListKind | None = None  # the kind the user gave when registering, if any


def lists_dir() -> Path:
    """Where registered lists are stored (it may not exist yet)."""
    return home() / "lists"


def list_format(path: Path) -> Format:
    """The list format a file name says: ``.csv`` is CSV, the JSON endings are FtM entities."""
    lower = path.name.lower()
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    if lower.endswith(FTM_SUFFIXES):
        return "ftm"
    raise InputError(
        f"unsupported list format {path.suffix or path.name!r}; expected one of {ACCEPTED} "
        "(.csv for a CSV list, the others for FollowTheMoney entities)",
        file=str(path),
    )


def load_path(path: Path, name: str | None = None, kind: ListKind | None = None) -> RiskList:
    """Load a list file in the format its name says; ``kind`` overrides what its content says."""
    return _LOADERS[list_format(path)](path, name, kind)


def check_name(name: str, bundled: bool = False) -> str:
    """The name if it can be registered; else an error saying what a name may be. A bundled
    list's name is taken only by a new version of it (``bundled``)."""
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"bad list name {name!r}: use 1 to 64 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    if name in RESERVED and not bundled:
        raise InputError(
            f"the list name {name!r} is reserved for the bundled list; bring in a new version"
            f" of it with: subtier lists update --name {name} --from FILE"
        )
    return name


def register_list(
    name: str, path: Path, kind: ListKind | None = None, bundled: bool = False
) -> ListInfo:
    """Validate a list file by loading it, then store a copy under ``name``.

    Registering an existing name replaces it. Load errors name the original file, and leave
    any earlier registration of the name as it was. ``kind`` is kept with the registration;
    without it, the kind is what the list's content says (``watch`` when it says nothing).
    """
    check_name(name, bundled)
    if name == FACILITIES:
        kind = ListKind.FACILITIES  # a new version of the bundled list is what it replaces
    fmt = list_format(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    folder = lists_dir()
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)  # left by a registration that was killed
    try:
        previous = find_registration(name)
    except InputError:  # a damaged sidecar is replaced by this registration
        previous = None
    target = folder / f"{name}.{secrets.token_hex(8)}{_EXTENSIONS[fmt]}"
    data_tmp = _copy_to_temp(path, target)
    meta_tmp: Path | None = None
    try:
        try:
            # Load the copy, not the original: what is validated is exactly what is stored.
            loaded = _LOADERS[fmt](data_tmp, name, kind)
        except InputError as error:
            raise InputError(
                error.message, file=str(path), line=error.line, field=error.field
            ) from None
        info = replace(loaded.info, source=str(target))
        sidecar = {
            "name": name,
            "format": fmt,
            "file": target.name,
            "original": str(path.resolve()),
            "registered_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "version": info.version,
            "entries": info.entries,
            "kind": info.kind.value,
            "data_date": info.data_date,
        }
        if kind is not None:
            sidecar["kind_given"] = True
        sidecar_path = folder / f"{name}{_SIDECAR}"
        meta_tmp = _write_temp(sidecar_path, json.dumps(sidecar, indent=2).encode() + b"\n")
        # Under its own new name, the copy is in force for no one until the sidecar says so.
        os.replace(data_tmp, target)
        _sync_dir(folder)
        os.replace(meta_tmp, sidecar_path)  # the one step: from here the new version is in force
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        for leftover in (data_tmp, meta_tmp):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
    _sync_dir(folder)
    # The copy the previous sidecar named stays, for a reader that read it just before the
    # switch; older ones go.
    keep = {target.name, Path(previous.info.source).name if previous else ""}
    _remove_copies(folder, name, keep)
    return info


def _copies(folder: Path, name: str) -> list[Path]:
    """Every stored copy of the list ``name``, of any version, in the current or old naming."""
    return [
        path for path in folder.glob(f"{name}.*") if _COPY.fullmatch(path.name.removeprefix(name))
    ]


def _remove_copies(folder: Path, name: str, keep: set[str]) -> None:
    for path in _copies(folder, name):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def registrations() -> list[Registration]:
    """Every registered list, by name, as its sidecar describes it."""
    folder = lists_dir()
    if not folder.is_dir():
        return []
    found = [_read_sidecar(p) for p in folder.glob(f"*{_SIDECAR}")]
    return sorted(found, key=lambda r: r.info.name)


def registered_lists() -> list[ListInfo]:
    """Name, version, entries and stored copy of every registered list."""
    return [r.info for r in registrations()]


def did_you_mean(name: str, extra: tuple[str, ...] = ()) -> str:
    """``"; did you mean 'x'?"`` for the registered list name (or ``extra`` name) closest to
    ``name``, or nothing when none is close."""
    import difflib

    try:
        known = [*extra, *(r.info.name for r in registrations())]
    except InputError:
        known = list(extra)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def find_registration(name: str) -> Registration | None:
    """The registration of ``name``, or None if no list is registered under it."""
    if not NAME_PATTERN.fullmatch(name):
        return None
    sidecar = lists_dir() / f"{name}{_SIDECAR}"
    return _read_sidecar(sidecar) if sidecar.is_file() else None


def load_registered(name: str) -> RiskList:
    """Load the stored copy of a registered list, under its registered name."""
    found = find_registration(name)
    if found is None:
        raise InputError(f"no registered list named {name!r}{did_you_mean(name)}")
    stored = Path(found.info.source)
    if not stored.is_file():
        raise InputError(
            f"the stored copy of list {name!r} is missing; register it again", file=str(stored)
        )
    return _LOADERS[found.format](stored, name, found.kind_given)


def remove_list(name: str) -> None:
    """Forget a registered list and delete its stored copy."""
    check_name(name)
    folder = lists_dir()
    sidecar = folder / f"{name}{_SIDECAR}"
    if not sidecar.is_file():
        raise InputError(f"no registered list named {name!r}{did_you_mean(name)}")
    # The sidecar goes first: without it the name is unregistered, whatever else remains.
    sidecar.unlink()
    _remove_copies(folder, name, set())
    _sync_dir(folder)


def _create_temp(final: Path) -> tuple[int, Path]:
    path = temporary_path(final)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path


def _copy_to_temp(source: Path, final: Path) -> Path:
    """Copy ``source`` to a new temporary file beside ``final``, durably, keeping its mtime."""
    handle, path = _create_temp(final)
    try:
        with source.open("rb") as src, os.fdopen(handle, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
            stat = os.fstat(src.fileno())
        # The list's version is dated by mtime: the copy keeps the original's.
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _write_temp(final: Path, data: bytes) -> Path:
    handle, path = _create_temp(final)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _sync_dir(folder: Path) -> None:
    # Makes the renames durable on POSIX; directories cannot be opened this way on Windows.
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _read_sidecar(path: Path) -> Registration:
    """A sidecar as a Registration; a damaged one is an error naming it."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(_SIDECAR)
        fmt = data["format"]
        if data["name"] != name or fmt not in _EXTENSIONS:
            raise ValueError
        # Sidecars written before lists had kinds: every list was screened as a watch list.
        kind = ListKind(data.get("kind", ListKind.WATCH.value))
        # Sidecars written before copies were named per version name no file: <name>.<ext>.
        copy = str(data.get("file") or f"{name}{_EXTENSIONS[fmt]}")
        if not _COPY.fullmatch(copy.removeprefix(name)) or not copy.startswith(name):
            raise ValueError
        info = ListInfo(
            name=name,
            version=str(data["version"]),
            entries=int(data["entries"]),
            source=str(path.parent / copy),
            kind=kind,
            data_date=str(data.get("data_date", "")),
        )
        given = kind if data.get("kind_given") else None
        return Registration(info, fmt, str(data["original"]), str(data["registered_at"]), given)
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(
            "damaged list registration; remove the list and register it again", file=str(path)
        ) from None
