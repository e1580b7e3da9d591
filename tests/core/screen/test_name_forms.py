"""Company and person names as people write them: legal forms said several ways or typed
with a slip, initials for words, words split in two, and the word that tells two people
apart; addresses from abroad typed with slips."""

from __future__ import annotations

import pytest

from subtier.core.normalize.names import normalize_name
from subtier.core.screen import RiskList, make_record
from subtier.core.screen.engine import score_pair
from subtier.core.screen.lines import house_agrees, line_overlap, line_word
from subtier.core.screen.names import rejoined, spelled_initials


def _forms(name: str) -> tuple[tuple[str, ...], list[str]]:
    norm = normalize_name(name)
    return norm.tokens, sorted(norm.forms)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Acme Inc.", "Acme Corp."),
        ("Acme Corporation", "Acme Co."),
        ("Acme Incorporated", "Acme Corp"),
        ("Acme Co., Ltd.", "Acme Company Limited"),
        ("Acme Co., Ltd.", "Acme Limited"),
        ("Acme Pvt. Ltd.", "Acme Private Limited"),
        ("Acme Pvt. Ltd.", "Acme (Pvt) Ltd"),
        ("Acme LLC", "Acme OOO"),
        ("Acme LLC", "Acme L.L.C."),
        ("Acme LLC", "Acme Limited Liability Company"),
        ("Acme JSC", "Acme Joint Stock Company"),
        ("Acme JSC", "Acme OAO"),
        ("Acme S.A. de C.V.", "Acme SA de CV"),
        ("Acme S.A. de C.V.", "Acme S.A."),
    ],
)
def test_a_legal_form_said_another_way_is_the_same_form(one: str, other: str) -> None:
    assert _forms(one) == _forms(other)
    assert _forms(one)[0] == ("acme", *_forms(one)[1])


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Acme Limited Lieability Cumpany", "Acme LLC"),
        ("Acme Co., Lotd.", "Acme Co., Ltd."),
        ("Acme Lttd", "Acme Ltd"),
        ("Acme Icn.", "Acme Inc."),
        ("Acme Incororated", "Acme Inc."),
        ("Acme Cosporation", "Acme Corporation"),
    ],
)
def test_a_legal_form_typed_with_a_slip_at_the_end_is_read_as_it(typed: str, meant: str) -> None:
    assert _forms(typed) == _forms(meant)


@pytest.mark.parametrize(
    "name", ["Guard Corps", "Green Crop", "Acme Inca", "Corpus Christi", "Acme Co-op"]
)
def test_words_of_their_own_are_not_taken_for_forms(name: str) -> None:
    tokens, forms = _forms(name)
    assert not forms
    assert len(tokens) == len(name.replace("-", " ").split())


def test_initials_are_spelled_out_against_the_other_name() -> None:
    query, entry = ["donmor", "ie", "group"], ["donmor", "import", "export", "group"]
    assert spelled_initials(query, entry) == (["donmor", "import", "export", "group"], entry)
    wac = ["lenrus", "wac"]
    assert spelled_initials(wac, ["lenrus", "wire", "and", "cable"])[0] == [
        "lenrus", "wire", "and", "cable",
    ]  # fmt: skip
    irgc = ["islamic", "revolutionary", "guard", "corps"]
    assert spelled_initials(["irgc"], irgc) == (irgc, irgc)
    # Two letters never stand for the whole of the other name, nor initials for words out
    # of order.
    assert spelled_initials(["nn"], ["nursultan", "nazarbayev"]) == (
        ["nn"],
        ["nursultan", "nazarbayev"],
    )
    assert spelled_initials(["acme", "ei"], ["acme", "import", "export"])[0] == ["acme", "ei"]


def test_a_word_split_in_two_is_rejoined_where_the_other_name_has_it_whole() -> None:
    assert rejoined(["nikolai", "patr", "ushev"], ["nikolai", "patrushev"])[0] == [
        "nikolai",
        "patrushev",
    ]
    assert rejoined(["acme", "toy", "s"], ["acme", "toys"])[0] == ["acme", "toys"]
    assert rejoined(["acme", "toy", "s"], ["acme", "boys"])[0] == ["acme", "toy", "s"]


def test_companies_named_with_initials_or_another_form_match(facility_list: RiskList) -> None:
    entry = make_record("L1", "Donmor Import Export Group Co., Ltd.", country="vn")
    for query in ("Donmor IE Group Co., Ltd.", "Donmor Import Export Group Company Limited"):
        match = score_pair(make_record("q", query, country="vn"), entry, facility_list)
        assert match.score >= 0.7, query
    other = score_pair(make_record("q", "Donmor Import Export JSC"), entry, facility_list)
    assert "legal_form_differs" in {f.name for f in other.features}


def test_two_words_nothing_alike_tell_two_people_apart(facility_list: RiskList) -> None:
    pairs = [
        ("ALI SADDAM HUSSEIN AL-RAWI", "ALI SADDAM HUSSEIN AL-TIKRITI"),
        ("SALEH MOHAMMAD ZADRAN AKHTAR MUHAMMAD", "SALEH MOHAMMAD KAKAR AKHTAR MUHAMMAD"),
    ]
    for one, other in pairs:
        match = score_pair(make_record("q", one), make_record("e", other), facility_list)
        differ = {f.name: f for f in match.features}["name_words_differ"]
        assert differ.value >= 0.5
        assert match.score < 0.7, one
    # Half alike in their letters, the two words may be one word badly typed: counted only
    # by their share of the name.
    typo = score_pair(
        make_record("q", "Angela Merkur Schmidt Weber"),
        make_record("e", "Angela Merkel Schmidt Weber"),
        facility_list,
    )
    assert {f.name: f for f in typo.features}["name_words_differ"].value < 0.5


def test_son_and_father_are_told_apart(facility_list: RiskList) -> None:
    son, father = (
        make_record("q", "Salman bin Muhammad Al-Rawi"),
        make_record("e", "Muhammad bin Salman Al-Rawi"),
    )
    match = score_pair(son, father, facility_list)
    details = {f.name: f.detail for f in match.features}
    assert details["name_parents_swapped"] == "muhammad bin salman vs salman bin muhammad"
    assert match.score < 0.7
    same = score_pair(son, make_record("e", "Salman bin Muhammad Al Rawi"), facility_list)
    assert "name_parents_swapped" not in {f.name for f in same.features}
    assert same.score >= 0.7


@pytest.mark.parametrize(
    ("x", "y", "sure"),
    [
        ("142", "142", 1.0),
        ("14a2", "142", 0.9),
        ("374h", "374", 0.9),
        ("405stongi", "405", 0.9),
        ("86n", "869", 0.8),
        ("454", "445", 0.8),
        ("14", "142", 0.8),
        ("12", "13", None),
        ("12", "21", None),
        ("142", "857", None),
    ],
)
def test_a_house_number_typed_with_a_slip(x: str, y: str, sure: float | None) -> None:
    assert house_agrees(x, y) == sure
    assert house_agrees(y, x) == sure


def test_street_words_typed_a_letter_off_or_split_elsewhere_agree() -> None:
    assert line_word("roao") == line_word("road") == "rd"
    assert line_word("stereet") == "st"
    assert line_word("higway") == "hwy"
    assert line_word("lenin") == "lenin"
    assert line_overlap(("zhongshan", "roao"), ("zhongshan", "rd")) == 1.0
    assert line_overlap(("kaif", "aroad", "lahore"), ("kaifa", "rd", "lahore")) >= 0.9
    assert line_overlap(("gongyeroad", "lahore"), ("gongye", "rd", "lahore")) == 1.0
    # Another street: only the shared words count, the letters run together do not.
    assert line_overlap(("gongye", "rd", "lahore"), ("kaifa", "rd", "lahore")) == pytest.approx(
        2 / 3
    )


def test_an_address_from_abroad_typed_with_slips_is_the_same_place(
    facility_list: RiskList,
) -> None:
    name = "Gilval Industrial Corp"
    entry = make_record("L1", name, address="No. 481 Zhongshan Road, Gazipur", country="bd")
    query = make_record("q", name, address="48a1 Zhongshan Roao, Gazipur", country="bd")
    details = {f.name: f.detail for f in score_pair(query, entry, facility_list).features}
    assert details["address_line"] == "number 48a1 vs 481, same street and town (0.90)"
    assert "address_line_differs" not in details
    moved = make_record("q", name, address="12 Kaifa Road, Gazipur", country="bd")
    found = {f.name: f for f in score_pair(moved, entry, facility_list).features}
    assert found["address_line_differs"].contribution == -0.5
    assert "address_differs" not in found  # that one is for a US street address
    # A line without a country reads as a US street address: the weaker address_differs.
    unsaid = make_record("q", name, address="12 Kaifa Road, Gazipur")
    found = {f.name: f for f in score_pair(unsaid, entry, facility_list).features}
    assert "address_differs" in found
    assert "address_line_differs" not in found
