"""Severities, in order."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is: info < low < medium < high < critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)

    def lower(self) -> Severity:
        """One step less serious (a *possible* match counts one step below a certain one)."""
        return _ORDER[max(0, self.rank - 1)]


_ORDER = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
