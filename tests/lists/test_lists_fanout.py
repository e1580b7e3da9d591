"""A big list normalized and indexed on several processes: the same records and index as one
process makes, and a failing child costs only time."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from subtier.core.screen import Record, make_record
from subtier.core.screen.index import Index
from subtier.core.screen.packed import LazyRecords
from subtier.errors import InputError
from subtier.lists import fanout, load_csv_list
from subtier.parallel import warmup
from tests.paths import ROOT

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _items(count: int) -> list[tuple[str, str, str]]:
    streets = ("Main St", "Oak Avenue", "Route 9", "Bahnhofstrasse")
    return [
        (f"e{n}", f"Entry {n} Holdings LLC", f"{n} {streets[n % 4]}, Springfield IL 6270{n % 10}")
        for n in range(count)
    ]


def _build(item: tuple[str, str, str]) -> Record:
    id_, name, address = item
    return make_record(id_, name, address=address, status=str(os.getpid()))


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _in_a_forking_process(check: Callable[[], None]) -> None:
    """Run ``check`` here, or in a fresh interpreter if this one may not fork: some tests (the
    Spark session's gateway) leave threads running, and with threads a list is built here."""
    if warmup.can_fork():
        check()
        return
    code = f"from tests.lists.test_lists_fanout import {check.__name__}; {check.__name__}()"
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr


@fork_only
def test_shares_built_in_children_equal_the_ones_built_here() -> None:
    _in_a_forking_process(_check_shares)


def _check_shares() -> None:
    items = _items(600)
    fanned, index = fanout.build_list(items, _build, parts=3)
    assert len({r.status for r in fanned}) == 3  # three processes each built a share
    alone = [_build(i) for i in items]
    # Equal field by field once the building process is left out, in the items' order.
    assert [_without_pid(r) for r in fanned] == [_without_pid(r) for r in alone]
    assert [r.id for r in fanned] == [i[0] for i in items]
    # The index merged from the three parts is the index of the whole list built at once.
    assert _contents(index) == _contents(Index(alone))
    assert _no_children_left()


def _contents(index: Index) -> tuple[object, ...]:
    def plain(table: dict[str, int | array[int]]) -> dict[str, list[int]]:
        return {k: [v] if isinstance(v, int) else list(v) for k, v in table.items()}

    derived = {k: sorted([v] if isinstance(v, str) else v) for k, v in index.derived.items()}
    return plain(index.words), plain(index.postings), derived, index.context


def _without_pid(record: Record) -> tuple[object, ...]:
    a = record.address
    return (record.id, record.name, record.names, a, a and (a.house, a.words), record.country)


@fork_only
def test_an_error_in_a_childs_share_is_raised_here() -> None:
    _in_a_forking_process(_check_error)


def _failing_build(item: tuple[str, str, str]) -> Record:
    if item[0] == "e250":  # in the last child's share
        raise InputError("bad entry", file="list.csv", line=252)
    return _build(item)


def _check_error() -> None:
    items = _items(300)
    with pytest.raises(InputError, match="bad entry") as caught:
        fanout.build_list(items, _failing_build, parts=3)
    assert caught.value.line == 252
    assert _no_children_left()


def test_one_process_for_a_small_list() -> None:
    assert fanout.processes(fanout.MIN_SHARE - 1) == 1
    assert fanout.processes(0) == 1


@fork_only
def test_a_csv_list_built_on_several_processes_is_the_same_list() -> None:
    _in_a_forking_process(_check_csv_list)


def _check_csv_list() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        items = _items(400)
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["id", "name", "address"])
            out.writerows(items)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SUBTIER_PREPARED", "0")
            alone = load_csv_list(path).records
            patch.setattr(fanout, "MIN_SHARE", 100)
            patch.setattr(os, "cpu_count", lambda: 2)
            assert fanout.processes(len(items)) == 2
            loaded = load_csv_list(path)
    fanned = loaded.records
    assert isinstance(fanned, LazyRecords)  # built on two processes
    assert list(fanned) == list(alone)
    assert _contents(loaded.index) == _contents(Index(alone))
    assert [(r.address.house, r.address.words) for r in fanned if r.address] == [
        (r.address.house, r.address.words) for r in alone if r.address
    ]


def _slow_build(item: tuple[str, str, str]) -> Record:
    time.sleep(0.001)
    return _build(item)


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has stopped; only its parent's wait is due


@fork_only
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_child_stops_soon_after_its_parent_is_killed() -> None:
    code = (
        "import os; from tests.lists.test_lists_fanout import _items, _slow_build; "
        "from subtier.lists import fanout; print(os.getpid(), flush=True); "
        "fanout.build_list(_items(12_000), _slow_build, parts=2)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    children: list[int] = []
    for _ in range(100):  # the child is forked once the parent has read its items
        listed = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True)
        children = [int(p) for p in listed.stdout.split()]
        if children:
            break
        time.sleep(0.05)
    assert children
    parent.kill()
    parent.wait()
    # The child's share takes over 5 s to build; it looks for its parent every 2,000 entries.
    deadline = time.monotonic() + 4
    while any(_running(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(c) for c in children)
