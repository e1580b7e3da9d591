"""Judge a chain against a policy: run each enabled rule, collect and order the findings."""

from __future__ import annotations

from subtier.core.policy.config import Policy
from subtier.core.policy.finding import Finding
from subtier.core.policy.rules import RULES, Context


def judge(ctx: Context, policy: Policy) -> list[Finding]:
    """Findings of every enabled rule, most severe first, then in path order."""
    findings: list[Finding] = []
    for name, (rule, _params) in RULES.items():
        params = policy.params(name)
        if params is not None:
            findings.extend(rule(ctx, params))
    return sorted(findings, key=lambda f: (-f.severity.rank, list(RULES).index(f.rule), f.path))
