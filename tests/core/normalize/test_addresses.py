"""Address normalization, and the fast path for plain street lines held to usaddress."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
import rigour.addresses

from subtier.core.normalize.addresses import _simple_street, _tag, parse_address
from subtier.core.normalize.fingerprint import address_fingerprint

# Lines where the CRF model itself splits the street wrongly; the fast path is right on these.
MODEL_ERRORS = {
    "2550 MCCAIN VALLEY ROAD",
    "26650 NORTH ANGELES FOREST HIGHWAY",
    "1130 MSH 4TH STREET",
    "111 CAMINO NUEVO ROAD",
    # The model leaves these whole lines untagged, or keeps the type in the name.
    "4000 JUSTICE CENTER",
    "3 COUNTY CENTER",
    "600 CIVIC CENTER",
    "1 ECHO HILL",
    # The model drops a name word, or reads a type out of the town.
    "170 ROAD CAMP RD",
    "207 COURT ST",
    # The town, "MT VERNON" or "MT GILEAD", read as a street type.
    "650 MOUNT VERNON ALSTON ROAD",
    "101 HOME ROAD",
    "100 COURT PARK",
    "1007 SPRUCE STREET EXTENSION",
}
PARTS = [
    "AddressNumber",
    "StreetNamePreDirectional",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
]


def test_fast_path_agrees_with_usaddress_on_every_facility_address() -> None:
    with resources.files("subtier.data").joinpath("facilities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    checked = 0
    for row in rows:
        fast = _simple_street(row["address"])
        if fast is None or row["address"] in MODEL_ERRORS:
            continue
        checked += 1
        tagged = _tag(f"{row['address']}, {row['city']}, {row['state']} {row['zip']}")
        model = {k: tagged[k].upper().replace(".", "") for k in PARTS if k in tagged}
        assert fast == model, row["address"]
    assert checked > 5000


@pytest.mark.parametrize(
    "line",
    [
        "123 Main St Ste 5",
        "1 Avenue of the Americas",
        "201 N Court",
        "100 B Southwest Blvd",
        "PO Box 5",
    ],
)
def test_fast_path_leaves_the_rest_to_the_model(line: str) -> None:
    assert _simple_street(line) is None


@pytest.mark.parametrize(
    ("args", "number", "street", "direction", "city", "state", "zip5"),
    [
        (("601 N Oak St", "Taft", "OK", "74463"), "601", "oak st", "n", "taft", "ok", "74463"),
        (
            ("601 North Oak Street, Taft, Oklahoma 74463-0315",),
            "601",
            "oak st",
            "n",
            "taft",
            "ok",
            "74463",
        ),
        (("400 OAK ST.", "TAFT", "Oklahoma", None), "400", "oak st", None, "taft", "ok", None),
        (("601 N Oak St Unit 5, Taft OK",), "601", "oak st", "n", "taft", "ok", None),
    ],
)
def test_parse_address(
    args: tuple[str | None, ...],
    number: str,
    street: str,
    direction: str | None,
    city: str,
    state: str,
    zip5: str | None,
) -> None:
    a = parse_address(*args)
    assert (a.number, a.street, a.direction, a.city, a.state, a.zip5) == (
        number,
        street,
        direction,
        city,
        state,
        zip5,
    )
    assert a.country == "us"


def test_foreign_address_is_not_parsed_as_us() -> None:
    a = parse_address("6750 Ayala Ave, Makati", "Manila", None, None, "Philippines")
    assert a.country == "ph"
    assert a.number is None
    assert "ayala" in a.line


@pytest.mark.parametrize(
    "text",
    [
        "No. 311 Ataturk Boulevard, Shenzhen",
        "601 North Oak Street, Taft, OK 74463",
        "ул. Тверская, д. 17 стр. 1, Москва",
        "Rue de la Paix 3, 75002 Paris, France",
        "!!!",
        "",
    ],
)
def test_fingerprint_is_rigours(text: str) -> None:
    # subtier calls rigour's native fingerprint directly, to skip loading address templates.
    assert address_fingerprint(text) == rigour.addresses.address_fingerprint(text)


ABROAD = [
    "No. 311 Ataturk Boulevard, Shenzhen", "1 st Street, London", "3 rd Avenue",
    "12 de Octubre 45, Quito", "No. 5 5th Avenue", "221B Baker Street",
    "2 bis rue de la Paix, 75002 Paris", "17 стр. 1, Москва", "5 Saint Petersburg Street",
    "4 United States Ave", "10 Av. de Mayo, Buenos Aires", "7 e Rue", "12 1/2 Main St",
    "2 Plaza de España, Madrid", "9 y Calle 5", "No 3 Jalan Sudirman, Jakarta",
    "800 Jalan Sudirman, Tiruppur", "45 Avenida Reforma, Ciudad de México",
]  # fmt: skip


def test_a_line_fingerprinted_in_two_halves_is_fingerprinted_whole() -> None:
    # The house number and the rest are fingerprinted apart, the rest once for a whole list:
    # held here to rigour's fingerprint of the whole line.
    from subtier.core.normalize.addresses import _fingerprint, _line_fingerprint, line_words

    with resources.files("subtier.data").joinpath("facilities.csv").open(encoding="utf-8") as f:
        lines = [
            ", ".join(p for p in (r["address"], r["city"], r["state"], r["zip"]) if p)
            for r in csv.DictReader(f)
        ]
    split = 0
    for line in [*lines, *ABROAD]:
        assert _line_fingerprint(line) == _fingerprint(line), line
        split += line[0].isdigit() or line.startswith("No")
        # Abroad, the halves' house number and words too are the whole line's.
        parsed = parse_address(line, country="fr")
        assert (parsed.house, parsed.words) == line_words(parsed.line), line
    assert split > 5_000


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("1 Justice Plz", "1 Justice Plaza"),
        ("12 Cedar Xing", "12 Cedar Crossing"),
        ("5 Oak Cres", "5 Oak Crescent"),
        ("2202 NY-38A", "2202 Route 38A"),
        ("2202 Rte 38A", "2202 State Rte 38A"),
        ("2202 State Highway 38A", "2202 SR 38A"),
        ("100 US-41", "100 US Highway 41"),
        ("100 I-95", "100 Interstate 95"),
        ("5 CR 210", "5 County Road 210"),
        ("77 FM 1960 Rd", "77 Farm to Market Road 1960"),
        ("1400 Notrh Main St", "1400 N Main St"),
        ("10 Downing Treet", "10 Downing St"),
        ("401 2nd Street", "401 Second St"),
    ],
)
def test_usps_forms_meet(one: str, other: str) -> None:
    a, b = parse_address(one, "Moravia", "NY", "13118"), parse_address(other, None, None, None)
    b = parse_address(f"{other}, Moravia, NY 13118")
    assert (a.number, a.direction, a.street) == (b.number, b.direction, b.street)


@pytest.mark.parametrize(
    ("line", "street"),
    [
        ("1600 Pennsylvania Ave, Washington, DC 20500", "pennsylvania ave"),
        ("5 Georgia Avenue, Atlanta, GA", "georgia ave"),
        ("9 Texas Ave, Houston, TX", "texas ave"),
    ],
)
def test_a_street_name_is_never_a_state_or_country(line: str, street: str) -> None:
    assert parse_address(line).street == street


def test_po_box_and_road_alone() -> None:
    box = parse_address("P.O. BOX 69", "LAGRANGE", "KY", "40031")
    assert (box.po_box, box.number, box.street, box.zip5) == ("69", None, None, "40031")
    road = parse_address("BLACKWATER FALLS RD.", "DAVIS", "WV", "26260")
    assert (road.number, road.street) == (None, "blackwater falls rd")


def test_towns_and_numbers_written_either_way() -> None:
    assert parse_address("1 Main St", "Saint Johnsbury", "VT").city == "st johnsbury"
    assert parse_address("1 Main St", "Fort Stockton", "TX").city == "ft stockton"
    assert parse_address("0875 S SR 9", "Lagrange", "IN").number == "875"


def test_the_town_field_never_leaks_into_the_street() -> None:
    # Read as one line, the model takes the town for part of a street whose type is misspelled.
    address = parse_address("114 East 3rd Strrert", "Kimball", "NE", "69145")
    assert (address.number, address.direction, address.street) == ("114", "e", "3 st")
    assert parse_address("702 US HWY. 68 .", "MAYSVILLE", "KY", "41056").street == "rte 68"
    assert parse_address("303 Avenue A", "Plattsmouth", "NE", "68048").street == "ave a"
    # The second street of an intersection stays apart from the first.
    assert parse_address("Interstate 81 & 901 W", "Minersville", "PA", "17954").street == "i 81"


@pytest.mark.parametrize(
    ("line", "street", "unit"),
    [
        ("Suite 200, 12 Oak St", "oak st", "suite 200"),
        ("# 9, 750 East Gibbs Boluevard", "gibbs blvd", "9"),
        ("Unit C, 2000 Cibola Loop", "cibola loop", "unit c"),
        ("22025 Southwest 87th Avene ,#12", "87 ave", "12"),
        ("9825 Georgia Route 116 Room 245", "rte 116", "room 245"),
        ("86 Dyess, Building C", "dyess", "building c"),
        ("1 School House Road, #17", "school house rd", "17"),
    ],
)
def test_a_unit_before_or_after_the_street_is_kept_apart(line: str, street: str, unit: str) -> None:
    address = parse_address(line, "Glen Rose", "TX", "76043")
    assert (address.street, address.unit) == (street, unit)


def test_a_state_and_zip_are_not_a_unit() -> None:
    address = parse_address("123 Main St, Miami, FL 33101")
    assert (address.street, address.unit, address.state, address.zip5) == (
        "main st",
        None,
        "fl",
        "33101",
    )


@pytest.mark.parametrize(
    ("line", "direction", "street"),
    [
        ("1397 State Rd O", None, "rte o"),  # Missouri's lettered routes
        ("1397 Sattee Road O, Floor 4", None, "rte o"),
        ("1397 Hwy O", None, "rte o"),
        ("49777 Countt Road V", None, "co rd v"),
        ("379 Alabamma Hwy 239 N", "n", "rte 239"),  # a state's name, typed wrong
        ("3200 E South Dakota Route 34", "e", "rte 34"),
        ("55 United Statrs Highway 51 North", "n", "rte 51"),
        ("3872 Farm to Markte Road 350 S", "s", "fm 350"),
        ("777 Farm Road 3497", None, "fm 3497"),
        ("1536 Interstate Rt. 10 E", "e", "i 10"),
        ("1700 East Old Rt. 66", "e", "old rte 66"),  # another road of that number
        ("2869 US Hwy 64 Alt", None, "rte 64 alt"),
        ("11924 BIA Route 700", None, "bia rte 700"),
        ("844 US State Hwy 42 N", "n", "rte 42"),
        ("500 Routh St", None, "routh st"),  # no route, nor its letters
        ("7445 County House Rd", None, "county house rd"),
    ],
)
def test_routes_the_model_misreads(line: str, direction: str | None, street: str) -> None:
    address = parse_address(line, "Fulton", "MO", "65251")
    assert (address.direction, address.street) == (direction, street)
