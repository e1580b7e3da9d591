"""Memory that a server's worker processes share: a fixed table of slots, mapped before they
are forked (``subtier serve --workers``).

The rate limits and the new invitation links held between a form's POST and its GET must be
the same whichever worker a request reaches. The table lives in an unlinked temporary file
mapped into memory: nothing is left on disk, and forked workers inherit the mapping. It is
locked with a POSIX record lock on that file between processes (released by the system if a
worker dies holding it) and with a thread lock within one.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import secrets
import struct
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class SharedSlots:
    """``slots`` slots of ``size`` bytes each, all zero at first."""

    def __init__(self, slots: int, size: int, prefix: str = "subtier-shared-") -> None:
        self.slots = slots
        self.size = size
        # The hash is keyed, so that no one can choose keys (user names, say) that land on
        # another's slots and push it out; made before the fork, so every worker hashes alike.
        self._secret = secrets.token_bytes(16)
        self._lock = threading.Lock()
        # Open as long as the table: the mapping and the record lock are the file's.
        self._file = tempfile.TemporaryFile(prefix=prefix)  # noqa: SIM115
        self._file.truncate(slots * size)
        self.memory = mmap.mmap(self._file.fileno(), slots * size)

    @contextmanager
    def locked(self) -> Iterator[mmap.mmap]:
        """The table, held by this thread of this process until the block ends."""
        with self._lock:
            fcntl.lockf(self._file, fcntl.LOCK_EX)
            try:
                yield self.memory
            finally:
                fcntl.lockf(self._file, fcntl.LOCK_UN)

    def hash(self, key: str) -> int:
        """A key's 64-bit hash in this table, never 0 (the mark of a free slot)."""
        digest = hashlib.blake2b(key.encode(), digest_size=8, key=self._secret).digest()
        return int.from_bytes(digest, "little") or 1

    def probe(self, h: int, count: int) -> Iterator[int]:
        """The slots a key of hash ``h`` may take, in the order they are tried."""
        return ((h + i) % self.slots for i in range(min(count, self.slots)))

    def choose(
        self, memory: mmap.mmap, h: int, head: struct.Struct, count: int,
        spent: Callable[[tuple[Any, ...]], bool], age: Callable[[tuple[Any, ...]], float],
    ) -> int:  # fmt: skip
        """The slot for the key of hash ``h`` among the first ``count`` it may take, each
        beginning with ``head`` (the key's hash first, 0 when free): the key's own; else the
        first free or ``spent`` one; else the one of the lowest ``age``, forgotten."""
        chosen, oldest = -1, (float("inf"), 0)
        for i in self.probe(h, count):
            fields = head.unpack_from(memory, i * self.size)
            if fields[0] == h:
                return i
            if chosen < 0 and (fields[0] == 0 or spent(fields)):
                chosen = i  # taken unless the key's own slot is further on
            if age(fields) < oldest[0]:
                oldest = (age(fields), i)
        return chosen if chosen >= 0 else oldest[1]
