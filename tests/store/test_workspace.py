"""The workspace on SQLite and PostgreSQL: versions, diffs, the audit trail, crashes, concurrency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from subtier.core.model import Chain
from subtier.core.model.diff import diff_chains
from subtier.formats import load_chain
from subtier.store import Workspace

from ..conftest import EXAMPLE, ROOT


def _variant(address: str) -> Chain:
    data = yaml.safe_load(EXAMPLE.read_text())
    for site in data["sites"]:
        if site["id"] == "taft":
            site["address"] = address
    return Chain.model_validate(data)


def test_versions_are_added_and_kept(database_url: str) -> None:
    with Workspace(database_url) as ws:
        first, new = ws.add_chain(load_chain(EXAMPLE), key="procom", by="alice")
        assert (first.version, new) == (1, True)
        again, new = ws.add_chain(load_chain(EXAMPLE), key="procom", by="alice")
        assert (again.version, new) == (1, False)
        second, new = ws.add_chain(_variant("400 Oak St"), key="procom", by="bob")
        assert (second.version, new) == (2, True)
        assert [(v.version, v.created_by) for v in ws.versions("procom")] == [
            (1, "alice"),
            (2, "bob"),
        ]
        _, old = ws.chain("procom", 1)
        latest, current = ws.chain("procom")
        assert latest.version == 2
        changes = diff_chains(old, current)
        assert [(c.section, c.id, c.kind) for c in changes] == [("sites", "taft", "changed")]
        assert changes[0].fields == {"address": ("601 N Oak St", "400 Oak St")}
        count, broken = ws.verify_audit()
        assert (count, broken) == (2, None)


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        ("UPDATE audit SET actor = 'mallory' WHERE seq = 3", 3, "edited"),
        ("DELETE FROM audit WHERE seq = 2", 2, "missing"),
    ],
    ids=["edited", "deleted"],
)
def test_a_tampered_audit_row_is_named(
    database_url: str, tamper: str, seq: int, reason: str
) -> None:
    with Workspace(database_url) as ws:
        for n in range(4):
            ws.add_chain(_variant(f"{600 + n} N Oak St"), key="procom")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(tamper))
    engine.dispose()
    with Workspace(database_url) as ws:
        _, broken = ws.verify_audit()
    assert broken is not None
    assert broken.seq == seq
    assert reason in broken.reason


def _cli(database_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SUBTIER_DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "subtier", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _big_chain(path: Path, sites: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_chain import write

    return write(path, sites)


@pytest.mark.slow
def test_sigkill_during_an_import_leaves_the_workspace_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    with Workspace(database_url) as ws:
        ws.add_chain(load_chain(EXAMPLE), key="big")
    big = _big_chain(tmp_path / "big.json", 20_000)
    done = _cli(database_url, "add", str(big), "--as", "big")
    assert done.wait(120) == 0, done.stderr.read() if done.stderr else ""
    timings: list[float] = []
    for delay in (0.3, 0.8, 1.3, 1.8, 2.3):
        proc = _cli(database_url, "add", str(big), "--as", "big2")
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        timings.append(delay)
        with Workspace(database_url) as ws:
            versions = [v.version for v in ws.versions("big2")]
            assert versions in ([], [1]), versions  # nothing, or one whole version
            if versions:
                _, chain = ws.chain("big2")
                assert len(chain.sites) == 20_000
            _count, broken = ws.verify_audit()
            assert broken is None
            assert [v.version for v in ws.versions("big")] == [1, 2]
    assert timings


@pytest.mark.slow
def test_two_processes_adding_at_once_lose_nothing(database_url: str, tmp_path: Path) -> None:
    files = []
    for n in range(10):
        path = tmp_path / f"v{n}.yaml"
        data = yaml.safe_load(EXAMPLE.read_text())
        data["sites"][1]["address"] = f"{100 + n} N Oak St"
        path.write_text(yaml.safe_dump(data))
        files.append(path)
    script = (
        "import sys\n"
        "from subtier.formats import load_chain\n"
        "from subtier.store import Workspace\n"
        "ws = Workspace(sys.argv[1])\n"
        "for f in sys.argv[3:]:\n"
        "    ws.add_chain(load_chain(f), key=sys.argv[2], by=sys.argv[2])\n"
    )
    with Workspace(database_url):
        pass  # create the schema once, as a user's first command would
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url, key, *map(str, files)], cwd=ROOT
        )
        for key in ("left", "right")
    ]
    assert [p.wait(120) for p in procs] == [0, 0]
    with Workspace(database_url) as ws:
        for key in ("left", "right"):
            assert [v.version for v in ws.versions(key)] == list(range(1, 11))
        count, broken = ws.verify_audit()
    assert (count, broken) == (20, None)


@pytest.mark.slow
def test_adding_and_reviewing_at_once_lose_nothing(database_url: str, tmp_path: Path) -> None:
    from subtier.app.monitor import monitor
    from subtier.formats import load_policy

    with Workspace(database_url) as ws:
        ws.add_chain(load_chain(EXAMPLE), key="base")
        [first] = monitor(ws, load_policy())
        refs = [t.ref for t in first.new]
    files = []
    for n in range(10):
        path = tmp_path / f"v{n}.yaml"
        data = yaml.safe_load(EXAMPLE.read_text())
        data["sites"][1]["address"] = f"{100 + n} N Oak St"
        path.write_text(yaml.safe_dump(data))
        files.append(str(path))
    adder = (
        "import sys\n"
        "from subtier.formats import load_chain\n"
        "from subtier.store import Workspace\n"
        "ws = Workspace(sys.argv[1])\n"
        "for f in sys.argv[2:]:\n"
        "    ws.add_chain(load_chain(f), key='other')\n"
    )
    reviewer = (
        "import sys\n"
        "from subtier.store import Workspace\n"
        "ws = Workspace(sys.argv[1])\n"
        "for i, ref in enumerate(sys.argv[2:] * 2):\n"
        "    ws.decide('base', ref, 'dismiss' if i % 2 else 'confirm', f'round {i}', by='rev')\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", adder, database_url, *files], cwd=ROOT),
        subprocess.Popen([sys.executable, "-c", reviewer, database_url, *refs], cwd=ROOT),
    ]
    assert [p.wait(120) for p in procs] == [0, 0]
    with Workspace(database_url) as ws:
        assert [v.version for v in ws.versions("other")] == list(range(1, 11))
        decisions = ws.decisions("base")
        assert len(decisions) == len(refs)
        count, broken = ws.verify_audit()
    # chain.add base, check.run, 10 chain.add other, 2 decisions per finding
    assert broken is None
    assert count == 2 + 10 + 2 * len(refs)
