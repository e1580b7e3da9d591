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

from pydantic import BaseModel, ConfigDict, Field, field_validator

from subtier.core.normalize.places import country_code
from subtier.core.severity import Severity


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    severity: Severity


class NoPrisonLabor(_Params):
    severity: Severity = Severity.CRITICAL
    c29_exemption: bool = Field(
        default=False,
        description=(
            "Allow prison work done for public authorities only (ILO C29 Art. 2(2)(c)); "
            "work placed at the disposal of a private party is flagged regardless."
        ),
    )


class DomesticOnly(_Params):
    severity: Severity = Severity.HIGH
    countries: list[str] = Field(default_factory=lambda: ["US"], min_length=1)

    @field_validator("countries")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        out = []
        for item in value:
            code = country_code(item)
            if code is None:
                raise ValueError(f"unknown country {item!r}")
            out.append(code.upper())
        return out


class WageFloor(_Params):
    severity: Severity = Severity.HIGH
    hourly: float = Field(default=15.0, gt=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class SubcontractorsDisclosed(_Params):
    severity: Severity = Severity.MEDIUM


class ListedParty(_Params):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    severity: Severity = Field(
        default=Severity.HIGH, description="For a match on a list whose kind is not named here."
    )
    sanctions: Severity = Severity.CRITICAL
    forced_labor: Severity = Field(default=Severity.CRITICAL, alias="forced-labor")
    pep: Severity = Severity.LOW
    watch: Severity = Severity.HIGH

    def for_kind(self, kind: str) -> Severity:
        """The severity of a certain match on a list of ``kind``."""
        value: Severity = getattr(self, kind.replace("-", "_"), self.severity)
        return value if isinstance(value, Severity) else self.severity


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
