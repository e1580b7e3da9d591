"""One Schedule B disbursement, read from an electronic filing or a bulk file, normalized.

Every reader turns its rows into :class:`Disbursement`; everything after reading works on these
alone, so a row from a ``.fec`` file and a row from a bulk file are treated the same way.
Amounts are whole cents, so totals add up exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Entity types of a person: an individual, or a candidate paid as one.
PERSON_TYPES = frozenset({"IND", "CAN"})
_AMOUNT = re.compile(r"-?(\d+)(?:\.(\d{0,2}))?")

# The longest field the FEC formats define is 200 characters (memo text, purpose); a field
# five times as long is not a filing's, and refusing it keeps a hostile file from costing
# minutes further on.
FIELD_LIMIT = 1_000


@dataclass(frozen=True, slots=True)
class Disbursement:
    """A Schedule B row: who was paid, how much, on which line, and where it was read."""

    source: str  # file name
    line: int  # line in that file (1-based)
    committee: str  # the filer's FEC committee id
    report: str  # the report this row belongs to, across amendments: "Q2 2021-04-01..2021-06-30"
    filing: str  # the filing (FEC file number) that reported it
    amended: bool  # the filing is an amendment
    form: str  # report form family: F3, F3P or F3X
    line_number: str  # Schedule B line, upper case: "23", "21B", "28A"
    tran_id: str
    back_ref: str  # for a memo sub-itemization: its parent's transaction id
    entity_type: str  # IND, ORG, CCM, COM, PAC, PTY, CAN
    name: str  # an organization's name, or "LAST, FIRST" for a person
    street: str
    city: str
    state: str
    zip: str
    date: str  # ISO date, or "" when the row gives none
    cents: int
    purpose: str
    memo: bool  # memo entries are itemizations of money counted elsewhere
    memo_text: str = ""
    sub_id: str = ""  # FEC's unique row id in bulk files
    category: str = ""  # the FEC's disbursement category code (001 to 012), when filed

    @property
    def is_person(self) -> bool:
        return self.entity_type in PERSON_TYPES


def parse_cents(text: str) -> int | None:
    """``"1234.5"`` → 123450; None unless the whole text is an amount with at most 2 decimals."""
    text = text.strip()
    found = _AMOUNT.fullmatch(text)
    if found is None:
        return None
    whole, fraction = found.group(1), (found.group(2) or "")
    value = int(whole) * 100 + int((fraction + "00")[:2])
    return -value if text.startswith("-") else value


def person_name(last: str, first: str, middle: str = "", suffix: str = "") -> str:
    """A person's name as FEC bulk files write it: ``LAST, FIRST MIDDLE SUFFIX``."""
    given = " ".join(p for p in (first, middle, suffix) if p)
    return f"{last}, {given}" if last and given else (last or given)


def money(cents: int) -> str:
    """``123450`` → ``"$1,234.50"``; negative amounts keep their sign in front."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"
