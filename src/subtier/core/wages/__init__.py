"""Pay pass-through per tier, effective hourly wage, remediation cost. No I/O."""

from subtier.core.wages.flow import (
    DEFAULT_HOURS_PER_WEEK,
    Hourly,
    Remediation,
    TierPrice,
    WageFlow,
    to_hourly,
    trace_wages,
)

__all__ = [
    "DEFAULT_HOURS_PER_WEEK",
    "Hourly",
    "Remediation",
    "TierPrice",
    "WageFlow",
    "to_hourly",
    "trace_wages",
]
