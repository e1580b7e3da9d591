"""The screening engine: candidates from the index, scored by the declared features."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from subtier.core.screen.details import EntryDetails
from subtier.core.screen.features import CERTAIN, ESTIMATES, Feature, evaluate, evaluate_above
from subtier.core.screen.index import Index
from subtier.core.screen.kinds import ListKind
from subtier.core.screen.match import Match, Strength
from subtier.core.screen.record import Record

# Calibrated default: see docs/screening.md for how it was chosen.
DEFAULT_THRESHOLD = 0.7
# A list's data older than this many days is reported as such.
STALE_DAYS = 365
# Candidates scored per query and list: the best by the rarity of the keys they share.
SCORED = 5
# Queries a caller with many hands to screen_many (or Index.candidates_many) at a time: one
# query at a time, numpy's cost per call outweighs the lookup itself; a thousand keep the
# arrays small.
BATCH = 1_000


@dataclass(frozen=True)
class ListInfo:
    """What a list is and which version of it was used."""

    name: str
    version: str  # content hash and date, e.g. "2022-02-18+sha256:1a2b3c4d5e6f"
    entries: int
    source: str
    license: str = ""
    # What the list holds, which decides what a match on it means (see ``kinds``).
    kind: ListKind = ListKind.FACILITIES
    data_date: str = ""  # when its data was current (ISO date), if the list says

    def stale(self, today: date) -> bool:
        """Its data is more than a year old on ``today`` (facilities open, close and move)."""
        if not self.data_date:
            return False
        try:
            day = date.fromisoformat(self.data_date[:10])
        except ValueError:
            return False
        return (today - day).days > STALE_DAYS

    def age_warning(self, today: date) -> str | None:
        """What a report says of a list whose data is more than a year old."""
        if not self.stale(today):
            return None
        return (
            f"list {self.name} holds data of {self.data_date}, more than a year old: what"
            " has changed since (openings, closures, new listings) is not in it"
        )


@dataclass(frozen=True)
class RiskList:
    """A list of entries to screen against, with its version."""

    info: ListInfo
    records: Sequence[Record]
    prepared: Index | None = field(default=None, compare=False, repr=False)
    # Why entries are listed (topics, programs ...), by entry id; only for lists that say.
    details: Mapping[str, EntryDetails] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def index(self) -> Index:
        return self.prepared if self.prepared is not None else Index(self.records)

    @cached_property
    def by_id(self) -> dict[str, Record]:
        return {record.id: record for record in self.records}


# Scores are rounded to this many digits: a total this far below a threshold still reaches it.
_ROUNDING = 1e-4


def score_pair(query: Record, entry: Record, risk_list: RiskList) -> Match:
    """Score one query against one entry, keeping every feature's explanation."""
    return _match(query, entry, risk_list, evaluate(query, entry, risk_list.index.context))


def score_pair_above(
    query: Record, entry: Record, risk_list: RiskList, threshold: float
) -> Match | None:
    """score_pair's match when its score can reach ``threshold``, else None (found sooner)."""
    found = evaluate_above(query, entry, risk_list.index.context, threshold - _ROUNDING)
    return None if found is None else _match(query, entry, risk_list, found)


def _match(query: Record, entry: Record, risk_list: RiskList, features: list[Feature]) -> Match:
    total = sum(f.contribution for f in features)
    score = min(1.0, max(0.0, total))
    fired = {f.name for f in features if f.contribution > 0}
    certain = bool(fired & CERTAIN) or (
        not fired & ESTIMATES and any(f.name == "name" and f.value >= 0.9 for f in features)
    )
    if entry.status and entry.status.lower() == "closed":
        certain = False
    return Match(
        subject_id=query.id,
        list_name=risk_list.info.name,
        list_version=risk_list.info.version,
        entry_id=entry.id,
        entry_name=entry.name,
        score=round(score, 4),
        strength=Strength.MATCH if certain else Strength.POSSIBLE,
        features=tuple(features),
    )


class Screener:
    """Screens records against one or more lists."""

    def __init__(self, lists: Sequence[RiskList], threshold: float = DEFAULT_THRESHOLD) -> None:
        self.lists = list(lists)
        self.threshold = threshold

    def screen(self, query: Record, top: int = 1, candidates: int = SCORED) -> list[Match]:
        """The best ``top`` matches at or above the threshold, across all lists, best first."""
        return self.screen_many((query,), top, candidates)[0]

    def rank(self, query: Record, top: int = 1, candidates: int = SCORED) -> list[Match]:
        """The best ``top`` candidates whatever their score, best first."""
        return self.rank_many((query,), top, candidates)[0]

    def screen_many(
        self, queries: Sequence[Record], top: int = 1, candidates: int = SCORED
    ) -> list[list[Match]]:
        """``screen`` for each query; candidates are found for all of them at once."""
        # Candidates that cannot reach the threshold would sort below every one that does.
        # (At 0 or below every candidate reaches it: scores are clipped to 0..1.)
        floor = self.threshold if self.threshold > 0 else None
        found = self._ranked(queries, top, candidates, floor)
        return [[m for m in matches if m.score >= self.threshold] for matches in found]

    def rank_many(
        self, queries: Sequence[Record], top: int = 1, candidates: int = SCORED
    ) -> list[list[Match]]:
        """``rank`` for each query; candidates are found for all of them at once."""
        return self._ranked(queries, top, candidates, None)

    def _ranked(
        self, queries: Sequence[Record], top: int, candidates: int, threshold: float | None
    ) -> list[list[Match]]:
        scored: list[list[Match]] = [[] for _ in queries]
        for risk_list in self.lists:
            records = risk_list.records
            found = risk_list.index.candidates_many(queries, candidates)
            for query, positions, matches in zip(queries, found, scored, strict=True):
                for position in positions:
                    entry = records[position]
                    if threshold is None:
                        matches.append(score_pair(query, entry, risk_list))
                        continue
                    # A candidate scoring below the query's best ``top`` so far cannot make
                    # the cut: the bar rises as they are found, and scoring stops sooner.
                    floor = threshold
                    if len(matches) >= top:
                        floor = max(floor, sorted(m.score for m in matches)[-top])
                    match = score_pair_above(query, entry, risk_list, floor)
                    if match is not None:
                        matches.append(match)
        for matches in scored:
            rank_in_place(matches)
            del matches[top:]
        return scored


def best_first(m: Match) -> tuple[float, bool, str]:
    """The order matches are ranked in: score, then certain before possible, then entry id
    (but see ``rank_in_place`` for two entries of one list)."""
    return (-m.score, m.strength != Strength.MATCH, m.entry_id)


def rank_in_place(matches: list[Match]) -> None:
    """Sort matches best first (``best_first``); of two entries of one list with the same
    score and strength, the one with more evidence before the score is clipped comes first
    (of two records at one address, the one whose name agrees too). Entries of different lists
    keep best_first's order among them."""
    matches.sort(key=best_first)
    start = 0
    while start < len(matches):
        end = start + 1
        tie = best_first(matches[start])[:2]
        while end < len(matches) and best_first(matches[end])[:2] == tie:
            end += 1
        if end - start > 1:
            _by_evidence_per_list(matches, start, end)
        start = end


def _by_evidence_per_list(matches: list[Match], start: int, end: int) -> None:
    # Each list's matches go back into the places its matches held, by evidence.
    places: dict[str, list[int]] = {}
    for i in range(start, end):
        places.setdefault(matches[i].list_name, []).append(i)
    for spots in places.values():
        ranked = sorted((matches[i] for i in spots), key=lambda m: (-m.evidence, m.entry_id))
        for i, m in zip(spots, ranked, strict=True):
            matches[i] = m
