"""A scored, explained link from a subject to a list entry."""

from __future__ import annotations

from enum import StrEnum

from subtier.core.immutable import immutable
from subtier.core.screen.features import Feature


class Strength(StrEnum):
    """How sure a match is. *possible* rests on estimates (distance along a street, extent)."""

    MATCH = "match"
    POSSIBLE = "possible"


@immutable(hashable=True)
class Match:
    """A subject matched to a list entry, with the score and every feature behind it."""

    subject_id: str
    list_name: str
    list_version: str
    entry_id: str
    entry_name: str
    score: float
    strength: Strength
    features: tuple[Feature, ...]

    @property
    def evidence(self) -> float:
        """The features' contributions summed before the score is clipped to 0..1: two matches
        that both reach 1 (same address at two records of one site) differ here when one of
        them has its name too. Rounded, so that any order of adding them gives the same."""
        return round(sum(f.contribution for f in self.features), 6)

    @property
    def reasons(self) -> str:
        """Short, human-readable reasons, one per topic, strongest first."""
        ranked = sorted(self.features, key=lambda f: -abs(f.contribution))
        seen: set[str] = set()
        parts: list[str] = []
        for feature in ranked:
            if feature.topic in seen:
                continue
            seen.add(feature.topic)
            parts.append(f"{feature.topic}: {feature.detail}")
        return "; ".join(parts)
