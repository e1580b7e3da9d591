"""What is new, resolved or changed between two runs of a chain, and what review suppresses.

Pure: the store supplies the previous findings and the decisions; this compares them.
A finding is identified by its rule, its subject and the list entries behind it, so a new
facility at a site's address is a new finding. Its *evidence hash* also covers the subject's
address, so a dismissed finding comes back when the address or the matched entries change,
and not merely because an unrelated part of a list was updated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from subtier.core.model import Chain
from subtier.core.policy import Finding, Severity

DISMISS = "dismiss"
CONFIRM = "confirm"


@dataclass(frozen=True)
class Tracked:
    """A finding as it is stored: key, evidence hash, severity and its JSON body."""

    key: str
    evidence_hash: str
    severity: Severity
    body: Mapping[str, Any]

    @property
    def ref(self) -> str:
        """A short handle for the finding, stable across runs: what `subtier review` takes."""
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:10]


def finding_key(f: Finding) -> str:
    entries = sorted(f"{e.list}:{e.entry_id}" for e in f.evidence if e.list)
    return "|".join([f.rule, f.subject_kind, f.subject_id, *entries])


def _subject_snapshot(chain: Chain, kind: str, ident: str) -> Any:
    if kind == "site" and ident in chain.sites_by_id:
        return chain.sites_by_id[ident].model_dump(mode="json", exclude={"name", "source"})
    if kind == "organization" and ident in chain.organizations_by_id:
        org = chain.organizations_by_id[ident]
        return org.model_dump(mode="json", include={"address", "city", "state", "zip", "country"})
    return None


def evidence_hash(f: Finding, chain: Chain) -> str:
    evidence = sorted(
        (
            e.list or "",
            e.entry_id or "",
            e.entry_name or "",
            e.strength or "",
            e.reasons if not e.list else "",
        )
        for e in f.evidence
    )
    body = json.dumps(
        {"evidence": evidence, "subject": _subject_snapshot(chain, f.subject_kind, f.subject_id)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def track(
    findings: Sequence[Finding], chain: Chain, bodies: Sequence[Mapping[str, Any]]
) -> list[Tracked]:
    """Findings with their keys and evidence hashes; `bodies` are their JSON forms, in order."""
    return [
        Tracked(finding_key(f), evidence_hash(f, chain), f.severity, body)
        for f, body in zip(findings, bodies, strict=True)
    ]


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on a finding, valid while its evidence is unchanged."""

    finding_key: str
    evidence_hash: str
    decision: str
    reason: str
    by: str
    at: str


@dataclass
class Delta:
    """One chain's changes since its previous run."""

    chain: str
    version: int
    new: list[Tracked] = field(default_factory=list)
    resolved: list[Tracked] = field(default_factory=list)
    changed: list[tuple[Tracked, Tracked]] = field(default_factory=list)
    suppressed: list[Tracked] = field(default_factory=list)  # dismissed, evidence unchanged
    first_run: bool = False

    def alerts(self, level: Severity) -> list[Tracked]:
        return [t for t in self.new if t.severity.rank >= level.rank]


def compare(
    chain: str,
    version: int,
    previous: Sequence[Tracked] | None,
    current: Sequence[Tracked],
    decisions: Mapping[str, Decision],
) -> Delta:
    """Compare a run with the one before it; dismissed findings with unchanged evidence are
    suppressed, whether they would be new or changed."""
    delta = Delta(chain, version, first_run=previous is None)
    before = {t.key: t for t in previous or ()}
    now = {t.key: t for t in current}
    for key, item in now.items():
        decision = in_force(item, decisions)
        if decision is not None and decision.decision == DISMISS:
            delta.suppressed.append(item)
            continue
        old = before.get(key)
        if old is None:
            delta.new.append(item)
        elif old.evidence_hash != item.evidence_hash or old.severity != item.severity:
            delta.changed.append((old, item))
    delta.resolved = [item for key, item in before.items() if key not in now]
    return delta


def in_force(item: Tracked, decisions: Mapping[str, Decision]) -> Decision | None:
    """The decision on a finding that still holds: made on the evidence it has now. Every
    surface (review, monitor, the dashboard, the API) reads decisions through this."""
    decision = decisions.get(item.key)
    if decision is None or decision.evidence_hash != item.evidence_hash:
        return None
    return decision


def is_open(item: Tracked, decisions: Mapping[str, Decision]) -> bool:
    """A finding needs review unless a decision covers its current evidence."""
    return in_force(item, decisions) is None


def confirmed_sites(decisions: Mapping[str, Decision]) -> list[tuple[str, str, str, str]]:
    """(site, list, entry id, note) for every confirmed site match, from the findings' keys."""
    out = []
    for key, decision in decisions.items():
        rule, kind, subject, *entries = key.split("|")
        if decision.decision != CONFIRM or rule != "no-prison-labor" or kind != "site":
            continue
        for entry in entries:
            list_name, _, entry_id = entry.partition(":")
            note = f"confirmed by {decision.by} on {decision.at[:10]}: {decision.reason}"
            out.append((subject, list_name, entry_id, note))
    return out
