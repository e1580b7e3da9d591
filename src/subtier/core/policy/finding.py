"""A rule's verdict on one subject, with its evidence and the path from the root buyer."""

from __future__ import annotations

from dataclasses import dataclass

from subtier.core.severity import Severity


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was raised: a list match, or a fact stated in the chain."""

    reasons: str
    list: str | None = None
    list_version: str | None = None
    entry_id: str | None = None
    entry_name: str | None = None
    score: float | None = None
    strength: str | None = None  # "match" or "possible", for list matches
    source: str | None = None  # where the stated fact comes from


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one subject."""

    rule: str
    severity: Severity
    subject_kind: str  # organization, site, engagement or workforce
    subject_id: str
    path: tuple[str, ...]  # ids from the root buyer down to the subject
    summary: str
    evidence: tuple[Evidence, ...] = ()
