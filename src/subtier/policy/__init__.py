"""Contract policy as code: rules, policy files, findings. No I/O."""

from subtier.policy.config import Policy
from subtier.policy.evaluate import judge
from subtier.policy.finding import Evidence, Finding
from subtier.policy.rules import RULES, Context
from subtier.severity import Severity

__all__ = ["RULES", "Context", "Evidence", "Finding", "Policy", "Severity", "judge"]
