"""Monitoring and review on SQLite and PostgreSQL: the issue's scripted scenario and its edges."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from subtier.app.monitor import monitor
from subtier.core.model import Chain
from subtier.errors import InputError
from subtier.formats import load_policy
from subtier.store import Workspace

from ..conftest import EXAMPLE, ROOT

NEW_FACILITY = (
    "99999999,NEW TEST DETENTION CENTER,2 W LANDIS AVE,VINELAND,NJ,08360,US,county,open,100,,"
    "39.486,-75.026,80.0,2,w,landis av\n"
)


def _chain(**vineland: Any) -> Chain:
    data = yaml.safe_load(EXAMPLE.read_text())
    for site in data["sites"]:
        if site["id"] == "vineland":
            site.update({"address": "2 W Landis Ave", "zip": "08360", **vineland})
    return Chain.model_validate(data)


def _facilities_plus_one(tmp_path: Path) -> Path:
    bundled = resources.files("subtier.data").joinpath("facilities.csv").read_text(encoding="utf-8")
    path = tmp_path / "facilities-2.csv"
    path.write_text(bundled + NEW_FACILITY, encoding="utf-8")
    return path


def test_scripted_scenario(database_url: str, tmp_path: Path) -> None:
    policy = load_policy()
    with Workspace(database_url) as ws:
        # 1. add the example chain, then check it
        ws.add_chain(_chain(), key="procom", by="alice")
        [first] = monitor(ws, policy, by="alice")
        assert first.first_run
        assert len(first.new) == 5
        prison = next(t for t in first.new if t.body["rule"] == "no-prison-labor")
        # 2. dismiss one match
        ws.decide("procom", prison.ref, "dismiss", "office verified by site visit", by="bob")
        # 3. update the facility list with one new facility at another site's address
        info = ws.add_list_version("facilities", _facilities_plus_one(tmp_path), by="carol")
        assert info.entries == 6738
        # 4. monitor
        [delta] = monitor(ws, policy, by="alice")
    assert [t.body["subject"]["id"] for t in delta.new] == ["vineland"]
    assert delta.new[0].body["evidence"][0]["entry_id"] == "99999999"
    assert [t.ref for t in delta.suppressed] == [prison.ref]
    assert delta.resolved == []
    assert delta.changed == []
    with Workspace(database_url) as ws:
        count, broken = ws.verify_audit()
        actions = [r.action for r in ws.audit_records()]
    assert broken is None
    assert actions == ["chain.add", "check.run", "review.dismiss", "list.update", "check.run"]
    assert count == 5


def test_a_dismissal_ends_when_the_address_changes(database_url: str) -> None:
    policy = load_policy()
    with Workspace(database_url) as ws:
        ws.add_chain(_chain(), key="procom")
        [first] = monitor(ws, policy)
        prison = next(t for t in first.new if t.body["rule"] == "no-prison-labor")
        ws.decide("procom", prison.ref, "dismiss", "reviewed", by="bob")
        # A new version with the same subject keeps the decision ...
        ws.add_chain(_chain(name="Vineland call center (renamed)"), key="procom")
        [same] = monitor(ws, policy)
        assert [t.ref for t in same.suppressed] == [prison.ref]
        assert same.new == []
        # ... until the evidence changes: the Taft site's address.
        data = _chain().model_dump(mode="json")
        for site in data["sites"]:
            if site["id"] == "taft":
                site["address"] = "601 N Oak St Unit 2"
        ws.add_chain(Chain.model_validate(data), key="procom")
        [moved] = monitor(ws, policy)
    assert moved.suppressed == []
    assert [t.ref for t in moved.changed[0]] == [prison.ref, prison.ref]


def test_a_bad_list_update_keeps_the_old_version(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "facilities-bad.csv"
    bad.write_text("id,name,address\n1,A,1 Main St\n,B,2 Main St\n")
    with Workspace(database_url) as ws:
        before = [i.info.version for i in ws.lists()]
        with pytest.raises(InputError, match=":3"):
            ws.add_list_version("facilities", bad)
        assert [i.info.version for i in ws.lists()] == before
        assert ws.verify_audit() == (0, None)


def test_review_needs_a_known_ref_and_a_reason(database_url: str) -> None:
    with Workspace(database_url) as ws:
        ws.add_chain(_chain(), key="procom")
        with pytest.raises(InputError, match="no run to review"):
            ws.decide("procom", "abc", "dismiss", "why")
        monitor(ws, load_policy())
        with pytest.raises(InputError, match="has the ref"):
            ws.decide("procom", "zzzz", "dismiss", "why")
        with pytest.raises(InputError, match="needs a reason"):
            ws.decide("procom", "a", "dismiss", " ")


def test_monitor_command_exit_codes_and_json(database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "SUBTIER_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "subtier", *args],
            capture_output=True, text=True, cwd=ROOT, env=env, check=False,
        )  # fmt: skip

    chain = tmp_path / "chain.yaml"
    chain.write_text(yaml.safe_dump(_chain().model_dump(mode="json")))
    assert run("add", str(chain), "--as", "procom").returncode == 0
    first = run("monitor", "--format", "json")
    assert first.returncode == 1, first.stderr  # new critical finding
    data = json.loads(first.stdout)
    assert data["chains"][0]["chain"] == "procom"
    assert len(data["chains"][0]["new"]) == 5
    again = run("monitor")
    assert again.returncode == 0
    assert "0 new, 0 resolved, 0 changed" in again.stdout
    ref = next(c["ref"] for c in data["chains"][0]["new"] if c["rule"] == "no-prison-labor")
    decided = run("review", "procom", "--dismiss", ref, "--reason", "checked", "--by", "bob")
    assert decided.returncode == 0, decided.stderr
    listing = run("review", "procom")
    assert "4 to review, 1 decided" in listing.stdout
    assert run("audit", "verify").returncode == 0


def test_a_confirmed_match_feeds_back_into_screening(database_url: str) -> None:
    policy = load_policy()
    data = _chain().model_dump(mode="json")
    for site in data["sites"]:
        if site["id"] == "taft":
            site["address"] = "400 Oak St"  # a possible match: one severity lower
    for org in data["organizations"]:
        if org["id"] == "oci":  # the address alone speaks: no program in the chain
            org.update(name="Labor Partners LLC", type="company")
    with Workspace(database_url) as ws:
        ws.add_chain(Chain.model_validate(data), key="procom")
        [first] = monitor(ws, policy)
        prison = next(t for t in first.new if t.body["rule"] == "no-prison-labor")
        assert prison.severity.value == "high"
        ws.decide("procom", prison.ref, "confirm", "ODOC confirmed the call center", by="dana")
        [after] = monitor(ws, policy)
        [(_before, now)] = after.changed
        assert now.severity.value == "critical"
        assert "confirmed by dana" in now.body["evidence"][0]["reasons"]
        # The address is dropped from a later version: the score alone finds nothing, the
        # confirmation still does.
        for site in data["sites"]:
            if site["id"] == "taft":
                site.pop("address")
                site.pop("zip")
        ws.add_chain(Chain.model_validate(data), key="procom")
        [later] = monitor(ws, policy)
        current = ws.latest_findings("procom")
    assert current is not None
    assert prison.key in {t.key for t in current}
    assert later.resolved == []


def test_check_save_keeps_the_run(database_url: str) -> None:
    env = {**os.environ, "SUBTIER_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "subtier", "check", str(EXAMPLE), "--save", "--as", "procom"],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "saved as procom v1 with 5 finding(s)" in done.stderr
    with Workspace(database_url) as ws:
        current = ws.latest_findings("procom")
        assert current is not None
        assert len(current) == 5
        [delta] = monitor(ws, load_policy())
    assert (delta.new, delta.resolved, delta.changed) == ([], [], [])


def test_one_list_in_force_after_an_update(database_url: str, tmp_path: Path) -> None:
    """After `subtier lists update`, `lists`, `check` and `monitor` report the same version."""
    env = {**os.environ, "SUBTIER_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "subtier", *args],
            capture_output=True, text=True, cwd=ROOT, env=env, check=False,
        )  # fmt: skip

    path = _facilities_plus_one(tmp_path)
    updated = run("lists", "update", "--name", "facilities", "--from", str(path))
    assert updated.returncode == 0, updated.stderr
    version = updated.stdout.split(" is now ")[1].split()[0]
    listing = run("lists")
    rows = [line for line in listing.stdout.splitlines() if line.startswith("│ facilities ")]
    assert len(rows) == 1, listing.stdout  # shown once, the version in force
    assert version in listing.stdout
    chain = tmp_path / "chain.yaml"
    chain.write_text(yaml.safe_dump(_chain().model_dump(mode="json")))
    checked = json.loads(
        run("check", str(chain), "--format", "json", "--list", "facilities").stdout
    )
    assert [i["version"] for i in checked["lists"] if i["name"] == "facilities"] == [version]
    assert any(f["subject"]["id"] == "vineland" for f in checked["findings"])
    assert run("add", str(chain), "--as", "procom").returncode == 0
    monitored = json.loads(run("monitor", "--format", "json").stdout)
    used = {i["name"]: i["version"] for i in monitored["lists"]} if "lists" in monitored else {}
    with Workspace(database_url) as ws:
        [in_force] = [rl.info for rl in ws.lists() if rl.info.name == "facilities"]
    assert in_force.version == version
    assert used.get("facilities", version) == version
    assert any(c["subject"]["id"] == "vineland" for c in monitored["chains"][0]["new"])


def test_new_is_since_monitor_s_last_run_whatever_ran_between(database_url: str) -> None:
    from subtier.app.check import check
    from subtier.core.review import track
    from subtier.lists.programs import programs
    from subtier.report.json import finding_dict

    policy = load_policy()
    data = _chain().model_dump(mode="json")
    for site in data["sites"]:
        if site["id"] == "taft":
            site["address"] = "12 Elm St"
    with Workspace(database_url) as ws:
        ws.add_chain(Chain.model_validate(data), key="procom")
        [first] = monitor(ws, policy)
        assert not any("facilities:10003571" in t.key for t in first.new)
        # Two versions checked by someone else (the web portal checks each answer).
        for chain in (_chain(), _chain(name="Vineland (renamed)")):
            version, _new = ws.add_chain(chain, key="procom", by="portal:procom")
            result = check(chain, policy, ws.lists(), programs=programs())
            tracked = track(result.findings, chain, [finding_dict(f) for f in result.findings])
            ws.record_run(version, tracked, policy.name, result.lists, by="portal:procom")
        [delta] = monitor(ws, policy)
    assert any("facilities:10003571" in t.key for t in delta.new)


def test_reports_show_a_dismissed_finding(database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "SUBTIER_DATABASE_URL": database_url}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "subtier", *args],
            capture_output=True, text=True, cwd=ROOT, env=env, check=False,
        )  # fmt: skip

    assert cli("check", str(EXAMPLE), "--save", "--as", "procom").returncode == 1
    with Workspace(database_url) as ws:
        prison = next(
            t for t in ws.latest_findings("procom") or [] if t.body["rule"] == "no-prison-labor"
        )
        ws.decide("procom", prison.ref, "dismiss", "office verified by site visit", by="bob")
    done = cli("check", str(EXAMPLE), "--save", "--as", "procom", "--format", "json")
    assert "1 dismissed" in done.stderr
    [found] = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "no-prison-labor"]
    assert found["review"]["decision"] == "dismiss"
    assert found["review"]["by"] == "bob"
    text = cli("check", str(EXAMPLE), "--save", "--as", "procom").stdout
    assert "DISMISSED" in text
    assert "office verified by site visit" in text
    html = tmp_path / "report.html"
    cli("check", str(EXAMPLE), "--save", "--as", "procom", "--format", "html", "-o", str(html))
    assert "Dismissed by bob" in html.read_text()
