"""Amendments and duplicates: every dollar is counted once.

An amended report replaces the whole report it amends (FEC amendments are complete), so of all
the filings for one committee's report (same report code and period), only the latest counts:
an amendment over an original, then the higher FEC file number. A row read twice (the same
file given twice, overlapping bulk files) counts once. Nothing is dropped silently: each row
left out is returned with the reason, and reports show the money it held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from subtier.fec.records import Disbursement


@dataclass(frozen=True, slots=True)
class Dropped:
    """A row that does not count, and why."""

    row: Disbursement
    reason: str  # "duplicate" or "superseded"
    detail: str  # "same transaction as 1527862.fec:12", "replaced by filing 1533000"


@dataclass(frozen=True)
class Reconciled:
    kept: list[Disbursement]
    dropped: list[Dropped]
    superseded: dict[tuple[str, str, str], str]  # (committee, report, filing) → the filing in force


class Filed(Protocol):
    """What amendments are decided on: a row, or a filing itself."""

    @property
    def committee(self) -> str: ...
    @property
    def report(self) -> str: ...
    @property
    def filing(self) -> str: ...
    @property
    def amended(self) -> bool: ...


def _rank(row: Filed, order: int) -> tuple[bool, int, int]:
    number = int(row.filing) if row.filing.isdigit() else -1
    return (row.amended, number, order)


def latest_filings(rows: Iterable[Filed]) -> dict[tuple[str, str], str]:
    """The filing in force for each (committee, report)."""
    best: dict[tuple[str, str], tuple[tuple[bool, int, int], str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for order, row in enumerate(rows):
        key3 = (row.committee, row.report, row.filing)
        if key3 in seen:
            continue
        seen.add(key3)
        rank = _rank(row, order)
        key = (row.committee, row.report)
        found = best.get(key)
        if found is None or rank > found[0]:
            best[key] = (rank, row.filing)
    return {key: filing for key, (_rank_, filing) in best.items()}


def identity(row: Disbursement) -> tuple[str, ...]:
    """What makes two rows the same transaction: FEC's row id, else filing and transaction id."""
    if row.sub_id:
        return (row.sub_id,)
    return (row.committee, row.filing, row.tran_id)


def reconcile(rows: list[Disbursement], filings: Iterable[Filed] = ()) -> Reconciled:
    """The rows that count, and those that do not with the reason.

    ``filings`` are the filings read, rows or not: an amendment without Schedule B rows still
    replaces the rows of the report it amends.
    """
    in_force = latest_filings([*filings, *rows])
    kept: list[Disbursement] = []
    dropped: list[Dropped] = []
    superseded: dict[tuple[str, str, str], str] = {}
    first: dict[tuple[str, ...], Disbursement] = {}
    for row in rows:
        current = in_force[(row.committee, row.report)]
        if row.filing != current:
            superseded[(row.committee, row.report, row.filing)] = current
            dropped.append(Dropped(row, "superseded", f"replaced by filing {current}"))
            continue
        key = identity(row)
        earlier = first.get(key)
        if earlier is not None:
            dropped.append(
                Dropped(row, "duplicate", f"same transaction as {earlier.source}:{earlier.line}")
            )
            continue
        first[key] = row
        kept.append(row)
    return Reconciled(kept, dropped, superseded)
