"""Contract policy as code: rules, policy files, findings. No I/O."""

from subtier.core.policy.config import Policy, hourly_floor
from subtier.core.policy.evaluate import judge
from subtier.core.policy.finding import Evidence, Finding
from subtier.core.policy.rules import RULES, Context
from subtier.core.severity import Severity

__all__ = ["RULES", "Context", "Evidence", "Finding", "Policy", "Severity", "hourly_floor", "judge"]
