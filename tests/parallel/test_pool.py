"""The fork pool and its work slot: what the parent puts in the slot, the forked workers read."""

from __future__ import annotations

import pytest

from subtier.parallel.pool import WorkSlot, can_fork, fork_pool, workers

_SLOT: WorkSlot[dict[str, int]] = WorkSlot()


def _read(key: str) -> int:
    return _SLOT.get()[key]


@pytest.mark.skipif(not can_fork(), reason="needs fork")
def test_forked_workers_read_what_the_parent_put_in_the_slot() -> None:
    shared = {f"k{n}": n * n for n in range(100)}
    with _SLOT.holding(shared), fork_pool(2) as pool:
        assert list(pool.map(_read, ["k3", "k99"])) == [9, 9801]


def _fail_holding() -> None:
    with _SLOT.holding({"a": 1}):
        assert _SLOT.get() == {"a": 1}
        raise ValueError("boom")


def test_the_slot_is_empty_after_its_block_even_when_the_block_fails() -> None:
    with pytest.raises(ValueError, match="boom"):
        _fail_holding()
    with pytest.raises(RuntimeError, match="nothing in its work slot"):
        _SLOT.get()


def test_workers_are_the_cores_unless_asked() -> None:
    assert 1 <= workers() <= 8
    assert workers(3) == 3
