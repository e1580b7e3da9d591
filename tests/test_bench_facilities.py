"""The facility benchmark's generator: deterministic, splits apart, truths real, negatives clean."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from facility_sites import (  # noqa: E402
    HIFLD_CSV,
    SPLITS,
    Facility,
    Site,
    build,
    crude_key,
    read_hifld,
    split_of,
)

pytestmark = pytest.mark.skipif(not HIFLD_CSV.is_file(), reason=f"no HIFLD table at {HIFLD_CSV}")
ROWS = 400


@pytest.fixture(scope="module")
def facilities() -> list[Facility]:
    return read_hifld()


@pytest.fixture(scope="module")
def rosters(facilities: list[Facility]) -> dict[str, list[Site]]:
    return {split: build(split, ROWS, 11, facilities) for split in SPLITS}


def test_the_same_seed_gives_the_same_rows(
    facilities: list[Facility], rosters: dict[str, list[Site]]
) -> None:
    again = build("dev", ROWS, 11, facilities)
    assert [s.row() for s in again] == [s.row() for s in rosters["dev"]]
    assert [s.row() for s in build("dev", ROWS, 12, facilities)] != [s.row() for s in again]


def test_about_half_are_positives(rosters: dict[str, list[Site]]) -> None:
    for sites in rosters.values():
        assert len(sites) == ROWS
        assert sum(1 for s in sites if s.truth) == ROWS // 2


def test_splits_never_share_a_facility(rosters: dict[str, list[Site]]) -> None:
    used = {split: {i for s in sites for i in s.source} for split, sites in rosters.items()}
    assert not used["dev"] & used["heldout"]
    for split, ids in used.items():
        assert {split_of(i) for i in ids} == {split}


def test_every_truth_is_a_real_facility(
    facilities: list[Facility], rosters: dict[str, list[Site]]
) -> None:
    known = {f.id for f in facilities}
    for sites in rosters.values():
        assert all(s.truth in known for s in sites if s.truth)


def test_no_negative_is_at_a_facility_address(
    facilities: list[Facility], rosters: dict[str, list[Site]]
) -> None:
    taken = set()
    zip_of = {f.id: f.zip for f in facilities}
    for f in facilities:
        for part in f.address.split(","):
            taken.add((*crude_key(part), f.zip))
    for sites in rosters.values():
        for s in sites:
            if not s.truth:  # the town's ZIP, also where the row leaves its ZIP out
                assert (*crude_key(s.address), zip_of[s.source[0]]) not in taken, s.row()
