"""One writer at a time over a workspace's chains, across threads and processes.

The web app reads a chain version, applies a vendor's answers to it and writes the result as
the next version. Two of these at once would each start from the same version, and the one
written second would drop the other's answers. Within one process a thread lock keeps them
apart; a server with several worker processes needs a lock they all see, and one the system
releases when a process dies holding it:

- SQLite in a file: a POSIX record lock on a file beside the database (``NAME.db.lock``),
  which every write transaction takes as well (``sqlite_writer``);
- PostgreSQL: a session-level advisory lock, held on a connection of its own;
- SQLite in memory: the thread lock alone (no other process can open that database).
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine

# The advisory lock's key: subtier's, in a database that holds one workspace (migrations take
# 7274201 for their own transaction).
ADVISORY_KEY = 7274202


def lock_path(engine: Engine) -> Path | None:
    """The lock file of a SQLite workspace in a file; None for any other database."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    # Resolved: two engines naming one file differently must share its lock.
    return Path(f"{Path(database).resolve()}.lock")


class _Reentrant:
    """Held by one thread at a time, re-entrantly; ``_take`` runs when the outermost hold
    begins and ``_give`` when it ends, for what is held beyond the thread."""

    def __init__(self) -> None:
        self._thread = threading.RLock()
        self._depth = 0

    def acquire(self) -> None:
        self._thread.acquire()
        try:
            if self._depth == 0:
                self._take()
        except BaseException:
            self._thread.release()
            raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                self._give()
        finally:
            self._thread.release()

    def _take(self) -> None:
        raise NotImplementedError

    def _give(self) -> None:
        raise NotImplementedError


class _FileLock(_Reentrant):
    """A POSIX record lock on a lock file, with a re-entrant thread lock before it: held by one
    thread of one process at a time, and released by the system if the process dies.

    It is the only record lock a process takes, and only the thread that holds the thread lock
    waits for it, holding nothing else: the kernel refuses (EDEADLK) a process that waits for a
    record lock while it holds another that someone waits for, and it tells processes apart,
    not threads."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: IO[bytes] | None = None
        self._owner = 0  # the process that opened the file

    def _take(self) -> None:
        if self._file is None or self._owner != os.getpid():
            # Opened by each process for itself: a record lock belongs to a process, and one
            # inherited descriptor shared by two processes would let each close it. Closing
            # the inherited one is safe: this process holds no lock on it yet.
            if self._file is not None:
                self._file.close()
            self._file = open(self.path, "ab")  # noqa: SIM115 (kept open: the lock's)
            self._owner = os.getpid()
        fcntl.lockf(self._file, fcntl.LOCK_EX)

    def _give(self) -> None:
        if self._file is not None:
            fcntl.lockf(self._file, fcntl.LOCK_UN)


# One lock per file in a process: every engine and service over the same file shares it.
_locks: dict[Path, _FileLock] = {}
_locks_guard = threading.Lock()
# Each engine's lock (or None), found once: resolving the path looks at every folder in it,
# which cost more than the write transaction it guarded.
_by_engine: weakref.WeakKeyDictionary[Engine, _FileLock | None] = weakref.WeakKeyDictionary()


def _file_lock(path: Path) -> _FileLock:
    with _locks_guard:
        found = _locks.get(path)
        if found is None:
            found = _locks[path] = _FileLock(path)
        return found


@contextmanager
def sqlite_writer(engine: Engine) -> Iterator[None]:
    """Held around every write transaction on a SQLite file, by the same lock as the chain
    writer's. Writers of this and the other processes queue on it and are woken in turn the
    moment it is free. Left to SQLite, a writer that finds the database locked sleeps and tries
    again (1, 2, 5, ... up to 100 ms at a time), and the server's event loop with it."""
    try:
        lock = _by_engine[engine]
    except KeyError:
        path = lock_path(engine)
        lock = _by_engine[engine] = _file_lock(path) if path is not None else None
    if lock is None:
        yield
        return
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


class WriteLock(_Reentrant):
    """Re-entrant: held by one thread at a time, and by one process at a time from the
    outermost ``with`` in a thread to its end."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        path = lock_path(engine)
        self._file = _file_lock(path) if path is not None else None
        self._conn: Connection | None = None

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _take(self) -> None:
        if self._file is not None:
            self._file.acquire()
        elif self.engine.dialect.name == "postgresql":
            conn = self.engine.connect()
            try:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_KEY})")
                conn.commit()
            except BaseException:
                conn.close()
                raise
            self._conn = conn

    def _give(self) -> None:
        if self._file is not None:
            self._file.release()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
                conn.commit()
            except BaseException:
                conn.invalidate()  # never back to the pool still holding the lock
                raise
            finally:
                conn.close()
