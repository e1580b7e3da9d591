"""FollowTheMoney out and in: a chain as FtM entities, and back to the same chain and check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from followthemoney import EntityProxy, model, registry

from subtier.app.check import CheckResult, check
from subtier.core.model import Chain
from subtier.core.policy import Policy
from subtier.core.screen import RiskList
from subtier.errors import InputError
from subtier.formats import load_chain
from subtier.formats.ftm_chain import SCHEMA_OF_TYPE, load_ftm_chain, read_ftm_chain, read_marker
from subtier.report.ftm import TOPICS, export_ftm, write_ftm
from subtier.report.json import finding_dict, wage_dict
from tests.conftest import EXAMPLE, ROOT
from tests.paths import FIXTURES

DONATIONS = FIXTURES / "ftm" / "donations_sample.ijson"


def manila_variant(example: dict[str, Any]) -> Chain:
    """The reference case with an offshore tier: a Manila site, paid by the month, in pesos."""
    data = copy.deepcopy(example)
    data["organizations"].append(
        {
            "id": "manila-bpo",
            "name": "Manila BPO Inc.",
            "aliases": ["MBPO"],
            "country": "PH",
            "address": "6750 Ayala Avenue",
            "city": "Makati",
            "zip": "1226",
            "identifiers": {"duns": "123456789", "opensanctions": "NK-abc"},
        }
    )
    data["sites"].append(
        {
            "id": "manila",
            "name": "Manila call center",
            "operator": "manila-bpo",
            "address": "6750 Ayala Avenue",
            "city": "Manila",
            "zip": "1226",
            "country": "PH",
            "latitude": 14.5995,
            "longitude": 120.9842,
            "activities": ["inbound calls", "chat support"],
            "source": "https://example.org/manila-site",
        }
    )
    data["engagements"].append(
        {
            "id": "offshore",
            "buyer": "procom",
            "supplier": "manila-bpo",
            "service": "overflow calls",
            "sites": ["manila"],
            "price": {"amount": 6.5, "per": "hour", "currency": "USD"},
            "start": "2019-11-01",
            "end": "2020-02-29",
            "subcontractors_disclosed": True,
        }
    )
    data["workforces"].append(
        {
            "id": "manila-agents",
            "site": "manila",
            "engagement": "offshore",
            "labor": "employee",
            "headcount": 120,
            "pay": {"amount": 18000, "per": "month", "currency": "PHP"},
            "deductions": 0.05,
            "hours_per_week": 45,
            "hours": 52000,
            "source": "https://example.org/payroll-2019-12",
        }
    )
    return Chain.model_validate(data)


def awkward_variant(example: dict[str, Any]) -> Chain:
    """Values FtM would clean, drop or cannot hold: all must come back as they were."""
    data = manila_variant(example).model_dump(mode="json", exclude_none=True)
    orgs = {o["id"]: o for o in data["organizations"]}
    orgs["vendor"].update(
        type="unknown",
        name="Acme  Staffing",  # FtM collapses the double space
        aliases=["Acme", "Acme"],  # and drops the repeated alias
        identifiers={"lei": "NOT-A-LEI", "ein": "12-3456789", "registrationnumber": "R-1"},
        source="Annual report 2019, page 4",  # not a URL
    )
    orgs["manila-bpo"].update(type="nonprofit", country="Philippines")
    orgs["oci"]["type"] = "correctional-industries"
    data["organizations"].append({"id": "jo", "name": "Jo Doe", "type": "individual"})
    data["sites"].append(
        {"id": "home", "name": "Jo's home office", "operator": "jo", "activities": ["x", "x"]}
    )
    data["engagements"].append(
        {"id": "sub", "buyer": "manila-bpo", "supplier": "jo", "sites": ["home"]}
    )
    data["engagements"][0]["price"] = {"amount": 125000.5, "per": "total", "currency": "USD"}
    data["workforces"].append({"site": "home", "engagement": "sub", "paid_to": "jo"})
    data["workforces"].append(
        {"site": "manila", "engagement": "offshore", "paid_to": "manila-bpo", "labor": "agency"}
    )
    data["description"] = "A variant with values FtM cannot hold as they are."
    return Chain.model_validate(data)


@pytest.fixture
def procom() -> Chain:
    return load_chain(EXAMPLE)


def run(chain: Chain, policy: Policy, facilities: RiskList) -> CheckResult:
    return check(chain, policy, [facilities])


def through_file(entities: list[EntityProxy], tmp_path: Path) -> Chain:
    path = tmp_path / "chain.ftm.json"
    write_ftm(entities, path)
    return load_ftm_chain(path)


def summary(result: CheckResult) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    return [
        (f.rule, f.severity.value, f.subject_kind, f.subject_id, f.path) for f in result.findings
    ]


def by_schema(entities: list[EntityProxy], schema: str) -> list[EntityProxy]:
    return [e for e in entities if e.schema.name == schema]


def marked(entities: list[EntityProxy], kind: str, chain_id: str) -> EntityProxy:
    [found] = [
        e
        for e in entities
        if (m := read_marker(e)) is not None and m["kind"] == kind and m.get("id") == chain_id
    ]
    return found


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["procom", "manila", "awkward"])
def test_round_trip_gives_the_same_chain_and_check(
    variant: str,
    procom: Chain,
    example_data: dict[str, Any],
    default_policy: Policy,
    facility_list: RiskList,
    tmp_path: Path,
) -> None:
    chain = {
        "procom": procom,
        "manila": manila_variant(example_data),
        "awkward": awkward_variant(example_data),
    }[variant]
    before = run(chain, default_policy, facility_list)
    back = through_file(export_ftm(chain, before), tmp_path)
    # Nothing is lost: organizations, sites, engagements and workforces, every field.
    for section in ("organizations", "sites", "engagements", "workforces"):
        assert getattr(back, section) == getattr(chain, section), section
    assert back == chain
    after = run(back, default_policy, facility_list)
    assert summary(after) == summary(before)
    assert [finding_dict(f) for f in after.findings] == [finding_dict(f) for f in before.findings]
    assert [wage_dict(w) for w in after.wages] == [wage_dict(w) for w in before.wages]


def test_manila_variant_is_judged(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    result = run(manila_variant(example_data), default_policy, facility_list)
    assert ("domestic-only", "high", "site", "manila") in [s[:4] for s in summary(result)]
    [flow] = [w for w in result.wages if w.workforce == "manila-agents"]
    assert flow.worker_hourly is not None
    assert flow.worker_hourly.currency == "PHP"


def test_export_is_stable(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList, tmp_path: Path
) -> None:
    chain = awkward_variant(example_data)
    result = run(chain, default_policy, facility_list)
    write_ftm(export_ftm(chain, result), tmp_path / "a.ftm.json")
    write_ftm(export_ftm(chain, result), tmp_path / "b.ftm.json")
    first = (tmp_path / "a.ftm.json").read_bytes()
    assert first == (tmp_path / "b.ftm.json").read_bytes()
    ids = [json.loads(line)["id"] for line in first.splitlines()]
    assert len(ids) == len(set(ids))
    # The ids derive from the chain's name: another chain's entities do not collide.
    renamed = chain.model_copy(update={"name": "another chain"})
    assert not set(ids) & {e.id for e in export_ftm(renamed)}


# -- every entity is valid FtM -----------------------------------------------------------------


def test_every_entity_validates(
    example_data: dict[str, Any], default_policy: Policy, facility_list: RiskList
) -> None:
    chain = awkward_variant(example_data)
    entities = export_ftm(chain, run(chain, default_policy, facility_list))
    by_id = {e.id: e for e in entities}
    for entity in entities:
        data = entity.to_dict()
        entity.schema.validate({"properties": entity.properties})  # raises on a bad value
        again = model.get_proxy(data, cleaned=False)  # cleaned again: nothing changes
        assert again.to_dict() == data
        for name in entity.schema.required:
            if entity.schema.name == "Payment" and name == "beneficiary":
                if not entity.has(name):  # pay to the workers: said so, not invented
                    assert "paid to the workers themselves" in (entity.first("summary") or "")
                continue
            assert entity.has(name), (entity.schema.name, name)
        for prop, value in entity.itervalues():
            if prop.type == registry.entity:
                assert value in by_id, (entity.schema.name, prop.name)
                assert prop.range is not None
                assert by_id[value].schema.is_a(prop.range), (entity.schema.name, prop.name)
            if prop.type == registry.topic:
                assert value in registry.topic.names


def test_topics_are_ftm_topics() -> None:
    for topic in TOPICS.values():
        assert topic in registry.topic.names


def test_docs_match_the_mapping() -> None:
    text = (ROOT / "docs" / "ftm.md").read_text(encoding="utf-8")
    for rule, topic in TOPICS.items():
        assert f"| `{rule}` | `{topic}` |" in text, rule
    for schema in dict.fromkeys(SCHEMA_OF_TYPE.values()):
        types = " or ".join(t.value for t, s in SCHEMA_OF_TYPE.items() if s == schema)
        assert f"| organization, `type` {types} | `{schema}` |" in text, schema


# -- the mapping -------------------------------------------------------------------------------


def test_organizations_map_to_legal_entities(example_data: dict[str, Any]) -> None:
    entities = export_ftm(awkward_variant(example_data))
    schemas = {
        org: marked(entities, "organization", org).schema.name
        for org in ("campaign", "vendor", "procom", "oci", "manila-bpo", "jo")
    }
    assert schemas == {
        "campaign": "Organization",
        "vendor": "Company",  # type unknown
        "procom": "Company",
        "oci": "PublicBody",
        "manila-bpo": "Organization",  # nonprofit
        "jo": "Person",
    }
    campaign = marked(entities, "organization", "campaign")
    assert campaign.get("registrationNumber") == ["C00728154"]  # the FEC committee id
    assert campaign.get("address") == ["New York, NY"]
    vendor = marked(entities, "organization", "vendor")
    assert vendor.get("taxNumber") == ["12-3456789"]
    assert vendor.get("leiCode") == []  # not a valid LEI: FtM drops it, the marker keeps it
    assert read_marker(vendor) is not None
    mbpo = marked(entities, "organization", "manila-bpo")
    assert mbpo.get("country") == ["ph"]
    assert mbpo.get("dunsCode") == ["123456789"]
    [address] = mbpo.get("addressEntity")
    parts = {e.id: e for e in entities}[address]
    assert parts.schema.name == "Address"
    assert parts.get("street") == ["6750 Ayala Avenue"]
    assert parts.get("postalCode") == ["1226"]


def test_site_is_an_address_linked_to_its_operator(example_data: dict[str, Any]) -> None:
    entities = export_ftm(manila_variant(example_data))
    site = marked(entities, "site", "manila")
    assert site.schema.name == "Address"
    assert site.to_dict()["properties"] | {"description": None} == {
        "name": ["Manila call center"],
        "full": ["6750 Ayala Avenue, Manila, 1226"],
        "street": ["6750 Ayala Avenue"],
        "city": ["Manila"],
        "postalCode": ["1226"],
        "country": ["ph"],
        "latitude": ["14.5995"],
        "longitude": ["120.9842"],
        "keywords": ["inbound calls", "chat support"],
        "sourceUrl": ["https://example.org/manila-site"],
        "description": None,
    }
    # FtM holds every field of this site: the marker only names it.
    assert read_marker(site) == {"kind": "site", "id": "manila"}
    operator = marked(entities, "organization", "manila-bpo")
    [link] = [e for e in by_schema(entities, "UnknownLink") if e.get("object") == [site.id]]
    assert link.get("subject") == [operator.id]
    # An organization's addressEntity is its own address, never a site it runs.
    assert site.id not in operator.get("addressEntity")


def test_engagement_is_a_contract_and_an_award(example_data: dict[str, Any]) -> None:
    entities = export_ftm(awkward_variant(example_data))
    ids = {o: marked(entities, "organization", o).id for o in ("procom", "manila-bpo")}
    contract = marked(entities, "engagement", "offshore")
    assert contract.get("title") == ["overflow calls"]
    assert contract.get("authority") == [ids["procom"]]
    assert contract.get("addressEntity") == [marked(entities, "site", "manila").id]
    assert contract.get("amount") == []  # an hourly rate is not the contract's value
    assert "subcontractors disclosed: yes" in contract.get("summary")[0]
    [award] = [
        e for e in by_schema(entities, "ContractAward") if e.get("contract") == [contract.id]
    ]
    assert award.get("supplier") == [ids["manila-bpo"]]
    assert award.get("amount") == ["6.5"]
    assert award.get("currency") == ["USD"]
    assert award.get("summary") == ["6.5 USD per hour"]
    assert award.get("startDate") == ["2019-11-01"]
    assert award.get("endDate") == ["2020-02-29"]
    total = marked(entities, "engagement", "calls")
    assert total.get("amount") == ["125000.5"]
    assert total.get("currency") == ["USD"]
    assert read_marker(total) == {
        "kind": "engagement",
        "id": "calls",
        "subcontractors_disclosed": False,
    }


def test_workforce_is_a_payment(example_data: dict[str, Any]) -> None:
    entities = export_ftm(awkward_variant(example_data))
    payment = marked(entities, "workforce", "manila-agents")
    assert payment.schema.name == "Payment"
    assert payment.get("payer") == [marked(entities, "organization", "manila-bpo").id]
    assert payment.get("beneficiary") == []  # paid to the workers
    assert payment.get("contract") == [marked(entities, "engagement", "offshore").id]
    assert payment.get("amount") == ["18000"]
    assert payment.get("currency") == ["PHP"]
    assert payment.get("purpose") == ["pay for employee labor, per month"]
    [text] = payment.get("summary")
    assert text.startswith("18000 PHP per month; paid to the workers themselves")
    assert "120 workers at Manila call center; 45 hours a week" in text
    marker = read_marker(payment)
    assert marker is not None
    assert set(marker) == {"kind", "id", "site", "labor", "headcount", "deductions"} | {
        "hours_per_week",
        "hours",
    }
    # Pay handed to an organization: it is the beneficiary.
    taken = [e for e in by_schema(entities, "Payment") if e.has("beneficiary")]
    assert {e.first("beneficiary") for e in taken} == {
        marked(entities, "organization", o).id for o in ("jo", "manila-bpo")
    }


def test_findings_are_notes(procom: Chain, default_policy: Policy, facility_list: RiskList) -> None:
    result = run(procom, default_policy, facility_list)
    entities = export_ftm(procom, result)
    notes = by_schema(entities, "Note")
    assert len(notes) == len(result.findings)
    [prison] = [n for n in notes if n.get("topics")]
    assert prison.get("topics") == ["forced.labor"]
    assert prison.get("entity") == [marked(entities, "site", "taft").id]
    assert prison.get("summary") == [result.findings[0].summary]
    [description] = prison.get("description")
    lines = dict(line.split(": ", 1) for line in description.splitlines())
    assert lines["rule"] == "no-prison-labor"
    assert lines["severity"] == "critical"
    assert lines["subject"] == "site taft"
    assert lines["path"] == "campaign > vendor > procom > taft"
    assert "10003571 DR. EDDIE WARRIOR CORRECTIONAL CENTER" in lines["evidence"]
    [wage] = [n for n in notes if "rule: wage-floor" in n.get("description")[0]]
    # A Payment is not a Thing: a workforce's Note is on its site and its engagement.
    assert wage.get("entity") == [
        marked(entities, "site", "taft").id,
        marked(entities, "engagement", "labor").id,
    ]
    # Without a check result, no notes.
    assert not by_schema(export_ftm(procom), "Note")


# -- FtM from elsewhere ------------------------------------------------------------------------


def entity(id: str, schema: str, **props: list[str]) -> dict[str, Any]:
    return {"id": id, "schema": schema, "properties": props}


def write_lines(path: Path, *items: dict[str, Any] | str) -> Path:
    lines = [i if isinstance(i, str) else json.dumps(i) for i in items]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


GENERIC = [
    entity("city-hall", "PublicBody", name=["City of Springfield"], country=["us"]),
    entity(
        "acme",
        "Company",
        name=["ACME Corp", "Acme Corporation"],
        registrationNumber=["12345"],
        leiCode=["529900T8BM49AURSDO55"],
        addressEntity=["acme-hq"],
    ),
    entity("acme-hq", "Address", street=["1 Main St"], city=["Springfield"], country=["us"]),
    entity("callco", "Organization", name=["CallCo"]),
    entity("plant", "Address", full=["9 Mill Rd, Shelbyville, IL 62565"], latitude=["39.4"]),
    entity(
        "c1",
        "Contract",
        title=["Call handling"],
        authority=["city-hall"],
        addressEntity=["plant"],
        amount=["50000"],
        currency=["usd"],
    ),
    entity("c1-award", "ContractAward", contract=["c1"], supplier=["acme"]),
    entity("link", "UnknownLink", subject=["acme"], object=["callco"], role=["overflow calls"]),
    entity("op", "UnknownLink", subject=["callco"], object=["plant"]),
    entity("pay", "Payment", payer=["city-hall"], beneficiary=["acme"], amount=["10"]),
    entity("person", "Person", name=["Some One"]),
]


def test_generic_ftm_becomes_a_chain(tmp_path: Path) -> None:
    chain = load_ftm_chain(write_lines(tmp_path / "generic.ftm.json", *GENERIC))
    assert chain.name == "generic"
    assert chain.root == "city-hall"  # buys, never supplies
    orgs = chain.organizations_by_id
    assert list(orgs) == ["city-hall", "acme", "callco", "person"]
    assert orgs["city-hall"].type.value == "agency"
    assert orgs["city-hall"].country == "US"
    assert orgs["acme"].aliases == ["Acme Corporation"]
    assert orgs["acme"].identifiers == {
        "registrationnumber": "12345",  # as FtM screening lists name them
        "leicode": "529900T8BM49AURSDO55",
    }
    assert (orgs["acme"].address, orgs["acme"].city) == ("1 Main St", "Springfield")
    assert orgs["callco"].type.value == "unknown"
    assert orgs["person"].type.value == "individual"
    # Only the Address linked as a work site is a site; the company's own address is not.
    [site] = chain.sites
    assert (site.id, site.name, site.operator) == (
        "plant",
        "9 Mill Rd, Shelbyville, IL 62565",
        "callco",
    )
    assert site.address == "9 Mill Rd, Shelbyville, IL 62565"
    assert site.latitude == 39.4
    contract, link = chain.engagements
    assert (contract.id, contract.buyer, contract.supplier) == ("c1", "city-hall", "acme")
    assert contract.service == "Call handling"
    assert contract.sites == ["plant"]
    assert contract.price is not None
    assert (contract.price.amount, contract.price.per.value, contract.price.currency) == (
        50000.0,
        "total",
        "USD",
    )
    assert (link.buyer, link.supplier, link.service) == ("acme", "callco", "overflow calls")
    # A Payment without subtier's marker is money, not a workforce.
    assert chain.workforces == []
    # A Contract without an award names no supplier: not an engagement.
    awardless = entity("c9", "Contract", title=["t"], authority=["acme"])
    again = load_ftm_chain(write_lines(tmp_path / "more.ftm.json", *GENERIC, awardless))
    assert again.engagements == chain.engagements


def test_real_ftm_sample_needs_a_root(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_ftm_chain(DONATIONS)
    assert caught.value.file == str(DONATIONS)
    assert "root buyer cannot be told among 4 organizations" in str(caught.value)
    chain = load_ftm_chain(DONATIONS, root="6d03aec76fdeec8f9697d8b19954ab6fc2568bc8")
    assert chain.root == "6d03aec76fdeec8f9697d8b19954ab6fc2568bc8"
    assert chain.organizations_by_id[chain.root].name == "MLPD"
    assert chain.engagements == []  # donations are not engagements
    assert chain.workforces == []
    people = [o for o in chain.organizations if o.type.value == "individual"]
    assert people
    assert all(p.country == "DE" for p in people)
    assert any(p.address == "Schillerstraße 19" for p in people)


def test_root_can_be_chosen(tmp_path: Path) -> None:
    items = [*GENERIC, entity("c2", "Contract", title=["x"], authority=["person"])]
    items.append(entity("c2-award", "ContractAward", contract=["c2"], supplier=["callco"]))
    path = write_lines(tmp_path / "two.ftm.json", *items)
    with pytest.raises(InputError, match=r"'city-hall', 'person'.*root"):
        load_ftm_chain(path)
    assert load_ftm_chain(path, root="person").root == "person"
    with pytest.raises(InputError, match="'nobody' is not an organization"):
        load_ftm_chain(path, root="nobody")


def test_marked_root_wins_over_inference(procom: Chain) -> None:
    entities = export_ftm(procom)
    assert read_ftm_chain(entities).root == "campaign"
    assert read_ftm_chain(entities, root="vendor").root == "vendor"


def test_json_array_file(procom: Chain, tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    path.write_text(json.dumps([e.to_dict() for e in export_ftm(procom)]), encoding="utf-8")
    assert load_ftm_chain(path) == procom


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps(entity("x", "Spaceship", name=["X"])), "unknown FtM schema 'Spaceship'"),
        (json.dumps(entity("acme", "Company", name=["Again"])), "duplicate entity id 'acme'"),
        (
            json.dumps(entity("a2", "ContractAward", contract=["zz"], supplier=["acme"])),
            "contract 'zz'",
        ),
        (
            json.dumps(entity("o", "Company", name=["O"], description=["subtier/1 {nope"])),
            "bad subtier marker",
        ),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    path = write_lines(tmp_path / "bad.ftm.json", *GENERIC[:4], bad, *GENERIC[4:])
    with pytest.raises(InputError, match=message) as caught:
        load_ftm_chain(path)
    assert caught.value.file == str(path)
    assert caught.value.line == 5


def test_award_without_buyer_names_its_contract(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "bad.ftm.json",
        *GENERIC,
        entity("c3", "Contract", title=["t"]),
        entity("c3-award", "ContractAward", contract=["c3"], supplier=["acme"]),
    )
    with pytest.raises(InputError, match="Contract without 'authority'") as caught:
        load_ftm_chain(path)
    assert caught.value.line == len(GENERIC) + 1


def test_chain_problems_name_the_entity(tmp_path: Path) -> None:
    # A cycle: callco hires the city that hired acme that hired callco.
    path = write_lines(
        tmp_path / "cycle.ftm.json",
        *GENERIC,
        entity("back", "UnknownLink", subject=["callco"], object=["city-hall"]),
    )
    with pytest.raises(InputError, match="no root organization"):
        load_ftm_chain(path)
    with pytest.raises(InputError, match="cycle") as caught:
        load_ftm_chain(path, root="city-hall")
    assert caught.value.line == len(GENERIC) + 1
    assert "UnknownLink back" in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_ftm_chain(tmp_path / "nope.ftm.json")
