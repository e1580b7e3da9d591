"""Normalizing a big list on every core.

Normalizing an entry (its names through rigour, its address through usaddress) is most of
what loading a new list costs: about 25 µs an entry, a second and a quarter for 50,000. The
entries are independent, so forked children each normalize a share of them and send it back
packed (see ``screen.packed``), which the parent rebuilds in a fraction of the time.

Any child that fails, for whatever reason, costs only time: its share is normalized again in
this process, where an error in the data is raised as it would have been without children.
"""

from __future__ import annotations

import itertools
import marshal
import os
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

from subtier import warmup
from subtier.bulk import bulk
from subtier.screen import Record
from subtier.screen.packed import pack, unpack

T = TypeVar("T")

# Fewer entries than this per process, and forking costs more than it saves.
MIN_SHARE = 10_000
MAX_PROCESSES = 8
# This process builds a larger share than each child: packing and sending a share costs a
# child less time than rebuilding it from what was sent costs this process.
PARENT_SHARE = 1.25


def processes(count: int) -> int:
    """How many processes normalize ``count`` entries (this one included)."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES, count // MIN_SHARE))


def build_all(
    items: Sequence[T], build: Callable[[T], Record], parts: int | None = None
) -> list[Record]:
    """``[build(item) for item in items]``, worked out on every core for a big list
    (``parts`` processes in all if given, else as many as ``processes`` says)."""
    parts = processes(len(items)) if parts is None else max(1, min(parts, len(items)))
    if parts > 1 and not warmup.can_fork():
        parts = 1
    if parts == 1:
        with bulk():
            return [build(item) for item in items]
    shares = [PARENT_SHARE, *([1.0] * (parts - 1))]
    total = sum(shares)
    bounds = [0, *(round(len(items) * sum(shares[: k + 1]) / total) for k in range(parts))]
    own, *theirs = itertools.pairwise(bounds)
    children: list[tuple[int, int]] = []  # (pid, read end) of the children not yet heard from
    try:
        for first, end in theirs:
            children.append(_start(items, build, first, end))
        with bulk():
            records = [build(item) for item in items[own[0] : own[1]]]
            for first, end in theirs:
                pid, reader = children.pop(0)
                share = _collect(pid, reader)
                records.extend([build(i) for i in items[first:end]] if share is None else share)
    finally:
        for pid, reader in children:  # interrupted: no child outlives the load
            _stop(pid, reader)
    return records


def _start(
    items: Sequence[T], build: Callable[[T], Record], first: int, end: int
) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    # The child: build its share, send it packed, and leave without running any of the
    # parent's exit handlers or flushing the parent's buffers.
    code = 1
    try:
        os.close(reader)
        with bulk():
            data = marshal.dumps([pack(build(item)) for item in items[first:end]])
        with os.fdopen(writer, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(pid: int, reader: int) -> list[Record] | None:
    """A child's share, or None if the child failed."""
    try:
        with os.fdopen(reader, "rb") as handle:
            data = handle.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        return [unpack(packed) for packed in marshal.loads(data)]
    except (ValueError, EOFError, TypeError):
        return None


def _stop(pid: int, reader: int) -> None:
    os.close(reader)
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass
