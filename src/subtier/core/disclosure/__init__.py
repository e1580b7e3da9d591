"""What a vendor may disclose and change in a chain, and how an answer applies to it. No I/O.

``answers`` holds what a disclosure is and how it applies to the chain; ``authority`` what a
party to a disclosure may do, and to whose answers.
"""

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
