"""The model: chains of organizations, sites, engagements and workforces. No I/O."""

from subtier.core.model.chain import (
    WORKER,
    Chain,
    Engagement,
    Labor,
    Organization,
    OrgType,
    Site,
    Workforce,
)
from subtier.core.model.graph import ChainGraph, find_cycle
from subtier.core.model.money import Money, Per
from subtier.core.model.problems import Loc, Problem
from subtier.core.model.validate import validate_chain

__all__ = [
    "WORKER",
    "Chain",
    "ChainGraph",
    "Engagement",
    "Labor",
    "Loc",
    "Money",
    "OrgType",
    "Organization",
    "Per",
    "Problem",
    "Site",
    "Workforce",
    "find_cycle",
    "validate_chain",
]
