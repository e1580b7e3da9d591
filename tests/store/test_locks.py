"""The chain writer's lock (store.locks.WriteLock): one holder at a time across the threads
and the processes of a server, re-entrant in a thread, and let go by a process that dies.

Real processes (forked) over a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from subtier.store.locks import ADVISORY_KEY, WriteLock, lock_path

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def fork(work: Callable[[], None], engine: sa.Engine) -> int:
    """Run ``work`` in a child process; its exit code says whether it raised."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            # The parent's pooled connections are the parent's: a child opens its own.
            engine.dispose(close=False)
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def joined(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def append(path: Path, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


class Waiter:
    """A process that, once started, waits for the lock and says when it has it."""

    def __init__(self, lock: WriteLock) -> None:
        go, self._go = os.pipe()
        self._got, got = os.pipe()

        def work() -> None:
            os.read(go, 1)
            with lock:
                os.write(got, b"x")

        self.pid = fork(work, lock.engine)
        os.close(go)
        os.close(got)

    def start(self) -> None:
        os.write(self._go, b"x")

    def got(self, within: float) -> bool:
        return bool(select.select([self._got], [], [], within)[0])

    def join(self) -> int:
        os.close(self._go)
        os.close(self._got)
        return joined(self.pid)


def check_turns(lines: list[str], expected: int) -> None:
    """Each holder's start mark is followed by its own end mark: no two held it at once."""
    assert len(lines) == 2 * expected
    for start, end in zip(lines[::2], lines[1::2], strict=True):
        assert start.split()[0] == "start", lines
        assert end.split() == ["end", *start.split()[1:]], lines


def test_processes_and_their_threads_take_turns(database_url: str, tmp_path: Path) -> None:
    engine = sa.create_engine(database_url)
    lock = WriteLock(engine)
    with lock:  # held once before the fork, as the server's warm-up does
        pass
    engine.dispose()
    marks = tmp_path / "marks"
    processes, threads, rounds = 3, 2, 15

    def hold() -> None:
        me = f"{os.getpid()}-{threading.get_ident()}"
        for _ in range(rounds):
            with lock:
                append(marks, f"start {me}\n")
                time.sleep(0.001)
                append(marks, f"end {me}\n")

    def work() -> None:
        running = [threading.Thread(target=hold) for _ in range(threads)]
        for thread in running:
            thread.start()
        for thread in running:
            thread.join()

    pids = [fork(work, engine) for _ in range(processes)]
    assert [joined(pid) for pid in pids] == [0] * processes
    check_turns(marks.read_text().splitlines(), processes * threads * rounds)
    engine.dispose()


def test_re_entrant_in_a_thread_and_held_to_the_outermost_end(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    lock = WriteLock(engine)
    waiter = Waiter(lock)
    with lock:
        with lock, lock:
            pass
        waiter.start()
        assert not waiter.got(0.3)  # the outer ``with`` still holds it
    assert waiter.got(5)
    assert waiter.join() == 0
    engine.dispose()


def test_a_killed_holder_lets_go(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    lock = WriteLock(engine)
    ready, told = os.pipe()

    def hold() -> None:
        with lock:
            os.write(told, b"x")
            time.sleep(60)

    holder = fork(hold, engine)
    waiter = Waiter(lock)
    try:
        assert select.select([ready], [], [], 10)[0], "the holder never got the lock"
        waiter.start()
        assert not waiter.got(0.3)
        os.kill(holder, signal.SIGKILL)
        at = time.monotonic()
        assert waiter.got(5)
        assert time.monotonic() - at < 1.0
    finally:
        killed(holder)
        os.close(ready)
        os.close(told)
    assert waiter.join() == 0
    engine.dispose()


def killed(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def test_sqlite_locks_a_file_beside_the_workspace(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path}/w.db")
    assert lock_path(engine) == tmp_path / "w.db.lock"
    with WriteLock(engine):
        assert (tmp_path / "w.db.lock").exists()


def test_in_memory_sqlite_takes_the_thread_lock_only() -> None:
    engine = sa.create_engine("sqlite://")
    assert lock_path(engine) is None
    lock = WriteLock(engine)
    marks: list[str] = []

    def hold(me: int) -> None:
        for _ in range(50):
            with lock, lock:
                marks.append(f"start {me}")
                time.sleep(0.0005)
                marks.append(f"end {me}")

    threads = [threading.Thread(target=hold, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check_turns(marks, 3 * 50)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgresql_holds_an_advisory_lock(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    other = sa.create_engine(database_url)  # another server's, as it were

    def free() -> bool:
        with other.connect() as conn:
            taken = conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({ADVISORY_KEY})").scalar()
            if taken:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
            return bool(taken)

    lock = WriteLock(engine)
    assert free()
    with lock:
        assert not free()
        with lock:
            assert not free()
        assert not free()
    assert free()  # and the connection that held it went back to the pool without it
    # A second engine's lock waits for the first.
    second = WriteLock(other)
    entered = threading.Event()

    def wait() -> None:
        with second:
            entered.set()

    with lock:
        thread = threading.Thread(target=wait)
        thread.start()
        assert not entered.wait(0.3)
    assert entered.wait(5)
    thread.join()
    engine.dispose()
    other.dispose()
