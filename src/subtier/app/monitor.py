"""`subtier monitor`: re-check every saved chain against the lists in force, store the run, and
say what is new, resolved or changed since the chain's previous run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from subtier.app.check import CheckResult, Confirmation, check
from subtier.core.model import Chain
from subtier.core.policy import Policy
from subtier.core.review import Decision, Delta, Tracked, compare, confirmed_sites, in_force, track
from subtier.core.screen import RiskList
from subtier.lists.programs import programs
from subtier.report.json import finding_dict
from subtier.store import ChainVersion, Workspace

# The viewer whose last run `subtier monitor` compares with.
MONITOR = "monitor"


def check_saved(
    decisions: Mapping[str, Decision], chain: Chain, policy: Policy, lists: Sequence[RiskList]
) -> CheckResult:
    """A chain kept in the workspace checked with the sites its reviewers confirmed (from the
    chain's ``decisions``): those matches are kept however the address reads now."""
    confirmations = [Confirmation(*item) for item in confirmed_sites(decisions)]
    return check(chain, policy, lists, confirmations=confirmations, programs=programs())


def tracked_findings(result: CheckResult) -> list[Tracked]:
    """A check's findings as the workspace keeps them: each with its key and its body."""
    return track(result.findings, result.chain, [finding_dict(f) for f in result.findings])


def monitor(
    workspace: Workspace,
    policy: Policy,
    keys: list[str] | None = None,
    by: str | None = None,
    on_chain: Callable[[str], None] | None = None,
) -> list[Delta]:
    """One run per saved chain (its latest version), compared with the run ``monitor`` last
    reported: findings are new since monitor's last run, whatever ran in between (the web
    portal checks each answer as it comes)."""
    lists = workspace.lists()
    deltas: list[Delta] = []
    for key in keys or workspace.chain_keys():
        if on_chain:
            on_chain(key)
        version, chain = workspace.chain(key)
        decisions = workspace.decisions(key)
        result = check_saved(decisions, chain, policy, lists)
        tracked = tracked_findings(result)
        last = workspace.seen(MONITOR, key)
        previous = workspace.run_findings(last) if last is not None else None
        run_id = workspace.record_run(version, tracked, policy.name, result.lists, by=by)
        workspace.mark_seen(MONITOR, key, run_id)
        deltas.append(compare(key, version.version, previous, tracked, decisions))
    return deltas


def with_reviews(workspace: Workspace, key: str, chain: Chain, result: CheckResult) -> CheckResult:
    """The result with the review decisions in force on its findings, as the reports show."""
    decisions = workspace.decisions(key)
    tracked = tracked_findings(result)
    reviews = {i: d for i, t in enumerate(tracked) if (d := in_force(t, decisions)) is not None}
    return replace(result, reviews=reviews)


def save_check(
    workspace: Workspace,
    chain: Chain,
    result: CheckResult,
    key: str | None = None,
    source: str | None = None,
    by: str | None = None,
) -> ChainVersion:
    """Keep a check in the workspace: the chain as a version (if new) and the run's findings.
    The user has just been shown them, so the next `subtier monitor` compares with this run."""
    version, _new = workspace.add_chain(chain, key=key, source=source, by=by)
    tracked = tracked_findings(result)
    run_id = workspace.record_run(version, tracked, result.policy.name, result.lists, by=by)
    workspace.mark_seen(MONITOR, version.key, run_id)
    return version
