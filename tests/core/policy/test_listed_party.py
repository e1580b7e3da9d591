"""Lists with kinds: sanctioned, forced-labor, PEP and watch-listed parties reported as such."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from subtier.app.check import check
from subtier.core.model import Chain
from subtier.core.policy import Finding, Policy, Severity
from subtier.core.screen import RiskList
from subtier.core.screen.kinds import ListKind, kind_from_metadata, parse_kind
from subtier.lists import facilities, load_list
from subtier.lists.csvlist import load_csv_list
from subtier.lists.ftm import load_ftm_list
from subtier.lists.programs import programs
from tests.conftest import ROOT, run_cli

T1 = ROOT.parent / "shared" / "data" / "opensanctions_yente" / "t1_entities.ftm.json"


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUBTIER_HOME", str(tmp_path / "home"))


def chain(supplier: dict[str, Any], site: dict[str, Any] | None = None) -> Chain:
    data: dict[str, Any] = {
        "subtier": 1,
        "name": "listed test",
        "root": "buyer",
        "organizations": [
            {"id": "buyer", "name": "Acme Campaign", "type": "campaign", "country": "US"},
            {"id": "prime", "name": "Prime Calls LLC", "country": "US", "state": "NJ"},
            {"id": "sub", **supplier},
        ],
        "engagements": [
            {"id": "e1", "buyer": "buyer", "supplier": "prime", "service": "calls",
             "subcontractors_disclosed": True},
            {"id": "e2", "buyer": "prime", "supplier": "sub", "service": "data entry",
             "subcontractors_disclosed": True, "sites": ["s1"] if site else []},
        ],
        "sites": [{"id": "s1", "operator": "sub", **site}] if site else [],
    }  # fmt: skip
    return Chain.model_validate(data)


def listed(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "listed-party"]


def run(c: Chain, policy: Policy, *extra: RiskList) -> list[Finding]:
    result = check(c, policy, [facilities(), *extra], programs=programs())
    return result.findings


def test_inter_tobacco_is_a_sanctions_finding(default_policy: Policy) -> None:
    sanctions = load_ftm_list(T1)
    assert sanctions.info.kind is ListKind.SANCTIONS  # its entities' topics say so
    findings = run(chain({"name": "Inter Tobacco LLC", "country": "BY"}), default_policy, sanctions)
    [finding] = listed(findings)
    assert finding.severity is Severity.CRITICAL
    assert finding.subject_id == "sub"
    assert finding.path == ("buyer", "prime", "sub")
    assert "is on a sanctions list" in finding.summary
    assert "Inter Tobacco" in finding.summary
    assert "Sanctioned" in finding.summary  # the entry's topic, as people read it
    assert "eu_fsf" in finding.summary  # and its dataset
    assert "correctional" not in finding.summary.lower()
    [evidence] = finding.evidence
    assert evidence.score == 1.0
    assert evidence.reasons.startswith("name: same")
    assert not [f for f in findings if f.rule == "no-prison-labor"]


def test_a_sanctioned_person_is_found_and_said_to_need_confirming(default_policy: Policy) -> None:
    sanctions = load_ftm_list(T1)
    person = {"name": "Vitaly Kuzmenko", "type": "individual"}
    [finding] = listed(run(chain(person), default_policy, sanctions))
    assert "KUZMENKO" in finding.summary
    assert "confirm with a date of birth" in finding.summary


def test_a_watch_list_hit_reads_as_one(tmp_path: Path, default_policy: Policy) -> None:
    path = tmp_path / "watch.csv"
    path.write_text(
        "id,name,address,city,state,zip\nW1,Known Bad Call Shop,12 Elm St,Tulsa,OK,74103\n"
    )
    watch = load_csv_list(path)
    assert watch.info.kind is ListKind.WATCH  # a list that says nothing of itself
    c = chain({"name": "Known Bad Call Shop", "country": "US"}, {"name": "Tulsa floor",
              "address": "12 Elm St", "city": "Tulsa", "state": "OK", "zip": "74103"})  # fmt: skip
    found = listed(run(c, default_policy, watch))
    assert {f.subject_kind for f in found} == {"organization", "site"}
    for finding in found:
        assert "is on your list WATCH (entry W1 Known Bad Call Shop" in finding.summary
        assert "correctional" not in finding.summary.lower()
        assert finding.severity is Severity.HIGH  # the default policy's watch severity
    lowered = Policy.model_validate(
        {"subtier-policy": 1, "rules": {"listed-party": {"watch": "low"}}}
    )
    assert {f.severity for f in listed(run(c, lowered, watch))} == {Severity.LOW}
    assert not [f for f in run(c, default_policy, watch) if f.rule == "no-prison-labor"]


def test_a_facility_list_of_ones_own_is_still_a_prison_list(
    tmp_path: Path, default_policy: Policy
) -> None:
    path = tmp_path / "jails.csv"
    path.write_text("id,name,address,city,state,zip,kind\nJ1,County Jail Annex,12 Elm St,Tulsa,OK,74103,facilities\n")  # fmt: skip
    jails = load_csv_list(path)
    assert jails.info.kind is ListKind.FACILITIES
    c = chain({"name": "Floor Co"}, {"name": "Tulsa floor", "address": "12 Elm St",
                                     "city": "Tulsa", "state": "OK", "zip": "74103"})  # fmt: skip
    findings = run(c, default_policy, jails)
    assert [f.rule for f in findings if f.subject_kind == "site"] == ["no-prison-labor"]


def test_ftm_programs_topics_and_nested_sanctions(tmp_path: Path) -> None:
    path = tmp_path / "list.ftm.json"
    lines = [
        {"id": "c1", "schema": "Company", "properties": {"name": ["Cotton Mill Ltd"],
         "topics": ["forced.labor", "sanction"], "country": ["cn"]}, "datasets": ["us_dhs_uflpa"],
         "target": True, "first_seen": "2023-01-02T00:00:00", "last_seen": "2026-10-01T00:00:00"},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"],
         "authority": ["DHS"], "program": ["UFLPA Entity List"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Jane Roe"], "sanctions": [
            {"schema": "Sanction", "properties": {"program": ["SDGT"], "authority": ["US OFAC"]}}]}},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    loaded = load_ftm_list(path)
    assert loaded.info.kind is ListKind.FORCED_LABOR
    assert loaded.info.data_date == "2026-10-01"
    mill = loaded.details["c1"]
    assert mill.topics == ("forced.labor", "sanction")
    assert mill.topic_labels == ("Forced labor", "Sanctioned")
    assert mill.programs == ("DHS: UFLPA Entity List",)
    assert mill.datasets == ("us_dhs_uflpa",)
    assert mill.target is True
    assert loaded.details["p1"].programs == ("US OFAC: SDGT",)


def test_targets_simple_csv_columns_are_read(tmp_path: Path, default_policy: Policy) -> None:
    path = tmp_path / "targets.simple.csv"
    path.write_text(
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
        "emails,dataset,first_seen,last_seen,last_change\n"
        'NK-1,Company,Northwind Dialing LLC,"NWD Calls;Northwind Teleservices",,us,'
        '"88 Harbor Rd, Bangor, ME 04401",EIN 12-3456789,"US OFAC: SDGT",,,US OFAC SDN,'
        "2024-01-01,2026-11-01,2026-11-01\n"
    )
    loaded = load_csv_list(path)
    assert loaded.info.kind is ListKind.SANCTIONS
    [record] = loaded.records
    assert [n.text for n in record.names][1:] == ["nwd calls", "northwind teleservices"]
    assert record.address is not None
    assert record.address.zip5 == "04401"
    assert record.identifiers == {"id": "EIN 12-3456789"}
    assert loaded.details["NK-1"].programs == ("US OFAC: SDGT",)
    # Found by an alias, reported with its program.
    [finding] = listed(run(chain({"name": "Northwind Teleservices"}), default_policy, loaded))
    assert "US OFAC: SDGT" in finding.summary


def test_csv_identifiers_with_schemes_and_a_mixed_kind_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("id,name,identifiers,kind\nA,Acme,ein:12-3;lei:5493,pep\nB,Beta,,watch\n")
    with pytest.raises(Exception, match="one list, one kind") as raised:
        load_csv_list(path)
    assert "line 3" in str(raised.value) or getattr(raised.value, "line", None) == 3
    path.write_text("id,name,identifiers,kind\nA,Acme,ein:12-3;lei:5493,PEP\n")
    loaded = load_csv_list(path)
    assert loaded.info.kind is ListKind.PEP
    assert loaded.records[0].identifiers == {"ein": "12-3", "lei": "5493"}


def test_kind_given_when_registering_wins(tmp_path: Path) -> None:
    path = tmp_path / "fl.csv"
    path.write_text("id,name\nF1,Cotton Mill Ltd\n")
    done = run_cli("lists", "add", "fl", str(path), "--kind", "forced-labor")
    assert done.returncode == 0, done.stderr
    assert load_list("fl").info.kind is ListKind.FORCED_LABOR
    shown = run_cli("lists")
    assert "forced-labor" in shown.stdout
    bad = run_cli("lists", "add", "x", str(path), "--kind", "prison")
    assert bad.returncode == 2
    assert "unknown list kind 'prison'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_kind_words() -> None:
    assert parse_kind("Forced labour") is ListKind.FORCED_LABOR
    assert parse_kind("sanction") is ListKind.SANCTIONS
    assert kind_from_metadata(["role.pep"], []) is ListKind.PEP
    assert kind_from_metadata(["sanction"], ["us_dhs_uflpa"]) is ListKind.FORCED_LABOR
    assert kind_from_metadata([], []) is None


def test_old_facility_data_is_flagged_in_every_report(tmp_path: Path) -> None:
    info = facilities().info
    assert info.stale(date(2026, 12, 1))
    assert not info.stale(date(2022, 6, 1))
    example = ROOT / "examples" / "procom-2019.yaml"
    text = run_cli("check", str(example)).stdout
    assert "warning: list facilities holds data of 2022-02-18, more than a year old" in text
    data = json.loads(run_cli("check", str(example), "--format", "json").stdout)
    [bundled] = [i for i in data["lists"] if i["name"] == "facilities"]
    assert bundled["stale"] is True
    assert bundled["kind"] == "facilities"


def test_the_opensanctions_recipe_shows_real_output() -> None:
    """docs/opensanctions.md quotes what the commands print."""
    doc = (ROOT / "docs" / "opensanctions.md").read_text(encoding="utf-8")
    assert run_cli("lists", "add", "eu-fsf", str(T1)).returncode == 0
    done = run_cli("check", "examples/sanctioned-subcontractor.yaml", "--list", "eu-fsf")
    assert done.returncode == 1
    block = doc.split("```text\n")[2].split("```")[0]
    for line in block.splitlines():
        assert line.rstrip() in done.stdout, line
