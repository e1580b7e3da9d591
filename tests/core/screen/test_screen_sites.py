"""Site screening against the bundled facility list: the Taft site written many ways."""

from __future__ import annotations

from typing import Any

import pytest

from subtier.core.screen import Match, RiskList, Screener, Strength, make_record

EDDIE_WARRIOR = "10003571"


def screen(facility_list: RiskList, name: str = "Taft call center", **fields: Any) -> list[Match]:
    record = make_record("q", name, **fields)
    return Screener([facility_list]).screen(record)


@pytest.mark.parametrize(
    ("fields", "strength"),
    [
        (
            {"address": "601 N Oak St", "city": "Taft", "state": "OK", "zip": "74463"},
            Strength.MATCH,
        ),
        ({"address": "601 N Oak St, Taft, OK 74463"}, Strength.MATCH),
        ({"address": "601 North Oak Street, Taft, Oklahoma 74463-0315"}, Strength.MATCH),
        ({"address": "601 N. OAK ST. SUITE 12, TAFT OK"}, Strength.MATCH),
        ({"address": "601 N Oak St Unit 5", "city": "Taft", "state": "Oklahoma"}, Strength.MATCH),
        ({"address": "601 Oak St", "city": "Taft", "state": "OK"}, Strength.MATCH),
        ({"address": "400 Oak Street, Taft, Oklahoma"}, Strength.POSSIBLE),
        ({"address": "400 Oak St", "zip": "74463"}, Strength.POSSIBLE),
        ({"latitude": 35.7690, "longitude": -95.5450}, Strength.POSSIBLE),
    ],
)
def test_taft_site_written_other_ways(
    facility_list: RiskList, fields: dict[str, Any], strength: Strength
) -> None:
    found = screen(facility_list, **fields)
    assert found, fields
    assert found[0].entry_id == EDDIE_WARRIOR
    assert found[0].strength is strength


def test_facility_name_and_town_alone(facility_list: RiskList) -> None:
    found = screen(facility_list, "Eddie Warrior Correctional Center", city="Taft", state="OK")
    assert [m.entry_id for m in found] == [EDDIE_WARRIOR]
    assert "name: same" in found[0].reasons


def test_unrelated_name_at_facility_address_still_matches(facility_list: RiskList) -> None:
    found = screen(
        facility_list, "Prairie Telemarketing LLC", address="601 N Oak St, Taft, OK 74463"
    )
    assert found[0].entry_id == EDDIE_WARRIOR
    assert found[0].reasons.startswith("address: same number and street in same ZIP")
    assert "name: differs" in found[0].reasons


def test_far_along_the_same_street_is_not_a_match(facility_list: RiskList) -> None:
    assert screen(facility_list, address="2400 N Oak St, Taft, OK 74463") == []


def test_same_number_other_town_is_not_a_match(facility_list: RiskList) -> None:
    assert screen(facility_list, address="601 N Oak St, Muskogee, OK 74401") == []


def test_ordinary_vineland_office(facility_list: RiskList) -> None:
    assert screen(facility_list, "ProCom", address="2 W Landis Ave, Vineland, NJ 08360") == []


def test_possible_match_says_how_far(facility_list: RiskList) -> None:
    found = screen(facility_list, address="400 Oak St, Taft, OK")
    assert "about 322 m apart" in found[0].reasons
    assert "grounds radius 214 m" in found[0].reasons


def test_other_prison_in_same_town_is_told_apart(facility_list: RiskList) -> None:
    # Taft has two prisons: the name decides which.
    found = screen(facility_list, "Jess Dunn Correctional Center", city="Taft", state="OK")
    assert found
    assert found[0].entry_id != EDDIE_WARRIOR
    assert "DUNN" in found[0].entry_name
