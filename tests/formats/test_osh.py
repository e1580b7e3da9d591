"""Open Supply Hub facility downloads read as sites, and merged into a chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from subtier.app.check import check
from subtier.core.model import Organization, Site
from subtier.errors import InputError
from subtier.formats import load_chain, load_policy
from subtier.formats.osh import load_osh_sites, merge_sites, read_osh, slug
from subtier.lists import facilities
from tests.conftest import EXAMPLE, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "osh"
FACILITIES = FIXTURES / "facilities.csv"
HEADER = "os_id,name,address,country_code,lat,lng,sector,is_closed\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "osh.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_fields_are_mapped() -> None:
    sites, orgs = load_osh_sites(FACILITIES)
    by_id = {site.id: site for site in sites}
    knit = by_id["BD2024001TESTA"]
    assert knit.name == "Example Knit Composite Ltd"
    assert knit.address == "Plot 12, Example Road, Gazipur 1700"  # one line
    assert knit.country == "BD"
    assert (knit.latitude, knit.longitude) == (23.9999, 90.4203)
    assert knit.activities == [
        "Apparel",
        "Textiles",
        "Final Product Assembly",
        "Cutting",
        "Sewing",
    ]
    assert knit.source == "Open Supply Hub BD2024001TESTA"
    assert knit.operator == "example-holdings-group"
    assert orgs == [
        Organization(
            id="example-holdings-group", name="Example Holdings Group", source="Open Supply Hub"
        )
    ]
    vietnam = by_id["VN2024004TESTD"]
    assert vietnam.latitude is None
    assert vietnam.longitude is None
    assert vietnam.operator == "example-holdings-group"


def test_operator_argument_is_used_when_no_parent_company() -> None:
    sites, _ = load_osh_sites(FACILITIES, operator="procom")
    by_id = {site.id: site for site in sites}
    assert by_id["US2024002TESTB"].operator == "procom"
    assert by_id["BD2024001TESTA"].operator == "example-holdings-group"


def test_closed_facilities_are_skipped_and_counted() -> None:
    result = read_osh(FACILITIES)
    assert result.closed == ["CN2024003TESTC"]
    assert "CN2024003TESTC" not in {site.id for site in result.sites}
    assert len(result.sites) == 3


def test_header_variants() -> None:
    [site], orgs = load_osh_sites(FIXTURES / "variants.csv")
    assert orgs == []
    assert site == Site(
        id="PH2019005TESTE",
        name="Example BPO Manila",
        address="6750 Example Ave, Makati",
        country="PH",
        latitude=14.5547,
        longitude=121.0244,
        activities=["Business Services"],
        source="Open Supply Hub PH2019005TESTE",
    )


def test_byte_order_mark_and_lon_spelling(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffOS_ID,Name,Country,Lat,Lon\nX1,Mill,IN,10,20\n".encode())
    [site], _ = load_osh_sites(path)
    assert (site.id, site.country, site.longitude) == ("X1", "IN", 20.0)


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        ("A1,Mill,,IN,north,20,,false", "lat", "not a number"),
        ("A1,Mill,,IN,10,200,,false", "lng", "out of range"),
        ("A1,Mill,,IN,10,,,false", "lng", "without its pair"),
        (",Mill,,IN,10,20,,false", "os_id", "no facility id"),
        ("A1,,,IN,10,20,,false", "name", "no facility name"),
        ("A 1,Mill,,IN,10,20,,false", "os_id", "bad id"),
        ("A1,Mill,,IN,10,20,,maybe", "is_closed", "true or false"),
    ],
)
def test_bad_rows_name_file_line_and_column(
    tmp_path: Path, row: str, column: str, text: str
) -> None:
    path = write(tmp_path, HEADER + "B1,Good,,IN,1,2,,false\n" + row + "\n")
    with pytest.raises(InputError) as caught:
        load_osh_sites(path)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), 3, column)
    assert text in error.message


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A1,One,,IN,,,,\nB1,Two,,IN,,,,\nA1,Three,,IN,,,,\n")
    with pytest.raises(InputError) as caught:
        load_osh_sites(path)
    assert caught.value.line == 4
    assert caught.value.field == "os_id"
    assert "'A1'" in caught.value.message
    assert "line 2" in caught.value.message


def test_header_without_id_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "facility,country\nMill,IN\n")
    with pytest.raises(InputError, match="os_id") as caught:
        load_osh_sites(path)
    assert caught.value.line == 1


def test_slug() -> None:
    assert slug("Acme Textiles Ltd.") == "acme-textiles-ltd"
    assert slug("Société Générale") == "societe-generale"
    assert slug("华为").startswith("org-")


def test_merge_into_example_and_check_flags_foreign_site() -> None:
    chain = load_chain(EXAMPLE)
    sites, orgs = load_osh_sites(FACILITIES, operator="procom")
    merged = merge_sites(chain, sites, orgs, "callcenter")
    assert merged is not chain
    assert merged.engagements_by_id["callcenter"].sites == [
        "vineland",
        "taft",
        "BD2024001TESTA",
        "US2024002TESTB",
        "VN2024004TESTD",
    ]
    assert "example-holdings-group" in merged.organizations_by_id
    assert len(chain.sites) == 2  # the original is untouched
    result = check(merged, load_policy(), [facilities()])
    flagged = {f.subject_id for f in result.findings if f.rule == "domestic-only"}
    assert {"BD2024001TESTA", "VN2024004TESTD"} <= flagged
    assert "US2024002TESTB" not in flagged


def test_merge_without_engagement_leaves_engagements_alone() -> None:
    chain = load_chain(EXAMPLE)
    sites, orgs = load_osh_sites(FIXTURES / "variants.csv")
    merged = merge_sites(chain, sites, orgs, None)
    assert merged.engagements == chain.engagements
    assert "PH2019005TESTE" in merged.sites_by_id


def test_merge_clashing_site_id_is_an_error() -> None:
    chain = load_chain(EXAMPLE)
    clash = Site(id="taft", name="Another Taft")
    with pytest.raises(InputError, match="'taft'"):
        merge_sites(chain, [clash], [], None)


def test_merge_clashing_organization_id_is_an_error() -> None:
    chain = load_chain(EXAMPLE)
    clash = Organization(id="procom", name="Procom Textiles")
    with pytest.raises(InputError, match="'procom'"):
        merge_sites(chain, [], [clash], None)
    same = Organization(id="procom", name="PROCOM")
    assert merge_sites(chain, [], [same], None).organizations == chain.organizations


def test_merge_unknown_engagement_or_operator_is_an_error() -> None:
    chain = load_chain(EXAMPLE)
    sites, orgs = load_osh_sites(FIXTURES / "variants.csv")
    with pytest.raises(InputError, match="'nope'"):
        merge_sites(chain, sites, orgs, "nope")
    sites, orgs = load_osh_sites(FIXTURES / "variants.csv", operator="ghost")
    with pytest.raises(InputError, match="ghost"):
        merge_sites(chain, sites, orgs, None)
