"""FollowTheMoney lists: real OpenSanctions entities, address references, and bad files."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from subtier.core.normalize.addresses import parse_address
from subtier.core.normalize.names import normalize_name
from subtier.core.screen import Record, Screener, Strength, make_record
from subtier.errors import InputError
from subtier.lists.ftm import load_ftm_list, read_ftm_list
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures" / "ftm"
T1 = FIXTURES / "t1_entities.ftm.json"
DONATIONS = FIXTURES / "donations_sample.ijson"

IRGC = "NK-2PacmNpiLUmoz4XD2mSt7A"
INTER_TOBACCO = "NK-2GdmHtZTeNXjNVrBGEXZNj"
KUZMENKO = "NK-2Ka3UvopqbpZmVDFjWd4LA"
PEOPLE = {
    KUZMENKO,
    "NK-2KeUB68qUJtykm3BuAcazG",
    "NK-2Mht2rqBeravCTdyQAWc4o",
    "NK-2Myxbs6wX9xFKGoQn3sLaY",
}


def by_id(records: Any) -> dict[str, Record]:
    return {r.id: r for r in records}


def write_lines(path: Path, *entities: dict[str, Any] | str) -> Path:
    lines = [e if isinstance(e, str) else json.dumps(e) for e in entities]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def entity(id: str, schema: str, **props: list[str]) -> dict[str, Any]:
    return {"id": id, "schema": schema, "properties": props}


def test_t1_entities_become_entries() -> None:
    risk_list, stats = read_ftm_list(T1)
    records = by_id(risk_list.records)
    # 2 organisations and 4 people; the Address entity is not an entry.
    assert set(records) == {IRGC, INTER_TOBACCO, *PEOPLE}
    assert risk_list.info.entries == 6
    assert risk_list.info.name == "t1_entities"
    assert risk_list.info.source == str(T1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\+sha256:[0-9a-f]{12}", risk_list.info.version)
    assert stats.addresses == 1
    assert stats.other == {}
    # Both organisations refer to address entities the file does not hold.
    assert stats.unresolved == 2


def test_irgc_has_its_aliases_and_country() -> None:
    irgc = by_id(load_ftm_list(T1).records)[IRGC]
    assert irgc.name == "IRGC"  # the caption
    assert normalize_name("Iranian Revolutionary Guard Corps") in irgc.names
    assert irgc.country == "ir"
    assert irgc.address is None


def test_every_name_of_an_entity_is_kept() -> None:
    tobacco = by_id(load_ftm_list(T1).records)[INTER_TOBACCO]
    assert tobacco.name == "RAB „Inter Tobacco“"
    source = json.loads(T1.read_text(encoding="utf-8").splitlines()[0])
    assert {normalize_name(n) for n in source["properties"]["name"]} == set(tobacco.names)


def test_identifiers_use_the_property_name_as_scheme() -> None:
    records = by_id(load_ftm_list(T1).records)
    assert records[INTER_TOBACCO].identifiers == {"registrationnumber": "808000714"}
    assert records[KUZMENKO].identifiers == {"taxnumber": "366510784303"}


def test_people_are_entries_with_nationality_as_country() -> None:
    records = by_id(load_ftm_list(T1).records)
    assert records[KUZMENKO].name == "Vitaly Yurievich KUZMENKO"
    assert records[KUZMENKO].country == "ru"  # no country: nationality
    assert records["NK-2KeUB68qUJtykm3BuAcazG"].country is None


def test_an_alias_finds_the_entry() -> None:
    query = make_record("q", "Iranian Revolutionary Guard Corps", country="IR")
    found = Screener([load_ftm_list(T1)]).screen(query)
    assert [m.entry_id for m in found] == [IRGC]


def test_address_entities_resolve_even_when_they_come_later() -> None:
    risk_list, stats = read_ftm_list(DONATIONS)
    records = by_id(risk_list.records)
    assert len(records) == 4
    assert stats.other == {"Payment": 1}
    assert stats.addresses == 5
    assert stats.unresolved == 0
    assert records["6d03aec76fdeec8f9697d8b19954ab6fc2568bc8"].address is None  # MLPD
    dachner = records["f9c295f21b233ac878fbac4d271bb6fd13d7952a"]
    # Its street and town as the Address entity gives them (the same parts a chain reads).
    assert dachner.address == parse_address(
        "Schillerstraße 19", "76135 Karlsruhe", None, None, "de"
    )
    assert dachner.country == "de"
    # Its first reference is to an Address entity further down the file: that one is used.
    metall = records["831e4ad076f5877c4adcdd406f972a516ec9558b"]
    assert metall.address == parse_address(
        "Uerdinger Straße 58", "40474 Düsseldorf", None, None, "de"
    )
    allianz = records["efccc434cdf141c7ba6f6e539bb6b42ecd97c368"]
    assert allianz.address == parse_address("Königinstraße 28", "80802 München", None, None, "de")


def test_address_parts_and_identifiers_match_a_us_site(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "us.ftm.json",
        entity(
            "co-1",
            "Company",
            name=["Harbor Logistics LLC"],
            jurisdiction=["us"],
            addressEntity=["addr-1"],
            dunsCode=["123456789"],
        ),
        entity(
            "addr-1",
            "Address",
            street=["601 N Oak St"],
            city=["Taft"],
            state=["OK"],
            postalCode=["74463"],
            country=["us"],
        ),
    )
    risk_list = load_ftm_list(path)
    assert risk_list.info.name == "us"
    (record,) = risk_list.records
    assert record.country == "us"  # from jurisdiction
    assert record.address is not None
    assert (record.address.number, record.address.zip5) == ("601", "74463")
    screener = Screener([risk_list])
    by_address = make_record("q", "Some call center", address="601 North Oak Street, Taft OK")
    (found,) = screener.screen(by_address)
    assert (found.entry_id, found.strength) == ("co-1", Strength.MATCH)
    by_number = make_record("q", "Unrelated", identifiers={"dunscode": "123456789"})
    assert [m.entry_id for m in screener.screen(by_number)] == ["co-1"]


def test_aliases_come_from_alias_previous_and_weak_alias(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "a.jsonl",
        entity(
            "o-1",
            "PublicBody",
            name=["Ministry of Works"],
            alias=["MoW"],
            previousName=["Ministry of Public Works"],
            weakAlias=["Works"],
            address=["1 Main St, Springfield, IL 62701"],
            mainCountry=["us"],
        ),
    )
    (record,) = load_ftm_list(path).records
    names = {"Ministry of Works", "MoW", "Ministry of Public Works", "Works"}
    assert set(record.names) == {normalize_name(n) for n in names}
    assert record.country == "us"
    assert record.address is not None
    assert record.address.zip5 == "62701"


def test_a_json_array_file_gives_the_same_list(tmp_path: Path) -> None:
    lines = T1.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "t1.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    assert load_ftm_list(path).records == load_ftm_list(T1).records


def test_bad_json_names_its_line(tmp_path: Path) -> None:
    good = T1.read_text(encoding="utf-8").splitlines()
    path = write_lines(tmp_path / "bad.ftm.json", good[0], good[1], '{"id": "x", "schema": ')
    with pytest.raises(InputError) as caught:
        load_ftm_list(path)
    assert (caught.value.file, caught.value.line) == (str(path), 3)
    assert "not valid JSON" in caught.value.message


def test_bad_json_in_an_array_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n{"id": "a", "schema": "Company"},\n{"id": }\n]\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_ftm_list(path)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"schema": "Company", "properties": {"name": ["A"]}}, "id"),
        ({"id": "", "schema": "Company", "properties": {"name": ["A"]}}, "id"),
        ({"id": "a", "properties": {"name": ["A"]}}, "schema"),
        ({"id": "a", "schema": "Company", "properties": ["A"]}, "properties"),
    ],
)
def test_an_entity_without_id_or_schema_is_an_error(
    tmp_path: Path, line: dict[str, Any], field: str
) -> None:
    path = write_lines(tmp_path / "e.jsonl", entity("ok", "Company", name=["OK"]), line)
    with pytest.raises(InputError) as caught:
        load_ftm_list(path)
    assert (caught.value.line, caught.value.field) == (2, field)


def test_a_line_that_is_not_an_object_is_an_error(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "e.jsonl", entity("ok", "Company", name=["OK"]), "42")
    with pytest.raises(InputError, match="not an entity") as caught:
        load_ftm_list(path)
    assert caught.value.line == 2


def test_an_error_in_an_array_names_the_entity(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text('[{"id": "a", "schema": "Company"}, {"schema": "Company"}]', encoding="utf-8")
    with pytest.raises(InputError, match="entity 2 of the array") as caught:
        load_ftm_list(path)
    assert caught.value.field == "id"


def test_a_duplicate_id_is_an_error(tmp_path: Path) -> None:
    one = entity("same", "Company", name=["A"])
    path = write_lines(tmp_path / "d.jsonl", one, entity("other", "Company", name=["B"]), one)
    with pytest.raises(InputError, match="duplicate") as caught:
        load_ftm_list(path)
    assert caught.value.line == 3


@pytest.mark.parametrize("text", ["", "\n\n", "[]", "\ufeff"])
def test_an_empty_file_is_an_empty_list(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.ftm.json"
    path.write_text(text, encoding="utf-8")
    risk_list = load_ftm_list(path, name="nothing")
    assert risk_list.info.name == "nothing"
    assert risk_list.info.entries == 0
    assert risk_list.records == ()
    assert Screener([risk_list]).screen(make_record("q", "Anyone")) == []


def test_unnamed_entities_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "u.jsonl",
        entity("p-1", "Person", firstName=["Ann"], lastName=["Lee"]),
        entity("c-1", "Company", name=["Named Co"]),
        entity("s-1", "Sanction", entity=["c-1"]),
        entity("v-1", "Vessel", name=["Sea Star"]),
    )
    risk_list, stats = read_ftm_list(path)
    assert [r.id for r in risk_list.records] == ["c-1"]
    assert stats.unnamed == 1
    assert stats.other == {"Sanction": 1, "Vessel": 1}


def test_the_version_changes_with_the_content(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "v.jsonl", entity("c-1", "Company", name=["A"]))
    first = load_ftm_list(path).info.version
    write_lines(path, entity("c-1", "Company", name=["B"]))
    assert load_ftm_list(path).info.version != first


@pytest.mark.parametrize(
    ("entity", "field", "message"),
    [
        ({"name": ["N" * 501]}, "name", "a name of 501 characters"),
        ({"name": ["Acme"], "alias": ["A" * 600]}, "name", "a name of 600 characters"),
        ({"name": ["Acme"], "address": ["1 Main St " * 200]}, "address", "an address of 1,999 characters; addresses are at most 1,000"),
        ({"name": ["Acme"], "addressEntity": 7}, None, None),  # not a reference: no address
    ],
)  # fmt: skip
def test_an_entry_longer_than_a_real_one_refuses_the_list(
    tmp_path: Path, entity: dict[str, Any], field: str | None, message: str | None
) -> None:
    path = tmp_path / "list.ftm.json"
    lines = [
        {"id": "a", "schema": "Company", "properties": {"name": ["Fine"]}},
        {"id": "b", "schema": "Company", "properties": entity},
    ]
    path.write_text("\n".join(json.dumps(e) for e in lines) + "\n", encoding="utf-8")
    if message is None:
        assert load_ftm_list(path).info.entries == 2
        return
    with pytest.raises(InputError, match=message) as caught:
        load_ftm_list(path)
    assert (caught.value.line, caught.value.field) == (2, field)


def test_any_value_of_another_shape_is_a_list_or_an_input_error(tmp_path: Path) -> None:
    """Every value of the first entities replaced, one at a time, by a list in a list, an
    object, a number, null, a boolean: the list loads or the load is an InputError."""
    entities = [json.loads(line) for line in T1.read_text(encoding="utf-8").splitlines()[:3]]
    tried = 0
    for number, entity in enumerate(entities):
        keys = sorted({*entity["properties"], "addressEntity", "address", "alias", "country"})
        for key in keys:
            for other in ([["x"]], {"a": 1}, 7, None, True, [7], [{"a": 1}], "x"):
                changed = json.loads(json.dumps(entities))
                changed[number]["properties"][key] = other
                path = tmp_path / "list.ftm.json"
                path.write_text("\n".join(json.dumps(e) for e in changed), encoding="utf-8")
                with contextlib.suppress(InputError):
                    load_ftm_list(path)
                tried += 1
    assert tried > 50
