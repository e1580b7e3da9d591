"""`subtier lists add` killed (SIGKILL, no clean-up at all) at each step of a registration.

Whatever the step, `subtier lists` and screening agree on the version in force (the old one
until the sidecar's rename, the new one after), and the next registration leaves no temporary
file behind. The kill is real: the command runs in a child process that sends itself SIGKILL
right before or after the n-th call of a system function.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from subtier.lists import load_list, register_list
from tests.paths import ROOT, TESTS

FIXTURES = TESTS / "fixtures"
SITES = FIXTURES / "lists" / "sites.csv"


# The child: `subtier lists add NAME FILE`, killed at the n-th call of os.<function>.
KILLER = """
import os, signal, sys
function, count, when = sys.argv[1], int(sys.argv[2]), sys.argv[3]
real = getattr(os, function)
calls = 0
def killing(*args, **kwargs):
    global calls
    calls += 1
    if calls == count and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = real(*args, **kwargs)
    if calls == count and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(os, function, killing)
sys.argv = ["subtier", "lists", "add", *sys.argv[4:]]
from subtier.cli import main
main()
"""

# Each step of a registration, in order: (function, n-th call, before or after it, in force).
STEPS = [
    ("fsync", 1, "before", "old"),  # the copy written, not yet durable
    ("fsync", 2, "before", "old"),  # the new sidecar written to its temporary file
    ("replace", 1, "before", "old"),
    ("replace", 1, "after", "old"),  # the copy in place under its own name
    ("replace", 2, "before", "old"),
    ("replace", 2, "after", "new"),  # the switch
]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("SUBTIER_HOME", str(folder))
    return folder


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def killed_add(name: str, path: Path, function: str, count: int, when: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, function, str(count), when, name, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=_env(),
        timeout=120,
    )
    return done.returncode


def listed(name: str) -> dict[str, object]:
    """The list as `subtier lists --format json` shows it."""
    done = subprocess.run(
        [sys.executable, "-m", "subtier", "lists", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=_env(),
        timeout=120,
    )
    found: dict[str, object] = next(e for e in json.loads(done.stdout) if e["name"] == name)
    return found


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.slow
@pytest.mark.parametrize(("function", "count", "when", "in_force"), STEPS)
def test_a_killed_registration_leaves_one_version_in_force(
    home: Path, tmp_path: Path, function: str, count: int, when: str, in_force: str
) -> None:
    old = register_list("sites", SITES)
    newer = tmp_path / "sites.csv"
    newer.write_text(SITES.read_text() + "acme-4,Fourth Site,,,,,,,\n", encoding="utf-8")
    assert killed_add("sites", newer, function, count, when) == -9

    shown = listed("sites")
    screened = load_list("sites").info  # what `check` and `screen` screen against
    assert (shown["version"], shown["entries"]) == (screened.version, screened.entries)
    expected = old if in_force == "old" else register_list("again", newer)
    assert (screened.version, screened.entries) == (expected.version, expected.entries)

    # The next registration clears what the killed one left; only the copies in use remain.
    again = register_list("sites", newer)
    lists = home / "lists"
    assert temporaries(lists) == []
    copies = sorted(p.name for p in lists.glob("sites.*.csv"))
    assert Path(again.source).name in copies
    assert len(copies) <= 2  # this version's, and the one it replaced


def test_a_stale_temporary_of_a_live_process_is_kept(home: Path) -> None:
    register_list("sites", SITES)
    lists = home / "lists"
    mine = lists / f".sites.csv.{os.getpid()}-0123abcd.tmp"
    gone = lists / ".sites.csv.999999999-0123abcd.tmp"  # no such process
    other = lists / "notes.tmp"  # not ours: never touched
    for path in (mine, gone, other):
        path.write_bytes(b"x" * 1000)
    register_list("sites", SITES)
    assert temporaries(lists) == sorted([mine.name, other.name])


def test_a_registration_from_before_per_version_copies_still_reads(home: Path) -> None:
    info = register_list("sites", SITES)
    lists = home / "lists"
    sidecar = lists / "sites.meta.json"
    data = json.loads(sidecar.read_text())
    Path(info.source).rename(lists / "sites.csv")
    del data["file"]
    sidecar.write_text(json.dumps(data))
    assert load_list("sites").info.version == info.version
    assert load_list("sites").info.source == str(lists / "sites.csv")
    register_list("sites", SITES)  # the old copy is the one replaced: kept once, then gone
    register_list("sites", SITES)
    assert not (lists / "sites.csv").exists()
    assert all(re.fullmatch(r"sites\.[0-9a-f]{16}\.csv", p.name) for p in lists.glob("*.csv"))
