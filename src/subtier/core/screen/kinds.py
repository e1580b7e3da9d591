"""What a list holds: its kind decides what a match on it means and which rule reports it.

- ``facilities``: correctional facilities. A site matched by where it is is prison labor
  (``no-prison-labor``); the bundled HIFLD list is one.
- ``correctional-industries``: programs that sell prison labor, matched by who an
  organization is (``no-prison-labor``); the bundled curated list is one.
- ``sanctions``, ``forced-labor``, ``pep`` and ``watch`` (a user's own list): parties, matched
  by name, aliases, country, address and identifiers (``listed-party``). A watch list is
  screened against sites too, since users put addresses on their own lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class ListKind(StrEnum):
    """The kinds of list, as ``--kind`` and list metadata spell them."""

    FACILITIES = "facilities"
    CORRECTIONAL_INDUSTRIES = "correctional-industries"
    SANCTIONS = "sanctions"
    FORCED_LABOR = "forced-labor"
    PEP = "pep"
    WATCH = "watch"


LABELS: Mapping[ListKind, str] = {
    ListKind.FACILITIES: "a correctional facility list",
    ListKind.CORRECTIONAL_INDUSTRIES: "a correctional-industries program list",
    ListKind.SANCTIONS: "a sanctions list",
    ListKind.FORCED_LABOR: "a forced-labor entity list",
    ListKind.PEP: "a list of politically exposed persons",
    ListKind.WATCH: "your own watch list",
}
# Kinds a site is screened against (by address, location and name).
SITE_KINDS = frozenset({ListKind.FACILITIES, ListKind.WATCH})
# Kinds every organization and person of a chain is screened against by name.
PARTY_KINDS = frozenset({ListKind.SANCTIONS, ListKind.FORCED_LABOR, ListKind.PEP, ListKind.WATCH})


def parse_kind(value: str) -> ListKind:
    """A kind from how a user or a file spells it ("Forced labor", "sanction", "PEP")."""
    text = value.strip().lower().replace("_", "-").replace(" ", "-")
    text = _SYNONYMS.get(text, text)
    try:
        return ListKind(text)
    except ValueError:
        known = ", ".join(k.value for k in ListKind)
        raise ValueError(f"unknown list kind {value!r}: use one of {known}") from None


_SYNONYMS = {
    "sanction": "sanctions",
    "sanctioned": "sanctions",
    "facility": "facilities",
    "prisons": "facilities",
    "forced-labour": "forced-labor",
    "peps": "pep",
    "own": "watch",
    "watchlist": "watch",
    "correctional-industry": "correctional-industries",
}

# OpenSanctions topics (https://www.opensanctions.org/docs/topics/) that say what a list is.
_TOPIC_KINDS = (
    ("forced.labor", ListKind.FORCED_LABOR),
    ("sanction", ListKind.SANCTIONS),
    ("sanction.linked", ListKind.SANCTIONS),
    ("sanction.counter", ListKind.SANCTIONS),
    ("export.control", ListKind.SANCTIONS),
    ("debarment", ListKind.SANCTIONS),
    ("role.pep", ListKind.PEP),
    ("role.rca", ListKind.PEP),
)
# Dataset names that say it when the topics do not (forced-labor entity lists carry "sanction").
_DATASET_KINDS = (("uflpa", ListKind.FORCED_LABOR), ("forced_labor", ListKind.FORCED_LABOR))


def kind_from_metadata(topics: Iterable[str], datasets: Iterable[str]) -> ListKind | None:
    """The kind a list's entities say they are: forced labor before sanctions before PEP; None
    when they say nothing (the list is then the user's own watch list)."""
    found = set(topics)
    names = [d.lower() for d in datasets]
    for fragment, kind in _DATASET_KINDS:
        if any(fragment in name for name in names):
            return kind
    for topic, kind in _TOPIC_KINDS:
        if topic in found:
            return kind
    return None
