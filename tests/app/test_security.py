"""The rate limiter: attempts counted per key in a sliding window, in shared memory, so that
the worker processes of one server (forked after it was made) count together."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from subtier.app.security import RateLimiter

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_attempts_past_the_limit_are_refused() -> None:
    limiter = RateLimiter(3)
    assert [limiter.allow("signin:10.0.0.1") for _ in range(5)] == [True] * 3 + [False] * 2


def test_a_key_is_allowed_again_once_its_window_has_passed() -> None:
    window = 0.3
    limiter = RateLimiter(3, window=window)
    assert [limiter.allow("k") for _ in range(4)][-1] is False
    # The last window still counts for as much of it as lies within ``window`` of now, so a
    # key is all clear two windows on.
    time.sleep(2 * window + 0.05)
    assert [limiter.allow("k") for _ in range(3)] == [True] * 3
    assert limiter.allow("k") is False


def test_the_last_window_counts_while_it_overlaps() -> None:
    window = 0.4
    limiter = RateLimiter(4, window=window)
    # Wait for the start of a window, then use the whole limit.
    time.sleep(window - time.monotonic() % window + 0.01)
    assert all(limiter.allow("k") for _ in range(4))
    # Early in the next window most of the last one is still within ``window`` seconds: it
    # counts for that part (a fixed window would let four more attempts through here).
    time.sleep(window - time.monotonic() % window + 0.02)
    assert [limiter.allow("k") for _ in range(4)].count(True) < 4


class Clock:
    """A clock the test sets: window boundaries at exact times, whatever the machine does."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_across_a_window_boundary_the_last_window_still_counts() -> None:
    clock = Clock(59.9)
    limiter = RateLimiter(4, window=60.0, clock=clock)
    assert all(limiter.allow("k") for _ in range(4))
    clock.at = 60.1  # the next window: the last one counts for 59.9 of its 60 s
    assert [limiter.allow("k") for _ in range(4)] == [True, False, False, False]
    clock.at = 119.0  # a minute on, the first window's attempts are nearly all out of reach
    assert limiter.allow("k") is True


def test_a_late_clock_reading_does_not_start_the_counts_afresh() -> None:
    # A process that read the time a moment before another wrote the next window: its older
    # time must not take the key's window back, which would forget the newer window's counts.
    clock = Clock(59.9)
    limiter = RateLimiter(4, window=60.0, clock=clock)
    assert all(limiter.allow("k") for _ in range(4))
    clock.at = 60.1
    assert limiter.allow("k") is True
    allowed = 0
    for at in (59.95, 60.2, 59.99, 60.3, 60.4):
        clock.at = at
        allowed += limiter.allow("k")
    assert allowed == 0


def test_keys_are_counted_apart() -> None:
    limiter = RateLimiter(2)
    assert [limiter.allow("signin:a") for _ in range(3)] == [True, True, False]
    assert [limiter.allow("signin:b") for _ in range(3)] == [True, True, False]
    assert [limiter.allow("claim:a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("signin:a") is False


def test_more_keys_than_slots() -> None:
    limiter = RateLimiter(1, slots=64)
    # Every key seen for the first time is allowed, however full the table; none raises.
    assert all(limiter.allow(f"client-{n}") for n in range(5000))
    # A key still in the table is still counted.
    assert limiter.allow("client-4999") is False


@fork_only
def test_forked_processes_share_the_counts() -> None:
    limit, children = 40, 4
    limiter = RateLimiter(limit)
    go_read, go_write = os.pipe()
    results = []
    pids = []
    for _ in range(children):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: try the limit's worth of attempts, say how many were let in
            code = 1
            try:
                os.close(read)
                os.read(go_read, 1)  # all at once, once every child is ready
                allowed = sum(limiter.allow("signin:10.0.0.1") for _ in range(limit))
                os.write(write, str(allowed).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        pids.append(pid)
        results.append(read)
    os.write(go_write, b"x" * children)
    counts = []
    for read in results:
        with os.fdopen(read, "rb") as out:
            counts.append(int(out.read() or b"-1"))
    for pid in pids:
        assert os.waitpid(pid, 0)[1] == 0
    os.close(go_read)
    os.close(go_write)
    assert sum(counts) == limit, counts
    # And the parent sees what the children counted.
    assert limiter.allow("signin:10.0.0.1") is False
    assert limiter.allow("signin:10.0.0.2") is True


def _home(key: str, slots: int) -> int:
    """The slot a key would start from were the hash not keyed."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "little") or 1) % slots


def test_names_chosen_to_collide_do_not_push_an_account_out() -> None:
    slots = 4096
    limiter = RateLimiter(1, slots=slots)
    assert limiter.allow("alice") is True
    assert limiter.allow("alice") is False
    # Forty names that an unkeyed hash would start on alice's slot: they would fill the slots
    # after it, and the next would take hers, with her count (each is one attempt, from any
    # client, well within its own limit).
    target = _home("alice", slots)
    chosen = [n for n in (f"user{i}" for i in range(400_000)) if _home(n, slots) == target][:40]
    assert len(chosen) == 40
    assert all(limiter.allow(name) for name in chosen)
    assert limiter.allow("alice") is False
