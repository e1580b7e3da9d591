"""The check end to end on the reference case and its variants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from subtier.app.check import check
from subtier.core.model import Chain
from subtier.core.policy import Finding, Policy, Severity
from subtier.core.screen import RiskList
from subtier.formats import load_chain
from tests.conftest import EXAMPLE

MakeChain = Callable[..., Chain]


def prison_findings(result_findings: list[Finding]) -> list[Finding]:
    return [f for f in result_findings if f.rule == "no-prison-labor"]


def test_reference_case(facility_list: RiskList, default_policy: Policy) -> None:
    result = check(load_chain(EXAMPLE), default_policy, [facility_list])
    [finding] = prison_findings(result.findings)
    assert finding.severity is Severity.CRITICAL
    assert finding.subject_kind == "site"
    assert finding.subject_id == "taft"
    assert finding.path == ("campaign", "vendor", "procom", "taft")
    assert finding.evidence[0].entry_name == "DR. EDDIE WARRIOR CORRECTIONAL CENTER"
    assert finding.evidence[0].entry_id == "10003571"
    assert finding.evidence[0].list_version == facility_list.info.version
    assert "ProCom" in finding.summary  # the private party the work serves (ILO C29)
    assert result.findings[0] is finding  # most severe first
    [flow] = result.wages
    labor_tier = flow.tiers[-1]
    assert labor_tier.price is not None
    assert labor_tier.price.amount == 7.25
    assert flow.shares[-1] == pytest.approx(0.20)
    assert flow.remediation is not None
    assert flow.remediation.gap_per_hour == pytest.approx(13.55)


@pytest.mark.parametrize(
    "site",
    [
        {"address": "400 Oak Street, Taft, Oklahoma"},
        {"address": "601 N Oak St Unit 5", "city": "Taft", "state": "OK", "zip": "74463"},
        {"address": "601 N Oak St", "city": "Taft", "state": "OK"},
        {"name": "Eddie Warrior Correctional Center", "city": "Taft", "state": "OK"},
    ],
)
def test_variants_still_caught(
    make_chain: MakeChain, facility_list: RiskList, default_policy: Policy, site: dict[str, Any]
) -> None:
    result = check(make_chain(**site), default_policy, [facility_list])
    [finding] = prison_findings(result.findings)
    assert finding.subject_id == "taft"
    assert finding.severity.rank >= Severity.HIGH.rank
    assert finding.evidence[0].entry_id == "10003571"


def test_possible_match_is_one_step_lower(
    make_chain: MakeChain, facility_list: RiskList, default_policy: Policy
) -> None:
    result = check(make_chain(address="400 Oak St, Taft, OK"), default_policy, [facility_list])
    [finding] = prison_findings(result.findings)
    assert finding.severity is Severity.HIGH
    assert "may be on the grounds of" in finding.summary


def test_ordinary_vineland_office_has_no_prison_finding(
    make_chain: MakeChain, facility_list: RiskList, default_policy: Policy
) -> None:
    chain = make_chain(address="2 W Landis Ave", city="Vineland", state="NJ", zip="08360")
    result = check(chain, default_policy, [facility_list])
    assert prison_findings(result.findings) == []


def test_manila_site_breaks_domestic_only(
    make_chain: MakeChain, facility_list: RiskList, default_policy: Policy
) -> None:
    chain = make_chain(address="6750 Ayala Ave, Makati", city="Manila", country="Philippines")
    result = check(chain, default_policy, [facility_list])
    [finding] = [f for f in result.findings if f.rule == "domestic-only"]
    assert finding.subject_id == "taft"
    assert finding.severity is Severity.HIGH
    assert "PH" in finding.summary
    assert prison_findings(result.findings) == []


def test_declared_incarcerated_labor_is_flagged_without_a_list_match(
    example_data: dict[str, Any], facility_list: RiskList, default_policy: Policy
) -> None:
    data = dict(example_data)
    data["sites"] = [
        {**s, "address": "2 W Landis Ave", "city": "Vineland", "zip": "08360", "state": "NJ"}
        if s["id"] == "taft"
        else s
        for s in example_data["sites"]
    ]
    data["workforces"] = [{**example_data["workforces"][0], "labor": "incarcerated"}]
    result = check(Chain.model_validate(data), default_policy, [facility_list])
    [finding] = prison_findings(result.findings)
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence[0].reasons == "a workforce here is declared incarcerated"


def test_c29_exemption_applies_only_to_public_work(
    example_data: dict[str, Any], facility_list: RiskList
) -> None:
    policy = Policy.model_validate(
        {
            "subtier-policy": 1,
            "rules": {"no-prison-labor": {"severity": "critical", "c29_exemption": True}},
        }
    )
    # The reference chain serves private parties: still flagged.
    assert prison_findings(check(load_chain(EXAMPLE), policy, [facility_list]).findings)
    # A state agency using its own facility's labor, with no private party: exempt.
    public = {
        "subtier": 1,
        "name": "state print shop",
        "root": "dept",
        "organizations": [
            {"id": "dept", "name": "State Department of Motor Vehicles", "type": "agency"},
            {
                "id": "oci",
                "name": "Oklahoma Correctional Industries",
                "type": "correctional-industries",
            },
        ],
        "sites": [
            {
                "id": "shop",
                "name": "Print shop",
                "operator": "oci",
                "address": "601 N Oak St, Taft, OK 74463",
            }
        ],
        "engagements": [{"id": "plates", "buyer": "dept", "supplier": "oci", "sites": ["shop"]}],
    }
    assert (
        prison_findings(check(Chain.model_validate(public), policy, [facility_list]).findings) == []
    )


def test_rules_off_give_no_findings(facility_list: RiskList) -> None:
    policy = Policy.model_validate(
        {"subtier-policy": 1, "rules": {"wage-floor": {"enabled": False, "severity": "high"}}}
    )
    assert check(load_chain(EXAMPLE), policy, [facility_list]).findings == []


def test_subcontractors_disclosed(facility_list: RiskList, default_policy: Policy) -> None:
    result = check(load_chain(EXAMPLE), default_policy, [facility_list])
    subjects = {f.subject_id: f for f in result.findings if f.rule == "subcontractors-disclosed"}
    assert set(subjects) == {"calls", "callcenter", "labor"}
    assert subjects["labor"].path == ("campaign", "vendor", "procom", "oci")
    assert "has not said whether" in subjects["labor"].summary
    assert "has not disclosed" in subjects["calls"].summary


def test_parallel_screening_gives_the_serial_answer(
    make_chain: MakeChain, facility_list: RiskList, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from subtier.core.screen import Screener

    check_module = importlib.import_module("subtier.parallel.sites")

    chain = make_chain(address="400 Oak St, Taft, OK")
    screener = Screener([facility_list])
    serial = check_module.screen_sites(chain.sites, screener)
    monkeypatch.setattr(check_module, "PARALLEL_MIN_SITES", 0)
    parallel = check_module.screen_sites(chain.sites, screener)
    assert parallel == serial
    assert list(serial) == ["taft"]


def test_a_person_has_no_subcontractors_to_disclose(
    make_chain: MakeChain, facility_list: RiskList, default_policy: Policy
) -> None:
    chain = make_chain(address="1 Main St, Vineland, NJ 08360")
    data = chain.model_dump(mode="json", by_alias=True, exclude_none=True)
    supplier = data["engagements"][0]["supplier"]
    for org in data["organizations"]:
        if org["id"] == supplier:
            org["type"] = "individual"
    person = Chain.model_validate(data)
    rule = "subcontractors-disclosed"
    before = {
        f.subject_id
        for f in check(chain, default_policy, [facility_list]).findings
        if f.rule == rule
    }
    after = {
        f.subject_id
        for f in check(person, default_policy, [facility_list]).findings
        if f.rule == rule
    }
    assert data["engagements"][0]["id"] in before
    assert data["engagements"][0]["id"] not in after


@pytest.mark.parametrize(
    ("address", "code", "said"),
    [
        ("Cebu IT Park, Cebu City, Philippines", "PH", "Philippines"),
        (
            "Whitefield, Bengaluru, KA 560066, IN",
            "IN",
            "India (IN after KA 560066: a region of India)",
        ),
    ],
)
def test_offshore_address_breaks_domestic_only_whatever_its_operator(
    make_chain: MakeChain,
    facility_list: RiskList,
    default_policy: Policy,
    address: str,
    code: str,
    said: str,
) -> None:
    chain = make_chain(address=address)
    assert chain.organizations_by_id["procom"].country == "US"  # the site's operator
    result = check(chain, default_policy, [facility_list])
    [finding] = [f for f in result.findings if f.rule == "domestic-only"]
    assert finding.subject_id == "taft"
    assert finding.severity is Severity.HIGH
    assert f"is in {code}" in finding.summary
    assert finding.evidence[0].reasons == f"country from the address text: {said}"


@pytest.mark.parametrize(
    "site",
    [
        {"address": "1 Monument Cir, Indianapolis, IN 46204"},
        {"address": "1 Main St, Portland, OR"},
        {"address": "1 Main St, Paris, TX 75460"},
        {"address": "3400 Georgia Ave NW, Washington, DC"},
        {"address": "1 Main St", "city": "Manila", "state": "AR"},
    ],
)
def test_us_addresses_with_ambiguous_tails_stay_domestic(
    make_chain: MakeChain, facility_list: RiskList, default_policy: Policy, site: dict[str, Any]
) -> None:
    result = check(make_chain(**site), default_policy, [facility_list])
    assert [f for f in result.findings if f.rule == "domestic-only"] == []


def _paid_to_program(example_data: dict[str, Any], **workforce: Any) -> Chain:
    data = dict(example_data)
    data["workforces"] = [{**example_data["workforces"][0], "paid_to": "oci", **workforce}]
    return Chain.model_validate(data)


def test_pay_to_an_organization_below_the_floor_is_a_violation(
    example_data: dict[str, Any], facility_list: RiskList, default_policy: Policy
) -> None:
    result = check(_paid_to_program(example_data), default_policy, [facility_list])
    [finding] = [f for f in result.findings if f.rule == "wage-floor"]
    assert finding.severity is Severity.HIGH
    assert finding.subject_id == "taft-callers"
    assert finding.summary == (
        "Workers at Taft call center: at most USD 1.45 an hour reaches the worker"
        " (paid to Oklahoma Correctional Industries), below the floor of USD 15.00."
        " Raising it to the floor costs at least USD 13.55 per hour worked"
        " (at least USD 2,348.67 per full-time worker-month)."
    )
    assert "an upper bound on what reaches the worker" in finding.evidence[0].reasons


def test_pay_to_an_organization_above_the_floor_cannot_be_verified(
    example_data: dict[str, Any], facility_list: RiskList, default_policy: Policy
) -> None:
    chain = _paid_to_program(example_data, pay={"amount": 16, "per": "hour"})
    result = check(chain, default_policy, [facility_list])
    wage = [f for f in result.findings if f.rule == "wage-floor"]
    info = [f for f in wage if f.severity is Severity.INFO]
    assert len(info) == 1
    assert "at most USD 16.00 an hour reaches the worker" in info[0].summary
    # 16 an hour is also more than the 7.25 the program is paid for the work.
    [low] = [f for f in wage if f.severity is Severity.LOW]
    assert "USD 16.00 an hour" in low.summary
    assert "USD 7.25 an hour ProCom pays Oklahoma Correctional Industries" in low.summary


def test_pay_above_the_price_of_the_work_is_flagged(
    example_data: dict[str, Any], facility_list: RiskList, default_policy: Policy
) -> None:
    data = dict(example_data)
    data["workforces"] = [{**example_data["workforces"][0], "pay": {"amount": 20, "per": "hour"}}]
    result = check(Chain.model_validate(data), default_policy, [facility_list])
    [finding] = [f for f in result.findings if f.rule == "wage-floor"]
    assert finding.severity is Severity.LOW
    assert finding.summary == (
        "Workers at Taft call center: the pay of USD 20.00 an hour to workers is more than the"
        " USD 7.25 an hour ProCom pays Oklahoma Correctional Industries for the work; one of"
        " the figures is wrong, so the wage cannot be relied on."
    )
    assert finding.evidence[0].reasons == "pay: $20.00/hour; price of engagement labor: $7.25/hour"
