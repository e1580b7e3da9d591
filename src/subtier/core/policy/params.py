"""What every rule's parameters have: whether it is on, and the severity of its findings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from subtier.core.severity import Severity


class RuleParams(BaseModel):
    """A rule's parameters in the policy file; each rule's module adds its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    severity: Severity
