"""What a list says about an entry beyond what it is matched by: why it is listed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class EntryDetails:
    """Why an entry is on its list, as the list states it (OpenSanctions and FtM carry all of
    these; a CSV list may give topics and datasets)."""

    topics: tuple[str, ...] = ()  # FtM topic codes, e.g. ("sanction", "role.pep")
    topic_labels: tuple[str, ...] = ()  # the same as people read them: ("Sanctioned", "PEP")
    datasets: tuple[str, ...] = ()  # e.g. ("us_ofac_sdn", "eu_fsf")
    programs: tuple[str, ...] = ()  # sanction programs, e.g. ("US OFAC: SDGT",)
    target: bool | None = None  # OpenSanctions: listed in its own right, not only linked
    first_seen: str | None = None
    last_seen: str | None = None

    def astuple(self) -> tuple[Any, ...]:
        """Plain values, for storing: ``EntryDetails(*astuple())`` is the same details."""
        return (
            self.topics, self.topic_labels, self.datasets, self.programs, self.target,
            self.first_seen, self.last_seen,
        )  # fmt: skip

    def describe(self) -> str:
        """One line for a finding: "Sanctioned; programs: EU FSF; datasets: eu_fsf"."""
        parts = []
        if self.topic_labels or self.topics:
            parts.append(", ".join(self.topic_labels or self.topics))
        if self.programs:
            parts.append("programs: " + ", ".join(self.programs))
        if self.datasets:
            parts.append("datasets: " + ", ".join(self.datasets))
        if self.target is False:
            parts.append("linked to a listed party, not listed itself")
        return "; ".join(parts)
