"""Screening: explainable matching of records against risk lists."""

from subtier.core.screen.engine import DEFAULT_THRESHOLD, ListInfo, RiskList, Screener, score_pair
from subtier.core.screen.features import WEIGHTS, Feature
from subtier.core.screen.match import Match, Strength
from subtier.core.screen.record import Record, make_record

__all__ = [
    "DEFAULT_THRESHOLD",
    "WEIGHTS",
    "Feature",
    "ListInfo",
    "Match",
    "Record",
    "RiskList",
    "Screener",
    "Strength",
    "make_record",
    "score_pair",
]
