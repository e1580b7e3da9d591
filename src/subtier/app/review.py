"""Reviewing findings: what is still to decide on each saved chain, and recording a decision."""

from __future__ import annotations

from dataclasses import dataclass

from subtier.core.review import Tracked, is_open
from subtier.errors import InputError
from subtier.store import Workspace


@dataclass(frozen=True)
class ToReview:
    """A saved chain's findings from its latest run that no decision covers yet."""

    chain: str
    run: bool  # False: the chain was never run, so there is nothing to review yet
    pending: list[Tracked]
    decided: int


def to_review(workspace: Workspace, chain: str | None = None) -> list[ToReview]:
    """What is left to review on one saved chain, or on every one."""
    out = []
    for key in [chain] if chain else workspace.chain_keys():
        current = workspace.latest_findings(key)
        if current is None:
            out.append(ToReview(key, False, [], 0))
            continue
        decisions = workspace.decisions(key)
        pending = [t for t in current if is_open(t, decisions)]
        out.append(ToReview(key, True, pending, len(current) - len(pending)))
    return out


def decide(
    workspace: Workspace,
    chain: str | None,
    dismiss: str | None,
    confirm: str | None,
    reason: str,
    by: str | None,
) -> tuple[str, Tracked]:
    """Dismiss or confirm one finding of a saved chain, by its ref; the decision and the finding."""
    if chain is None:
        raise InputError("name the chain whose finding you decide on")
    if dismiss and confirm:
        raise InputError("give either --dismiss or --confirm, not both")
    decision = "dismiss" if dismiss else "confirm"
    return decision, workspace.decide(chain, dismiss or confirm or "", decision, reason, by)
