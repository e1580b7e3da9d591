"""Correctional-industries programs: the bundled list, name matching, and the prison rule."""

from __future__ import annotations

import copy
import csv
from typing import Any

import pytest

from subtier.app.check import check
from subtier.core.model import Chain
from subtier.core.policy import Finding, Policy, Severity
from subtier.core.screen import RiskList, Strength, make_record
from subtier.core.screen.programs import ProgramList, screen_programs
from subtier.lists.programs import programs
from tests.conftest import ROOT

CURATED = ROOT.parent / "shared" / "data" / "curated" / "correctional_industries.csv"
COMPANIES = ROOT.parent / "shared" / "bench" / "companies" / "list.csv"


@pytest.fixture(scope="module")
def plist() -> ProgramList:
    return programs()


def best(plist: ProgramList, name: str, state: str | None = None) -> tuple[str, Strength] | None:
    [found] = screen_programs([make_record("q", name, state=state)], plist)
    return None if found is None else (found.entry_id, found.strength)


def test_bundled_list_is_the_curated_one(plist: ProgramList) -> None:
    with CURATED.open(encoding="utf-8") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    assert [p.id for p in plist.programs] == ids
    assert plist.info.kind == "correctional-industries"
    assert plist.info.entries == 57


def test_every_program_matches_by_its_own_name_and_aliases(plist: ProgramList) -> None:
    """Each program's name and each alias that is not a short form or a generic name find
    that program for certain, given its state."""
    for program in plist.programs:
        for name in program.names:
            found = best(plist, name.text, program.state)
            assert found is not None, (program.id, name.text)
            # A few aliases are shared ("Division of Correctional Industries": NY and UT).
            assert found[1] is Strength.MATCH, (program.id, name.text)


@pytest.mark.parametrize(
    ("name", "state", "expected"),
    [
        ("Oklahoma Correctional Industries", None, "us-ok-oci"),
        ("OKLAHOMA CORRECTIONAL INDUSTRIES INC", None, "us-ok-oci"),
        ("Oklahma Correctional Industries", None, "us-ok-oci"),  # a typo
        ("Oklahoma Correctional Industry", "OK", "us-ok-oci"),  # singular
        ("OK Correctional Industries", None, "us-ok-oci"),
        ("Oklahoma CI", None, "us-ok-oci"),  # state and initials
        ("OCI", "OK", "us-ok-oci"),  # the acronym in its state
        ("ACI", "AZ", "us-az-aci"),
        ("A.C.I.", "AR", "us-ar-aci"),
        ("PIA", "CA", "us-ca-calpia"),
        ("CALPIA", None, "us-ca-calpia"),
        ("UNICOR", None, "us-fed-unicor"),
        ("Federal Prison Industries, Inc.", "CA", "us-fed-unicor"),
        ("PEN Products", "IN", "us-in-pen"),
        ("Rough Rider Industries", "ND", "us-nd-rri"),
        ("Correctional Industries", "WA", "us-wa-ci"),  # generic, told by its state
        ("Corcraft", None, "us-ny-corcraft"),
        ("PRIDE Enterprises", "FL", "us-fl-pride"),
    ],
)
def test_program_names_people_write(
    plist: ProgramList, name: str, state: str | None, expected: str
) -> None:
    assert best(plist, name, state) == (expected, Strength.MATCH)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("ACI Worldwide", "NE"),
        ("ACI Worldwide", None),
        ("PCI Pharma Services", "PA"),
        ("Pride Mobility Products", "PA"),
        ("Pride Mobility Products", None),
        ("OCI", "TX"),  # the acronym in another state
        ("ProCom", "NJ"),
        ("Corrections Corporation of America", "TN"),
        ("Oklahoma Department of Corrections", "OK"),
        ("Pennsylvania Railroad", "PA"),
        ("Tennessee Valley Authority", "TN"),
        ("Monsexgur Industrial Inc.", None),
    ],
)
def test_not_programs(plist: ProgramList, name: str, state: str | None) -> None:
    assert best(plist, name, state) is None


def test_acronym_alone_is_weak(plist: ProgramList) -> None:
    [found] = screen_programs([make_record("q", "ACI")], plist)
    assert found is not None
    assert found.strength is Strength.POSSIBLE
    assert found.score < 0.7


def test_no_company_of_the_benchmark_list_is_a_program(plist: ProgramList) -> None:
    """50,000 made-up company names, with legal forms, industries and towns: none is a program
    (a list written for another purpose, never tuned on)."""
    with COMPANIES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    records = [make_record(r["id"], r["name"]) for r in rows]
    matched = screen_programs(records, plist)
    assert [(r["name"], m.entry_id) for r, m in zip(rows, matched, strict=True) if m] == []


# The prison rule ---------------------------------------------------------------------------


def prison(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "no-prison-labor"]


def chain_with(example_data: dict[str, Any], **changes: Any) -> Chain:
    """The reference case with the Taft site at an ordinary street address, and changes."""
    data = copy.deepcopy(example_data)
    for site in data["sites"]:
        if site["id"] == "taft":
            site["address"] = "200 W Main St"
    for org in data["organizations"]:
        if org["id"] == "oci":
            org.update(changes.pop("oci", {}))
    for key, value in changes.items():
        data[key] = value
    return Chain.model_validate(data)


def run(chain: Chain, policy: Policy, facility_list: RiskList) -> list[Finding]:
    return prison(check(chain, policy, [facility_list], programs=programs()).findings)


def test_taft_at_an_ordinary_address_is_still_prison_labor(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    chain = chain_with(example_data)
    assert prison(check(chain, default_policy, [facility_list]).findings) == []  # no program list
    [finding] = run(chain, default_policy, facility_list)
    assert finding.severity is Severity.CRITICAL
    assert finding.subject_id == "taft"
    assert finding.path == ("campaign", "vendor", "procom", "oci", "taft")
    assert "Oklahoma Correctional Industries" in finding.summary
    assert "ProCom" in finding.summary  # the private party above the work (ILO C29)
    assert finding.evidence[0].entry_id == "us-ok-oci"
    assert finding.evidence[0].list == "correctional-industries"


@pytest.mark.parametrize(
    "name",
    ["CALPIA", "UNICOR", "Federal Prison Industries", "PEN Products", "Rough Rider Industries"],
)
def test_supplier_named_as_a_program(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList, name: str
) -> None:
    chain = chain_with(example_data, oci={"name": name, "state": None, "type": "company"})
    [finding] = run(chain, default_policy, facility_list)
    assert finding.subject_id == "taft"
    assert finding.severity is Severity.CRITICAL


def test_supplier_declared_a_program_by_type(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    chain = chain_with(
        example_data, oci={"name": "Labor Partners", "type": "correctional-industries"}
    )
    [finding] = run(chain, default_policy, facility_list)
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence[0].reasons == "declared a correctional-industries program in the chain"


def test_pay_going_to_a_program(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    data = copy.deepcopy(example_data)
    data["engagements"] = [e for e in data["engagements"] if e["id"] != "labor"]
    data["workforces"][0].update(engagement="callcenter", paid_to="oci")
    data["engagements"].append(
        {"id": "fees", "buyer": "procom", "supplier": "oci", "service": "program fees"}
    )
    chain = chain_with(data)
    [finding] = run(chain, default_policy, facility_list)
    assert finding.subject_id == "taft"
    assert "pay goes to Oklahoma Correctional Industries" in finding.summary


def test_site_operated_by_a_program(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    data = copy.deepcopy(example_data)
    for site in data["sites"]:
        if site["id"] == "taft":
            site["operator"] = "oci"
    data["engagements"] = [e for e in data["engagements"] if e["id"] != "labor"]
    data["workforces"] = []
    data["engagements"].append({"id": "labor", "buyer": "procom", "supplier": "oci"})
    [finding] = run(chain_with(data), default_policy, facility_list)
    assert "is operated by Oklahoma Correctional Industries" in finding.summary


def test_program_with_no_site_is_reported_itself(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    data = copy.deepcopy(example_data)
    data["engagements"] = [
        {**e, "sites": []} if e["id"] == "labor" else e for e in data["engagements"]
    ]
    data["workforces"] = []
    chain = chain_with(data)
    [finding] = run(chain, default_policy, facility_list)
    assert finding.subject_kind == "organization"
    assert finding.subject_id == "oci"
    assert finding.path == ("campaign", "vendor", "procom", "oci")


def test_acronym_alone_is_reported_two_severities_lower(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    chain = chain_with(example_data, oci={"name": "OCI", "state": None, "city": None})
    [finding] = run(chain, default_policy, facility_list)
    assert finding.severity is Severity.MEDIUM
    assert "may be a correctional-industries program" in finding.summary


def test_lookalike_suppliers_are_not_prison_labor(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    for name, state in [("ACI Worldwide", "NE"), ("PCI Pharma Services", "PA"),
                        ("Pride Mobility Products", "PA")]:  # fmt: skip
        chain = chain_with(example_data, oci={"name": name, "state": state, "type": "company"})
        assert run(chain, default_policy, facility_list) == [], name


def test_public_only_work_keeps_the_c29_note(
    example_data: dict[str, Any], facility_list: RiskList
) -> None:
    """With the C29 exemption on, prison work for public bodies only is not flagged; work that
    a private party is above still is."""
    policy = Policy.model_validate(
        {"subtier-policy": 1, "rules": {"no-prison-labor": {"c29_exemption": True}}}
    )
    [finding] = run(chain_with(example_data), policy, facility_list)
    assert "ILO C29 exemption for prison labour does not apply" in finding.summary
    data = copy.deepcopy(example_data)
    for org in data["organizations"]:
        if org["id"] in ("campaign", "vendor", "procom"):
            org["type"] = "agency"
    assert run(chain_with(data), policy, facility_list) == []


def test_an_organization_at_a_facility_says_how_sure_its_program_match_is(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    data = copy.deepcopy(example_data)
    data["engagements"] = [
        {**e, "sites": []} if e["id"] == "labor" else e for e in data["engagements"]
    ]
    data["workforces"] = []
    chain = chain_with(
        data,
        oci={
            "name": "Unicor Federal Prison Industries",
            "type": "company",
            "state": "OK",
            "address": "601 N Oak St",
            "city": "Taft",
            "zip": "74463",
        },
    )
    [finding] = [f for f in run(chain, default_policy, facility_list) if f.subject_id == "oci"]
    assert "is located at DR. EDDIE WARRIOR CORRECTIONAL CENTER" in finding.summary
    assert "It may be a correctional-industries program (Federal Prison Industries" in (
        finding.summary
    )
    assert "It is may be" not in finding.summary
