"""What a party to a disclosure may do, and to whose answers."""

from subtier.core.disclosure.authority import (
    BUYER,
    Link,
    NotYoursError,
    Party,
    Verdict,
    may_change,
    may_issue,
    may_withdraw,
    require,
    vendor,
)

__all__ = [
    "BUYER",
    "Link",
    "NotYoursError",
    "Party",
    "Verdict",
    "may_change",
    "may_issue",
    "may_withdraw",
    "require",
    "vendor",
]
