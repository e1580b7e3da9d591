"""Policy files: which rules are on, their parameters and severities.

    subtier-policy: 1
    rules:
      no-prison-labor: {severity: critical}
      domestic-only: {countries: [US], severity: high}
      wage-floor: {hourly: 15.00, currency: USD, severity: high}
      subcontractors-disclosed: {severity: medium}
      listed-party: {sanctions: critical, forced-labor: critical, pep: low, watch: high}

A rule that is absent, or has ``enabled: false``, is off. An optional ``rider`` section sets
the numbers of the contract rider: ``{notice_days: 10, records_years: 3, audit_notice_days: 5}``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from subtier.core.model import Money, Per
from subtier.core.policy.params import RuleParams as _Params
from subtier.core.policy.rules.disclosure import SubcontractorsDisclosed
from subtier.core.policy.rules.domestic import DomesticOnly
from subtier.core.policy.rules.listed import ListedParty
from subtier.core.policy.rules.prison import NoPrisonLabor
from subtier.core.policy.rules.wages import WageFloor

__all__ = [
    "DomesticOnly",
    "ListedParty",
    "NoPrisonLabor",
    "Policy",
    "RiderTerms",
    "Rules",
    "SubcontractorsDisclosed",
    "WageFloor",
    "hourly_floor",
]


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    no_prison_labor: NoPrisonLabor | None = Field(default=None, alias="no-prison-labor")
    domestic_only: DomesticOnly | None = Field(default=None, alias="domestic-only")
    wage_floor: WageFloor | None = Field(default=None, alias="wage-floor")
    subcontractors_disclosed: SubcontractorsDisclosed | None = Field(
        default=None, alias="subcontractors-disclosed"
    )
    listed_party: ListedParty | None = Field(default=None, alias="listed-party")


class RiderTerms(BaseModel):
    """The numbers the contract rider binds the supplier to (``subtier riders``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice_days: int = Field(
        default=10, ge=1, le=365, description="Days to notify the buyer of a change."
    )
    records_years: int = Field(
        default=3, ge=1, le=25, description="Years to keep records for audit."
    )
    audit_notice_days: int = Field(
        default=5, ge=0, le=90, description="Days of notice the buyer gives before an audit."
    )


class Policy(BaseModel):
    """A contract policy: the rules a chain is judged by."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    version: Literal[1] = Field(alias="subtier-policy")
    name: str = "policy"
    rules: Rules
    rider: RiderTerms = Field(default_factory=RiderTerms)

    def params(self, rule: str) -> _Params | None:
        """The parameters of an enabled rule, or None when it is off."""
        value: _Params | None = getattr(self.rules, rule.replace("-", "_"))
        return value if value is not None and value.enabled else None


def hourly_floor(policy: Policy) -> Money | None:
    """The policy's wage floor as an hourly amount, or None when the rule is off."""
    params = policy.params("wage-floor")
    if not isinstance(params, WageFloor):
        return None
    return Money(amount=params.hourly, per=Per.HOUR, currency=params.currency)
