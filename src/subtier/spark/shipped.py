"""Lists as Spark executors get them: normalized once on the driver, broadcast, scored as is.

A list is loaded by the same code as the local engine (subtier.lists.load_list), so both engines
see the same records. Executors never re-read or re-normalize a list. A list goes either with
its index (IndexedList: executors look candidates up as the local engine does) or as records
and word weights only (ShippedList: candidates come from Spark's joins).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from subtier.core.screen import ListInfo, Record, RiskList, Screener
from subtier.core.screen.features import Context
from subtier.core.screen.index import list_context
from subtier.core.screen.packed import list_bytes, list_from_bytes


@dataclass(frozen=True)
class ShippedList:
    """What an executor needs of a list: its identity, its records and its word weights."""

    info: ListInfo
    records: tuple[Record, ...]
    context: Context


def ship(risk_list: RiskList) -> ShippedList:
    """The list with its IDF context, in a form pickle can carry."""
    context = list_context(risk_list.records)
    return ShippedList(risk_list.info, tuple(_picklable(r) for r in risk_list.records), context)


def _picklable(record: Record) -> Record:
    # make_record shares one read-only empty mapping between records; pickle refuses those.
    if isinstance(record.identifiers, MappingProxyType):
        return dataclasses.replace(record, identifiers=dict(record.identifiers))
    return record


class _ContextOnly:
    """Stands in for a list's index where only its word weights are read (by score_pair)."""

    def __init__(self, context: Context) -> None:
        self.context = context


_SCORING: dict[str, list[RiskList]] = {}


def scoring_lists(key: str, shipped: Sequence[ShippedList]) -> list[RiskList]:
    """The lists as score_pair takes them, made once per executor process and run (``key``).

    score_pair reads a list's word weights from ``risk_list.index.context``. Building the whole
    index on every executor would cost what the candidate join saves, so each list's cached
    index is set to the weights computed on the driver with the same function (list_context).
    """
    found = _SCORING.get(key)
    if found is None:
        found = []
        for one in shipped:
            risk_list = RiskList(one.info, one.records)
            attributes: dict[str, Any] = vars(risk_list)
            attributes["index"] = _ContextOnly(one.context)
            found.append(risk_list)
        _SCORING[key] = found
    return found


@dataclass(frozen=True)
class IndexedList:
    """A list with its index, as bytes: a few megabytes for a list of 50,000 entries."""

    info: ListInfo
    data: bytes


def ship_indexed(risk_list: RiskList) -> IndexedList:
    return IndexedList(risk_list.info, list_bytes(risk_list.records, risk_list.index))


_SCREENERS: dict[str, Screener] = {}


def screener(key: str, shipped: Sequence[IndexedList], threshold: float) -> Screener:
    """The local engine's screener over the shipped lists, made once per Python worker and run.

    Python workers are reused between tasks, so a worker unpacks the lists once per run.
    """
    found = _SCREENERS.get(key)
    if found is None:
        lists = []
        for one in shipped:
            entries, index = list_from_bytes(one.data)
            lists.append(RiskList(one.info, entries, prepared=index))
        _SCREENERS.clear()  # one run's lists at a time in a long-lived worker
        found = _SCREENERS[key] = Screener(lists, threshold)
    return found
