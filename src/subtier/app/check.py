"""The check as commands run it: the pure check, with a large chain's sites screened on every
core."""

from __future__ import annotations

from collections.abc import Sequence

from subtier.core.check import CheckResult, Confirmation
from subtier.core.check import check as check_here
from subtier.core.model import Chain
from subtier.core.policy import Policy
from subtier.core.screen import DEFAULT_THRESHOLD, RiskList
from subtier.core.screen.programs import ProgramList
from subtier.parallel.sites import screen_sites

__all__ = ["CheckResult", "Confirmation", "check"]


def check(
    chain: Chain,
    policy: Policy,
    lists: Sequence[RiskList],
    threshold: float = DEFAULT_THRESHOLD,
    confirmations: Sequence[Confirmation] = (),
    programs: ProgramList | None = None,
) -> CheckResult:
    """Screen, judge and trace the money of one chain; lists are passed in, loaded.

    ``programs`` is the correctional-industries program list every organization is screened
    against by name (``subtier.lists.programs()`` is the bundled one)."""
    return check_here(chain, policy, lists, threshold, confirmations, programs, screen_sites)
