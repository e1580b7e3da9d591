"""OCDS import: release and record packages, releases and JSON lines become chains."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from subtier.app.check import check
from subtier.core.model import ChainGraph, Money, OrgType, Per, validate_chain
from subtier.errors import InputError
from subtier.formats import load_policy
from subtier.formats.ocds import load_ocds_chain
from subtier.lists import facilities
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "ocds"
RELEASES = FIXTURES / "release-package.json"
RECORDS = FIXTURES / "record-package.json"
SUBCONTRACTING = FIXTURES / "subcontracting.json"

LKV = "US-LKV-ELECTIONS"
NORTHWIND = "US-EIN-12-3456789"
BLUEBELL = "US-EIN-98-7654321"


def _package() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RELEASES.read_text(encoding="utf-8"))
    return data


def _write(tmp_path: Path, data: Any, name: str = "x.ocds.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_release_package_organizations() -> None:
    chain = load_ocds_chain(RELEASES)
    assert chain.name == "Lakeview County Elections Office (example)"
    assert chain.root == LKV
    assert chain.sites == []
    orgs = chain.organizations_by_id
    assert set(orgs) == {LKV, NORTHWIND, BLUEBELL}
    assert orgs[LKV].type is OrgType.AGENCY
    assert orgs[NORTHWIND].type is OrgType.COMPANY
    assert orgs[BLUEBELL].identifiers == {"us-ein": "98-7654321"}


def test_parties_are_merged_across_releases() -> None:
    orgs = load_ocds_chain(RELEASES).organizations_by_id
    northwind = orgs[NORTHWIND]
    # Identifiers of both releases; the later release's name wins, the other is an alias.
    assert northwind.identifiers == {"us-ein": "12-3456789", "us-uei": "NWO1234567AB"}
    assert northwind.name == "Northwind Outreach"
    assert northwind.aliases == ["Northwind Outreach LLC"]
    assert (northwind.address, northwind.city, northwind.state, northwind.zip) == (
        "200 Harbor Way",
        "Lakeview",
        "OR",
        "97630",
    )
    # The buyer's address comes only from the second release.
    assert orgs[LKV].address == "1 Courthouse Sq"
    assert orgs[LKV].country == "US"


def test_release_package_engagements() -> None:
    chain = load_ocds_chain(RELEASES)
    engagements = chain.engagements_by_id
    assert list(engagements) == [
        f"LKV-A-001-{NORTHWIND}",
        f"LKV-A-001-{BLUEBELL}",
        f"LKV-A-002-{NORTHWIND}",
    ]
    calls = engagements[f"LKV-A-001-{NORTHWIND}"]
    assert (calls.buyer, calls.supplier) == (LKV, NORTHWIND)
    assert calls.service == "Voter-contact calls and mailers"
    assert (calls.start, calls.end) == (date(2024, 3, 1), date(2024, 11, 5))
    # One award value for two suppliers is no one supplier's price.
    assert calls.price is None
    assert engagements[f"LKV-A-001-{BLUEBELL}"].supplier == BLUEBELL
    recruiting = engagements[f"LKV-A-002-{NORTHWIND}"]
    # No award title: the tender's; the contract's value and period win over the award's.
    assert recruiting.service == "Poll worker recruitment calls"
    assert recruiting.price == Money(amount=47500.5, per=Per.TOTAL, currency="USD")
    assert (recruiting.start, recruiting.end) == (date(2024, 4, 20), date(2024, 10, 31))
    assert recruiting.source == "ocds-x0xx00-lkv-2024-002"
    graph = ChainGraph.build(chain)
    assert graph.org_tier == {LKV: 0, NORTHWIND: 1, BLUEBELL: 1}


def test_record_package_uses_compiled_release_else_last_release() -> None:
    chain = load_ocds_chain(RECORDS)
    assert chain.name == "https://example.org/ocds/records/harbor-city.json"
    assert chain.root == "HBC-PW"
    orgs = chain.organizations_by_id
    assert set(orgs) == {"HBC-PW", "GB-COH-09506232", "HBC-SUP-7"}
    assert orgs["GB-COH-09506232"].identifiers == {"gb-coh": "09506232"}
    assert orgs["GB-COH-09506232"].country == "United Kingdom"
    janitorial, staffing = chain.engagements
    assert janitorial.service == "Janitorial services for city buildings"
    assert janitorial.price == Money(amount=250000, per=Per.TOTAL, currency="GBP")
    assert (janitorial.start, janitorial.end) == (date(2024, 3, 1), date(2025, 2, 28))
    assert (staffing.buyer, staffing.supplier) == ("HBC-PW", "HBC-SUP-7")
    assert staffing.service == "Temporary staff for the recycling depot"
    assert staffing.price is None


def test_subcontractors_are_tier_two() -> None:
    chain = load_ocds_chain(SUBCONTRACTING)
    graph = ChainGraph.build(chain)
    assert graph.org_tier == {"RVS-DOC": 0, "RVS-V-100": 1, "RVS-V-200": 2, "RVS-V-300": 2}
    engagements = chain.engagements_by_id
    prime = engagements["RVS-A-7-RVS-V-100"]
    assert prime.subcontractors_disclosed is True
    assert prime.price == Money(amount=900000, per=Per.TOTAL)
    overflow = engagements["RVS-A-7-RVS-V-100-RVS-V-200"]
    assert (overflow.buyer, overflow.supplier) == ("RVS-V-100", "RVS-V-200")
    assert overflow.service == "Overflow call handling"
    assert overflow.price == Money(amount=150000, per=Per.TOTAL)
    assert (overflow.start, overflow.end) == (date(2024, 10, 1), date(2025, 9, 30))
    # Named by the contract only: the award's service, no price or dates of its own.
    printing = engagements["RVS-A-7-RVS-V-100-RVS-V-300"]
    assert printing.buyer == "RVS-V-100"
    assert printing.service == "Contact centre operation"
    assert printing.price is None
    meridian = chain.organizations_by_id["RVS-V-200"]
    assert meridian.type is OrgType.COMPANY
    assert (meridian.city, meridian.state) == ("Taft", "OK")


def test_single_release_and_json_lines(tmp_path: Path) -> None:
    releases = _package()["releases"]
    single = load_ocds_chain(_write(tmp_path, releases[1], "one.json"))
    assert single.name == "Poll worker recruitment calls"
    assert [e.supplier for e in single.engagements] == [NORTHWIND]
    lines = tmp_path / "releases.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in releases) + "\n", encoding="utf-8")
    chain = load_ocds_chain(lines)
    assert chain.name == "Voter outreach services"
    assert len(chain.engagements) == 3


def test_the_same_release_twice_gives_one_engagement(tmp_path: Path) -> None:
    data = _package()
    data["releases"].append(data["releases"][1])
    chain = load_ocds_chain(_write(tmp_path, data))
    assert len(chain.engagements) == 3


@pytest.mark.parametrize("path", [RELEASES, RECORDS, SUBCONTRACTING])
def test_chains_validate_and_check(path: Path) -> None:
    chain = load_ocds_chain(path)
    assert validate_chain(chain) == []
    result = check(chain, load_policy(), [facilities()])
    assert result.chain is chain
    assert result.graph.unreachable() == []


# -- errors -----------------------------------------------------------------------------------


def test_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "releases": [\n    {"ocid": "x",}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_ocds_chain(path)
    assert (error.value.file, error.value.line) == (str(path), 3)
    assert "not JSON" in str(error.value)


def test_bad_json_line_names_the_line(tmp_path: Path) -> None:
    releases = _package()["releases"]
    path = tmp_path / "releases.jsonl"
    path.write_text(f"{json.dumps(releases[0])}\n\n{{oops\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_ocds_chain(path)
    assert error.value.line == 3
    assert str(error.value).startswith(f"{path}:3: not JSON")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"uri": "https://example.org", "releases": []}, "no releases"),
        ({"uri": "https://example.org", "records": []}, "no releases"),
        ({"uri": "https://example.org"}, "no 'releases', 'records' or 'ocid'"),
        ([], "no releases"),
    ],
)
def test_no_releases(tmp_path: Path, data: Any, expected: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(InputError, match=expected) as error:
        load_ocds_chain(path)
    assert error.value.file == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_ocds_chain(tmp_path / "absent.json")


def test_supplier_not_in_parties_names_release_and_award(tmp_path: Path) -> None:
    data = _package()
    data["releases"][0]["awards"][0]["suppliers"][1]["id"] = "US-EIN-00-0000000"
    with pytest.raises(InputError) as error:
        load_ocds_chain(_write(tmp_path, data))
    message = str(error.value)
    assert error.value.field == "releases[0].awards[0].suppliers[1].id"
    assert "release 'ocds-x0xx00-lkv-2024-001-award'" in message
    assert "award 'LKV-A-001' supplier 'US-EIN-00-0000000'" in message
    assert "not in parties" in message


def _two_buyers() -> dict[str, Any]:
    data = _package()
    second = data["releases"][1]
    second["parties"][0] = {"id": "US-LKV-PARKS", "name": "Lakeview Parks Dept", "roles": ["buyer"]}
    second["buyer"] = {"id": "US-LKV-PARKS", "name": "Lakeview Parks Dept"}
    return data


def test_ambiguous_buyers_are_listed(tmp_path: Path) -> None:
    path = _write(tmp_path, _two_buyers())
    with pytest.raises(InputError) as error:
        load_ocds_chain(path)
    message = str(error.value)
    assert "more than one buyer" in message
    assert f"'{LKV}' (Lakeview County Elections Office)" in message
    assert "'US-LKV-PARKS' (Lakeview Parks Dept)" in message
    assert "root=ID" in message


def test_root_chooses_the_buyer_s_chain(tmp_path: Path) -> None:
    path = _write(tmp_path, _two_buyers())
    parks = load_ocds_chain(path, root="US-LKV-PARKS")
    assert parks.root == "US-LKV-PARKS"
    assert {o.id for o in parks.organizations} == {"US-LKV-PARKS", NORTHWIND}
    assert [e.id for e in parks.engagements] == [f"LKV-A-002-{NORTHWIND}"]
    county = load_ocds_chain(path, root=LKV)
    assert len(county.engagements) == 2
    with pytest.raises(InputError, match="root 'nobody' is not a buyer"):
        load_ocds_chain(path, root="nobody")


def test_bad_amount_and_date_name_the_field(tmp_path: Path) -> None:
    data = _package()
    data["releases"][1]["contracts"][0]["value"]["amount"] = "lots"
    with pytest.raises(InputError) as error:
        load_ocds_chain(_write(tmp_path, data))
    assert error.value.field == "releases[1].contracts[0].value.amount"
    data = _package()
    data["releases"][0]["awards"][0]["contractPeriod"]["endDate"] = "soon"
    with pytest.raises(InputError) as error:
        load_ocds_chain(_write(tmp_path, data))
    assert error.value.field == "releases[0].awards[0].contractPeriod.endDate"


def test_subcontract_without_main_contractor_among_several_suppliers(tmp_path: Path) -> None:
    data = _package()
    award = data["releases"][0]["awards"][0]
    award["subcontracting"] = {"subcontractors": [{"id": "US-EIN-98-7654321"}]}
    with pytest.raises(InputError, match="main contractor") as error:
        load_ocds_chain(_write(tmp_path, data))
    assert error.value.field == "releases[0].awards[0].subcontracting.subcontractors[0]"


def _cancelling_release(data: dict[str, Any], date_: str) -> dict[str, Any]:
    """A later release of the first process: its award LKV-A-001 is cancelled, and so only
    the award's id and status are given (OCDS merges the rest in from earlier releases)."""
    first = data["releases"][0]
    return {
        "ocid": first["ocid"],
        "id": f"{first['ocid']}-cancel",
        "date": date_,
        "tag": ["awardCancellation"],
        "initiationType": "tender",
        "awards": [{"id": "LKV-A-001", "status": "cancelled"}],
    }


def test_a_later_release_that_cancels_an_award_removes_its_engagements(tmp_path: Path) -> None:
    data = _package()
    data["releases"].append(_cancelling_release(data, "2024-06-01T00:00:00Z"))
    chain = load_ocds_chain(_write(tmp_path, data))
    assert list(chain.engagements_by_id) == [f"LKV-A-002-{NORTHWIND}"]
    # The parties stay: the buyer and the suppliers are organizations of the chain.
    assert {LKV, NORTHWIND, BLUEBELL} <= set(chain.organizations_by_id)


def test_releases_merge_by_date_not_by_file_order(tmp_path: Path) -> None:
    data = _package()
    # The cancellation is dated before the award: the award, published later, stands.
    data["releases"].insert(0, _cancelling_release(data, "2024-01-01T00:00:00Z"))
    chain = load_ocds_chain(_write(tmp_path, data))
    assert f"LKV-A-001-{NORTHWIND}" in chain.engagements_by_id


def test_a_later_release_amends_an_award(tmp_path: Path) -> None:
    data = _package()
    later = _cancelling_release(data, "2024-06-01T00:00:00Z")
    later["awards"] = [{"id": "LKV-A-001", "title": "Voter-contact calls only"}]
    data["releases"].append(later)
    chain = load_ocds_chain(_write(tmp_path, data))
    calls = chain.engagements_by_id[f"LKV-A-001-{NORTHWIND}"]
    assert calls.service == "Voter-contact calls only"
    # Fields the later release does not give are the earlier release's.
    assert (calls.start, calls.end) == (date(2024, 3, 1), date(2024, 11, 5))


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@pytest.mark.parametrize("fixture", [RELEASES, RECORDS, SUBCONTRACTING], ids=lambda p: p.stem)
def test_any_value_of_another_shape_is_a_chain_or_an_input_error(
    tmp_path: Path, fixture: Path
) -> None:
    """Every value of the fixtures replaced, one at a time, by a list, an object, a number, null
    and a boolean: the import gives a chain or an InputError, never another exception."""
    original = json.loads(fixture.read_text(encoding="utf-8"))
    tried = 0
    for path in _paths(original):
        for other in (["x"], {"a": 1}, 7, None, True):
            data = json.loads(json.dumps(original))
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = other
            with contextlib.suppress(InputError):
                load_ocds_chain(_write(tmp_path, data))
            tried += 1
    assert tried > 100
