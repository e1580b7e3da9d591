"""CSV lists: the header, the errors that name their line, and screening against one."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from subtier.core.screen import Screener, Strength, make_record
from subtier.core.screen.keys import token_keys
from subtier.errors import InputError
from subtier.lists import load_csv_list
from tests.paths import FIXTURES

SITES = FIXTURES / "lists" / "sites.csv"


def write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_fixture_loads() -> None:
    risk_list = load_csv_list(SITES)
    assert risk_list.info.name == "sites"
    assert risk_list.info.entries == 3
    assert risk_list.info.source == str(SITES)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\+sha256:[0-9a-f]{12}", risk_list.info.version)
    first = risk_list.records[0]
    assert (first.id, first.name, first.country) == ("acme-1", "Acme Detention Center", "us")
    assert (first.latitude, first.longitude) == (35.1425, -119.4565)
    assert first.address is not None
    assert (first.address.number, first.address.zip5) == ("601", "93268")
    assert risk_list.records[1].latitude is None


def test_header_names_are_case_and_space_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff ID , NAME ,Zip\nx-1, Some Site ,74463\n")
    (record,) = load_csv_list(path, name="mine").records
    assert (record.id, record.name) == ("x-1", "Some Site")
    assert record.address is not None
    assert record.address.zip5 == "74463"


@pytest.mark.parametrize(("header", "missing"), [("name,address", "id"), ("id,address", "name")])
def test_a_missing_column_is_an_error_at_line_1(tmp_path: Path, header: str, missing: str) -> None:
    path = write(tmp_path, f"{header}\na,b\n")
    with pytest.raises(InputError, match=f"no '{missing}' column") as caught:
        load_csv_list(path)
    assert (caught.value.file, caught.value.line) == (str(path), 1)


@pytest.mark.parametrize(("row", "field"), [(",Named", "id"), ("x-2,  ", "name")])
def test_an_empty_id_or_name_names_its_line(tmp_path: Path, row: str, field: str) -> None:
    path = write(tmp_path, f"id,name\nx-1,First\n{row}\n")
    with pytest.raises(InputError, match=f"empty {field}") as caught:
        load_csv_list(path)
    assert (caught.value.line, caught.value.field) == (3, field)


def test_a_duplicate_id_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name\nx-1,First\nx-2,Second\nx-1,Third\n")
    with pytest.raises(InputError, match="duplicate id 'x-1'") as caught:
        load_csv_list(path)
    assert (caught.value.line, caught.value.field) == (4, "id")


def test_a_latitude_that_is_not_a_number(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,latitude,longitude\nx-1,First,35.1,-95.5\nx-2,Second,north,1\n")
    with pytest.raises(InputError, match="not a number: 'north'") as caught:
        load_csv_list(path)
    assert (caught.value.line, caught.value.field) == (3, "latitude")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,name\nx-1,Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_csv_list(path)


def test_a_field_too_long_for_csv_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name\nx-1,Short\nx-2," + "x" * 200_000 + "\n")
    # The limit is process-wide, and some libraries raise it when imported: set it here.
    before = csv.field_size_limit(131_072)
    try:
        with pytest.raises(InputError, match="not readable as CSV: field larger") as caught:
            load_csv_list(path)
    finally:
        csv.field_size_limit(before)
    assert (caught.value.file, caught.value.line) == (str(path), 3)


def test_a_huge_word_in_a_name_is_indexed_at_the_cost_of_a_word(tmp_path: Path) -> None:
    # A blob pasted into a name column. One-letter deletions of it would be 20,000 keys of
    # 20,000 letters (400 MB); of a 100,000-letter one, 10 GB.
    blob = "q" + "x" * 20_000
    assert len(token_keys(blob)) <= 3  # the word, its sound, its first letters; no deletions
    # A list refuses such a name (longer than any real one); a query may still carry it.
    path = write(tmp_path, f"id,name\nx-1,{blob} Holdings\nx-2,Acme Trading\n")
    with pytest.raises(InputError, match="names are at most 500") as caught:
        load_csv_list(path)
    assert caught.value.line == 2
    path = write(tmp_path, "id,name\nx-1,Blob Holdings\nx-2,Acme Trading\n")
    found = Screener([load_csv_list(path)]).screen(make_record("q", f"{blob} Holdings"))
    assert [m.entry_id for m in found if m.strength == Strength.MATCH] == []


def test_a_header_only_file_is_an_empty_list(tmp_path: Path) -> None:
    risk_list = load_csv_list(write(tmp_path, "id,name,address\n"))
    assert risk_list.info.entries == 0
    assert risk_list.records == ()
    assert Screener([risk_list]).screen(make_record("q", "Anyone")) == []


def test_screening_finds_an_entry_by_its_exact_address() -> None:
    screener = Screener([load_csv_list(SITES)])
    query = make_record(
        "q", "Pacific Call Services", address="601 North Oak Street", city="Taft", state="CA"
    )
    (found,) = screener.screen(query)
    assert (found.entry_id, found.list_name) == ("acme-1", "sites")
    assert found.strength == Strength.MATCH
    assert "address_same" in {f.name for f in found.features if f.contribution > 0}


def test_screening_finds_an_entry_by_name() -> None:
    screener = Screener([load_csv_list(SITES)])
    (found,) = screener.screen(make_record("q", "Riverside Work Camp", city="Yuma", state="AZ"))
    assert found.entry_id == "acme-2"


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("b," + "N" * 501 + ",1 Main St", "name", "501 characters; names are at most 500"),
        ("b,Acme," + "1 Main St." * 200, "address", "2,000 characters; addresses are at most 1,000"),
        ("b,Acme,1 Main St," + "a" * 600, "aliases", "an alias of 600 characters"),
    ],
)  # fmt: skip
def test_an_entry_longer_than_a_real_one_refuses_the_list(
    tmp_path: Path, row: str, field: str, message: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"id,name,address,aliases\na,Acme,1 Main St,\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_csv_list(path)
    assert (caught.value.line, caught.value.field) == (3, field)
