"""Prepared lists: stored once per content, read back equal, rebuilt when anything changes."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from subtier.core.screen import RiskList, Screener, make_record
from subtier.core.screen.packed import pack, unpack
from subtier.lists import facilities, load_csv_list, load_ftm_list
from subtier.lists.prepared import PREPARE_MIN_ENTRIES, prepared_path


def test_records_survive_packing(facility_list: RiskList) -> None:
    for record in facility_list.records:
        assert unpack(pack(record)) == record
    sanctioned = make_record(
        "x", "OOO Romashka", aliases=["Romashka LLC"], address="1 Tverskaya St, Moscow",
        country="ru", identifiers={"inn": "7701234567"}, status="closed",
    )  # fmt: skip
    assert unpack(pack(sanctioned)) == sanctioned
    # The address's derived parts (left out of ==) come back as they were, not worked out anew.
    for record in (*facility_list.records[:500], sanctioned):
        if record.address is not None:
            back = unpack(pack(record)).address
            assert back is not None
            assert (back.house, back.words) == (record.address.house, record.address.words)


def _write_list(path: Path, facility_list: RiskList) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name", "address", "city", "state", "zip"])
        for record in facility_list.records[:PREPARE_MIN_ENTRIES]:
            a = record.address
            assert a is not None
            street = " ".join(p for p in (a.number, a.direction, a.street) if p)
            out.writerow([record.id, record.name, street, a.city, a.state, a.zip5])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUBTIER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SUBTIER_PREPARED", raising=False)
    return tmp_path / "home"


def test_a_long_list_is_prepared_once_and_read_back_equal(
    home: Path, tmp_path: Path, facility_list: RiskList
) -> None:
    path = tmp_path / "watch.csv"
    _write_list(path, facility_list)
    _read_back_equal(load_csv_list, path, home / "prepared", "*.list")


_QUERIES = [
    make_record("q1", "Eddie Warrior Correctional", city="Taft", state="OK"),
    make_record("q2", "Call center", address="601 N Oak St, Taft, OK 74463"),
    make_record("q3", "Nowhere Holdings", address="1 Main St, Vineland, NJ 08360"),
]


def _read_back_equal(
    load: Callable[[Path], RiskList], path: Path, folder: Path, stored: str
) -> RiskList:
    """Load a list twice: stored once, then read back equal, and screened the same."""
    fresh = load(path)
    assert len(list(folder.glob(stored))) == 1
    again = load(path)
    assert again.info == fresh.info
    assert list(again.records) == list(fresh.records)
    assert again.index.context == fresh.index.context
    for query in _QUERIES:
        assert Screener([again]).rank(query, top=3) == Screener([fresh]).rank(query, top=3)
    return fresh


def test_a_changed_list_or_a_damaged_copy_is_prepared_afresh(
    home: Path, tmp_path: Path, facility_list: RiskList
) -> None:
    path = tmp_path / "watch.csv"
    _write_list(path, facility_list)
    first = load_csv_list(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("extra-1,Extra Detention Annex,1 Jail Rd,Taft,OK,74463\n")
    changed = load_csv_list(path)
    assert changed.info.version != first.info.version
    assert changed.records[-1].id == "extra-1"
    digest = changed.info.version.rsplit(":", 1)[1]
    (copy,) = [p for p in (home / "prepared").glob(f"{digest}*.list")]
    copy.write_bytes(b"not a prepared list")
    assert list(load_csv_list(path).records) == list(changed.records)
    assert copy.read_bytes() != b"not a prepared list"  # stored again, whole


def test_short_lists_and_a_switched_off_store_write_nothing(
    home: Path, tmp_path: Path, facility_list: RiskList, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = tmp_path / "short.csv"
    short.write_text("id,name\n1,Taft call center\n", encoding="utf-8")
    load_csv_list(short)
    assert not (home / "prepared").exists()
    monkeypatch.setenv("SUBTIER_PREPARED", "0")
    path = tmp_path / "watch.csv"
    _write_list(path, facility_list)
    load_csv_list(path)
    assert not (home / "prepared").exists()
    assert prepared_path("abc").name.startswith("abc-")


def test_a_cut_short_copy_is_prepared_afresh(
    home: Path, tmp_path: Path, facility_list: RiskList
) -> None:
    path = tmp_path / "watch.csv"
    _write_list(path, facility_list)
    fresh = load_csv_list(path)
    (copy,) = (home / "prepared").glob("*.list")
    whole = copy.read_bytes()
    copy.write_bytes(whole[: len(whole) // 2])
    assert list(load_csv_list(path).records) == list(fresh.records)
    assert copy.read_bytes() == whole  # stored again, whole


def _write_ftm(path: Path, facility_list: RiskList) -> None:
    # Half the entries give their address inline, half refer to an Address entity further on.
    later: list[dict[str, object]] = []
    with path.open("w", encoding="utf-8") as handle:
        for n, record in enumerate(facility_list.records[:PREPARE_MIN_ENTRIES]):
            a = record.address
            assert a is not None
            line = ", ".join(p for p in (a.line, a.city, a.state, a.zip5) if p)
            props: dict[str, list[str]] = {"name": [record.name], "country": ["us"]}
            if n % 2:
                props["address"] = [line]
            else:
                props["addressEntity"] = [f"addr-{n}"]
                later.append(
                    {"id": f"addr-{n}", "schema": "Address", "properties": {"full": [line]}}
                )
            handle.write(json.dumps({"id": record.id, "schema": "Company", "properties": props}))
            handle.write("\n")
        handle.writelines(json.dumps(address) + "\n" for address in later)


def test_a_long_ftm_list_is_prepared_once_and_read_back_equal(
    home: Path, tmp_path: Path, facility_list: RiskList
) -> None:
    path = tmp_path / "watch.ftm.json"
    _write_ftm(path, facility_list)
    fresh = _read_back_equal(load_ftm_list, path, home / "prepared", "ftm-*.list")
    assert fresh.info.entries == PREPARE_MIN_ENTRIES
    assert all(r.address is not None for r in fresh.records)  # references resolved too


def test_the_bundled_list_is_prepared_once_and_read_back_equal(home: Path) -> None:
    fresh = facilities.__wrapped__()  # not the cached copy of this process
    assert fresh.info.entries == len(fresh.records) > PREPARE_MIN_ENTRIES
    (stored,) = (home / "prepared").glob("facilities-*.list")
    again = facilities.__wrapped__()
    assert again.info == fresh.info
    assert list(again.records) == list(fresh.records)
    assert again.index.context == fresh.index.context
    for query in _QUERIES:
        assert Screener([again]).rank(query, top=3) == Screener([fresh]).rank(query, top=3)
    assert stored.exists()


def test_a_deferred_list_is_stored_when_asked_or_at_the_end(
    home: Path, tmp_path: Path, facility_list: RiskList
) -> None:
    from subtier.lists.prepared import deferred, store_waiting

    path = tmp_path / "watch.csv"
    _write_list(path, facility_list)
    folder = home / "prepared"
    with deferred():
        load_csv_list(path)
        assert not list(folder.glob("*.list"))  # held back
        store_waiting()
        assert len(list(folder.glob("*.list"))) == 1
    path.write_text(path.read_text(encoding="utf-8") + "x,Extra Annex,1 Jail Rd,Taft,OK,74463\n")

    def load_then_fail() -> None:
        with deferred():
            load_csv_list(path)
            raise LookupError("the roster could not be read")

    with pytest.raises(LookupError):
        load_then_fail()
    assert len(list(folder.glob("*.list"))) == 2  # the changed list stored all the same
