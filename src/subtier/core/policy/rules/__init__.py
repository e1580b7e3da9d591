"""The rules, one module each: its parameters, its check (a small named function whose docstring
is the explanation users see) and its clause in the contract rider."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from subtier.core.policy.finding import Finding
from subtier.core.policy.rules.context import Context
from subtier.core.policy.rules.disclosure import SubcontractorsDisclosed, subcontractors_disclosed
from subtier.core.policy.rules.domestic import DomesticOnly, domestic_only
from subtier.core.policy.rules.listed import ListedParty, listed_party
from subtier.core.policy.rules.prison import NoPrisonLabor, no_prison_labor
from subtier.core.policy.rules.wages import WageFloor, wage_floor

Rule = Callable[[Context, Any], Iterator[Finding]]

# Rule name → (function, parameter model). The order is the order of the report.
RULES: Mapping[str, tuple[Rule, type[BaseModel]]] = {
    "no-prison-labor": (no_prison_labor, NoPrisonLabor),
    "listed-party": (listed_party, ListedParty),
    "domestic-only": (domestic_only, DomesticOnly),
    "wage-floor": (wage_floor, WageFloor),
    "subcontractors-disclosed": (subcontractors_disclosed, SubcontractorsDisclosed),
}

__all__ = ["RULES", "Context", "Rule"]
