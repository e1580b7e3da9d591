"""FastFEC run in a child process, so that a filing that crashes it cannot take the caller along.

FastFEC is a C library: some malformed lines corrupt its heap (``free(): invalid size``, the
process aborted). :func:`subtier.fec.filing.scan` refuses every such line we know of before
FastFEC sees it; this module is the guard for those we do not. The child parses the filing and
streams its records back through a pipe in pickled batches; the parent reads them as they come
(both cores work). If the child dies, the parent finds the first line that kills it by
parsing ever shorter beginnings of the file, and raises an :class:`InputError` naming it.

Where ``os.fork`` does not exist, FastFEC runs in this process.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import pickle
import signal
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from subtier.errors import InputError

Record = tuple[str, dict[str, Any]]
_BATCH = 500
_DONE = "end"


def _parse_here(data: bytes) -> Iterator[Record]:
    from fastfec import FastFEC  # type: ignore[import-untyped]

    with FastFEC() as ff:
        # The generator is consumed to its end whatever happens: FastFEC's parser thread
        # blocks otherwise, and the process hangs at exit.
        yield from ff.parse(io.BytesIO(data))


def _child(data: bytes, writer: int) -> None:
    """Parse in the child and send batches; leave without the parent's exit handlers."""
    code = 70
    try:
        _quiet()
        with os.fdopen(writer, "wb") as out:
            batch: list[Record] = []
            for record in _parse_here(data):
                batch.append(record)
                if len(batch) == _BATCH:
                    pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                    batch = []
            pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(_DONE, out)
        code = 0
    finally:
        os._exit(code)


def _quiet() -> None:
    """No core file and no glibc or FastFEC noise on the user's terminal: the parent explains."""
    import faulthandler
    import resource

    faulthandler.disable()  # a test runner's handler would print the child's stack on abort
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.environ["LIBC_FATAL_STDERR_"] = "1"  # glibc's abort message to fd 2, not the terminal
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(number).name}"
        return f"signal {number}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _dies(data: bytes) -> bool:
    """Whether FastFEC's child process dies parsing ``data``."""
    return any(death is not None for _, death in _stream(data))


@functools.cache
def _load_library() -> None:
    """Load FastFEC's shared library here, before any fork: the child then needs no import
    and no dlopen of its own, which a thread of the parent could hold a lock in."""
    import ctypes

    import fastfec  # noqa: F401
    from fastfec.utils import find_fastfec_lib  # type: ignore[import-untyped]

    ctypes.CDLL(find_fastfec_lib())


def _stream(data: bytes) -> Iterator[tuple[list[Record], str | None]]:
    _load_library()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        os.close(reader)
        _child(data, writer)
    os.close(writer)
    finished = False
    status: int | None = None
    try:
        with os.fdopen(reader, "rb") as handle:
            while True:
                batch = _load(handle)
                if batch is None:
                    break
                if batch == _DONE:
                    finished = True
                    break
                yield batch, None
        _, status = os.waitpid(pid, 0)
        pid = 0
        if not finished or status != 0:
            yield [], _death(status)
    finally:
        if pid:  # the caller stopped early or was interrupted: no child outlives the read
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _load(handle: BinaryIO) -> Any:
    try:
        return pickle.load(handle)
    except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return None  # the child died while writing: the caller learns why from its status


def parse(data: bytes, *, name: str, lines: Sequence[int]) -> Iterator[Record]:
    """FastFEC's records of ``data``; an :class:`InputError` naming the line if FastFEC dies.

    ``lines`` holds the line number of each record after the header, as the scan found them.
    """
    if not hasattr(os, "fork"):
        yield from _parse_here(data)
        return
    for batch, death in _stream(data):
        if death is not None:
            raise _crash(data, name, lines, death)
        yield from batch


def _crash(data: bytes, name: str, lines: Sequence[int], death: str) -> InputError:
    line = _first_fatal_line(data) or (lines[-1] if lines else None)
    return InputError(
        f"FastFEC failed on this line ({death}): the line is malformed in a way the checks "
        "before FastFEC did not catch; please report it with the filing",
        file=name,
        line=line,
    )


def _first_fatal_line(data: bytes) -> int | None:
    """The shortest beginning of the file (in whole lines) that FastFEC dies on: its last line.

    A binary search over line counts: about 12 parses for a filing of 3,000 lines, and only
    when something already went wrong.
    """
    starts = [0]
    at = data.find(b"\n")
    while at != -1:
        starts.append(at + 1)
        at = data.find(b"\n", at + 1)
    total = len(starts)

    def dies(count: int) -> bool:
        return _dies(data if count >= total else data[: starts[count]])

    low, high = 1, total  # dies(high) is known; find the smallest count that dies
    if not dies(high):
        return None  # it died once but not again: no line to name
    while low < high:
        middle = (low + high) // 2
        if dies(middle):
            high = middle
        else:
            low = middle + 1
    return low
