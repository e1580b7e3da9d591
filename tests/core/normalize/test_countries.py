"""A site's country from what its record says: field, address text, state, operator."""

from __future__ import annotations

import pytest

from subtier.core.normalize.countries import read_address, site_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Cebu IT Park, Cebu City, Philippines", "PH"),
        ("Whitefield, Bengaluru, KA 560066, IN", "IN"),
        ("Chennai, TN 600001, IN", "IN"),  # TN is Tennessee too, but 600001 is no ZIP
        ("Av. Paseo de la Reforma 222, Ciudad de México, MEX", "MX"),
        ("Cebu City Philippines", "PH"),
        ("6000 Cebu City, Pilipinas", "PH"),  # a name in the country's own language
        ("New Delhi, IN", "IN"),  # a city of India before IN
        ("Tbilisi, Georgia", "GE"),
        # Ambiguous tails that are the US.
        ("Indianapolis, IN 46204", "US"),
        ("Portland, OR", "US"),
        ("Paris, TX 75460", "US"),
        ("Paris, TX", "US"),
        ("Georgia Ave, Washington, DC", "US"),
        ("Atlanta, Georgia", "US"),
        ("Springfield, IL", "US"),  # IL is also Israel
        ("Knoxville, TN 37902", "US"),
        ("Mexico, MO", "US"),
        ("601 N Oak St, Taft, OK 74463", "US"),
        ("Vineland, New Jersey", "US"),
    ],
)
def test_country_at_the_end_of_the_address(text: str, code: str) -> None:
    reading = read_address(text)
    assert reading is not None
    assert reading.code == code
    assert reading.strong


def test_a_city_or_a_postal_form_alone_is_weak() -> None:
    city = read_address("Whitefield, Bengaluru")
    assert city is not None
    assert (city.code, city.strong) == ("IN", False)
    assert city.said == "Bengaluru, a city in India"
    postal = read_address("Whitefield, KA 560066")
    assert postal is not None
    assert (postal.code, postal.strong) == ("IN", False)


def test_nothing_said_is_none() -> None:
    assert read_address("601 N Oak St") is None
    assert read_address("601 N Oak St, Taft") is None


def _site(**fields: str | None) -> str | None:
    base: dict[str, str | None] = {
        "country": None,
        "address": None,
        "city": None,
        "state": None,
        "zip": None,
        "operator_country": "US",
    }
    found = site_country(**{**base, **fields})
    return found.evidence if found is not None else None


def test_each_source_is_named() -> None:
    assert (
        _site(country="PH", address="1 Main St, Taft, OK") == "country from the country field: PH"
    )
    assert (
        _site(address="Cebu IT Park, Cebu City, Philippines")
        == "country from the address text: Philippines"
    )
    assert _site(address="601 N Oak St", city="Taft", state="OK") == (
        "country from the state: OK (a US state)"
    )
    assert _site(address="601 N Oak St", city="Taft") == "country from the operator: US"
    assert _site(address="Whitefield, Bengaluru, KA 560066, IN") == (
        "country from the address text: India (IN after KA 560066: a region of India)"
    )


def test_a_us_state_outweighs_a_foreign_town_name() -> None:
    # US towns named like foreign capitals or countries.
    assert _site(address="100 Main St", city="Manila", state="AR") == (
        "country from the state: AR (a US state)"
    )
    assert _site(address="100 Main St", city="Lebanon", state="PA") == (
        "country from the state: PA (a US state)"
    )
    assert _site(address="1 Main St", city="Paris", state="TX", zip="75460") == (
        "country from the state: TX (a US state)"
    )
    assert _site(address="1 Main St, Ontario", state="CA") == (
        "country from the state: CA (a US state)"
    )
    assert _site(address="1 Main St, Peru", state="IN") == "country from the state: IN (a US state)"
    # A street, a town and a country is the country, whatever the state field says.
    assert _site(address="Cebu IT Park, Cebu City, Philippines", state="OK") == (
        "country from the address text: Philippines"
    )


def test_a_state_code_with_a_foreign_postal_code_is_not_a_us_state() -> None:
    found = site_country(
        country=None,
        address="Whitefield",
        city="Bengaluru",
        state="IN",
        zip="560066",
        operator_country="US",
    )
    assert found is not None
    assert found.code == "IN"
