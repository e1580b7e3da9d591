"""Normalizing and indexing a big list on every core.

Normalizing an entry (its names through rigour, its address through usaddress) is most of
what loading a new list costs: about 25 µs an entry, a second and a quarter for 50,000. The
entries are independent, so forked children each normalize a share of them, index it, and
send both back packed (see ``screen.packed``). This process merges the index parts in list
order, which gives the index built in one go, and rebuilds a child's record only when it is
used.

Any child that fails, for whatever reason, costs only time: its share is built again in this
process, where an error in the data is raised as it would have been without children.
"""

from __future__ import annotations

import itertools
import marshal
import os
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

from subtier.core.gcpause import bulk
from subtier.core.screen import Record
from subtier.core.screen.index import Index, IndexPart, index_part
from subtier.core.screen.packed import LazyRecords, Packed, pack, pack_part, unpack_part
from subtier.parallel import warmup

T = TypeVar("T")

# Fewer entries than this per process, and forking costs more than it saves.
MIN_SHARE = 10_000
MAX_PROCESSES = 8
# This process builds a larger share than each child: a child also packs and sends its share,
# which costs it more than taking the share in costs this process.
PARENT_SHARE = 1.25
# A child looks this often (in entries) whether its parent is still there.
_ORPHAN_CHECK = 2_000


def processes(count: int) -> int:
    """How many processes normalize ``count`` entries (this one included)."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES, count // MIN_SHARE))


def build_list(
    items: Sequence[T], build: Callable[[T], Record], parts: int | None = None
) -> tuple[Sequence[Record], Index]:
    """``[build(item) for item in items]`` and their index, worked out on every core for a big
    list (``parts`` processes in all if given, else as many as ``processes`` says)."""
    parts = processes(len(items)) if parts is None else max(1, min(parts, len(items)))
    if parts > 1 and not warmup.can_fork():
        parts = 1
    if parts == 1:
        with bulk():
            records = tuple(build(item) for item in items)
        return records, Index(records)
    shares = [PARENT_SHARE, *([1.0] * (parts - 1))]
    total = sum(shares)
    bounds = [0, *(round(len(items) * sum(shares[: k + 1]) / total) for k in range(parts))]
    own, *theirs = itertools.pairwise(bounds)
    children: list[tuple[int, int]] = []  # (pid, read end) of the children not yet heard from
    try:
        for first, end in theirs:
            children.append(_start(items, build, first, end))
        with bulk():
            built: list[Record | None] = [build(item) for item in items[own[0] : own[1]]]
            packed: list[Packed | None] = [None] * len(built)
            index_parts = [index_part(cast(list[Record], built))]
            for first, end in theirs:
                pid, reader = children.pop(0)
                sent = _collect(pid, reader)
                if sent is None:  # the child failed: its share is built here
                    share = [build(item) for item in items[first:end]]
                    built += share
                    packed += [None] * len(share)
                    index_parts.append(index_part(share, first))
                else:
                    built += [None] * len(sent[0])
                    packed += sent[0]
                    index_parts.append(sent[1])
            lazy = LazyRecords(packed, built)
            return lazy, Index(lazy, index_parts)
    finally:
        for pid, reader in children:  # interrupted: no child outlives the load
            _stop(pid, reader)


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
    parent = os.getppid()
    try:
        os.close(reader)
        with bulk():
            share: list[Record] = []
            for start in range(first, end, _ORPHAN_CHECK):
                if os.getppid() != parent:
                    os._exit(1)  # the parent is gone (killed): nobody wants the share now
                share += [build(item) for item in items[start : min(start + _ORPHAN_CHECK, end)]]
            part = pack_part(index_part(share, first))
            data = marshal.dumps(([pack(record) for record in share], part))
        with os.fdopen(writer, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(pid: int, reader: int) -> tuple[list[Packed], IndexPart] | None:
    """A child's share (packed) and its index part, or None if the child failed."""
    try:
        with os.fdopen(reader, "rb") as handle:
            data = handle.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        share, part = marshal.loads(data)
        return share, unpack_part(part)
    except (ValueError, EOFError, TypeError):
        return None


def _stop(pid: int, reader: int) -> None:
    os.close(reader)
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass
