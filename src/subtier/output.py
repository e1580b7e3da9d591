"""Where a command's output goes: the one helper every writer of a user's file goes through.

- ``-`` (or no path, or ``/dev/stdout``) is standard output.
- A regular file, or a new one, is written whole or not at all: a temporary file beside it,
  then a rename over it, keeping the old file's permissions.
- A symbolic link is followed: the file it points to is replaced, so the link stays a link
  and points at the new content. A link that points at something that is not a regular file
  (a FIFO, a device) is written to as that thing is.
- A FIFO, a character device or a socket (``/dev/stdout``, ``/dev/null``, a named pipe) is
  opened and written to, never replaced.
- A folder is an error, and so is a suffix the writer cannot produce (``check_suffix``).

A path that cannot be written raises OutputError (exit code 3), naming the path.

A temporary file is named ``.<file>.<pid>-<random>.tmp``: a process killed while writing
(even by SIGKILL, which runs no clean-up) leaves one behind, and the next write into the same
folder removes it once its process is gone (:func:`remove_stale_temporaries`).
"""

from __future__ import annotations

import csv
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, BinaryIO

from subtier.errors import InputError, OutputError

STDOUT = "-"

Target = str | Path | None


# Names of standard output itself: written through this process's own handle, so that what
# the shell set up (``>> log``: appending) holds.
_STDOUT_NAMES = (STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_stdout(target: Target) -> bool:
    """Does this output option mean standard output?"""
    return target is None or str(target) in _STDOUT_NAMES


def check_suffix(target: Target, allowed: Sequence[str], what: str) -> None:
    """Refuse an output path whose suffix names a format the writer does not write."""
    if is_stdout(target):
        return
    name = str(target).lower()
    if not name.endswith(tuple(allowed)):
        raise InputError(
            f"{what} writes {' or '.join(allowed)}; give a name ending so", file=str(target)
        )


def check_not_suffix(target: Target, refused: dict[str, str]) -> None:
    """Refuse an output path ending in one of ``refused`` (suffix → why)."""
    if is_stdout(target):
        return
    name = str(target).lower()
    for suffix, why in refused.items():
        if name.endswith(suffix):
            raise InputError(why, file=str(target))


def _in_place(path: Path) -> bool:
    """Is ``path`` (links followed) something that is written to rather than replaced?

    So is anything under /dev or /proc: ``/dev/stdout`` redirected to a file is written as the
    shell opened it, not replaced by a new file."""
    if str(path).startswith(("/dev/", "/proc/")) or os.path.realpath(path).startswith(
        ("/dev/", "/proc/")
    ):
        return not path.is_dir()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    except OSError as error:
        raise OutputError(error.strerror or str(error), file=str(path)) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a folder; give a file name", file=str(path))
    return not stat.S_ISREG(mode)


def _final(path: Path) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or what its links point to."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path to write ``target``'s new content to, for writers that need a path
    (a workbook, a document); on success it replaces the file, else it is removed. A FIFO or
    a device is given as it is, to be written to in place."""
    path = Path(target)
    if _in_place(path):
        yield path
        return
    final = _final(path)
    remove_stale_temporaries(final.parent)
    temporary = temporary_path(final)
    try:
        yield temporary
        try:
            old = final.stat().st_mode
        except FileNotFoundError:
            pass
        else:
            os.chmod(temporary, stat.S_IMODE(old))
        os.replace(temporary, final)
    except OSError as error:
        _remove(temporary)
        raise OutputError(error.strerror or str(error), file=str(path)) from None
    except BaseException:
        _remove(temporary)
        raise


# A temporary file of ours: ".<name>.<pid>-<8 hex digits>.tmp".
_TEMPORARY = re.compile(r"\..+\.(\d+)-[0-9a-f]{8}\.tmp")
# A temporary file this old is stale whatever its process id says (ids are reused).
STALE_AFTER_SECONDS = 24 * 3600


def temporary_path(final: Path) -> Path:
    """A new temporary path beside ``final``, named for this process (see the module)."""
    return final.with_name(f".{final.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or no way to tell: not ours to judge
    return True


def remove_stale_temporaries(folder: Path) -> int:
    """Remove the temporary files in ``folder`` left by processes that are gone (killed while
    writing); how many were removed. A folder that cannot be read is left as it is."""
    import time

    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        found = _TEMPORARY.fullmatch(entry.name)
        if found is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_SECONDS
            if old or not _alive(int(found.group(1))):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    return removed


def _remove(path: Path) -> None:
    with suppress(OSError):
        path.unlink(missing_ok=True)


@contextmanager
def open_text(
    target: Target, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[IO[str]]:
    """A text handle to write the output to (see the module's docstring)."""
    if is_stdout(target):
        yield sys.stdout
        sys.stdout.flush()
        return
    with (
        atomic_path(str(target)) as path,
        path.open("w", encoding=encoding, newline=newline) as out,
    ):
        yield out


@contextmanager
def open_binary(target: Target) -> Iterator[BinaryIO]:
    """A binary handle to write the output to (see the module's docstring)."""
    if is_stdout(target):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_path(str(target)) as path, path.open("wb") as out:
        yield out


def write_output(target: Target, data: str | bytes) -> None:
    """Write ``data`` to the output ``target`` (text as UTF-8), whole or not at all."""
    if isinstance(data, str):
        with open_text(target, newline="") as text:
            text.write(data)
    else:
        with open_binary(target) as binary:
            binary.write(data)


__all__ = [
    "STDOUT",
    "atomic_path",
    "check_not_suffix",
    "check_suffix",
    "is_stdout",
    "open_binary",
    "open_text",
    "write_output",
]


# Cells a spreadsheet would run as a formula (OWASP's CSV-injection rule).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cell_safe(value: object) -> object:
    """A cell a spreadsheet shows as text and never runs as a formula: a text that begins
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` before it
    (``=HYPERLINK(...)`` from a public filing or a vendor's form stays text). Numbers, such as
    ``-3.5``, stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_unsafe(value: str) -> str:
    """The text ``cell_safe`` was given, from a cell it wrote (a template read back)."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``cell_safe``."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([cell_safe(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
