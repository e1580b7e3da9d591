"""The fork pool: worker processes that share what the parent loaded, and the slot they read it from.

Workers are forked, so the loaded lists, chain and index pages are theirs without being copied
or pickled; only each task's arguments and answer travel. What the tasks need besides their
arguments is put in a ``WorkSlot`` before the pool starts, and read from it in the worker.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

W = TypeVar("W")

MAX_WORKERS = 8


class WorkSlot(Generic[W]):
    """What a pool's tasks share: set in the parent before the workers fork, read in them."""

    def __init__(self) -> None:
        self._value: W | None = None

    @contextmanager
    def holding(self, value: W) -> Iterator[None]:
        """The slot holds ``value`` for the block, and nothing after it."""
        self._value = value
        try:
            yield
        finally:
            self._value = None

    def get(self) -> W:
        if self._value is None:
            raise RuntimeError("a task ran with nothing in its work slot")
        return self._value


def workers(wanted: int | None = None) -> int:
    """How many workers to start: the cores there are (at most 8), or as many as asked."""
    return wanted or min(os.cpu_count() or 1, MAX_WORKERS)


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def fork_pool(count: int) -> ProcessPoolExecutor:
    """A pool of ``count`` forked workers."""
    return ProcessPoolExecutor(count, mp_context=mp.get_context("fork"))
