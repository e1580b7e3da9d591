"""US street names the USPS way (Publication 28), so that the ways vendors type them meet.

Street types and directionals come from usaddress-scourgify's copy of the Publication 28
tables: every written form ("Avenue", "Av", "Aven") maps to the standard abbreviation ("ave").
Route and highway forms are brought to one form per kind of road ("NY-38A", "State Rte 38A"
and "Highway 38A" are all "rte 38a"). The words of the name itself are left as typed, apart
from saint/mount/fort and spelled ordinals: rigour's fingerprint, which the rest of the world
gets, reads "Pennsylvania Ave" as a state and "Georgia Avenue" as a country, and shortens
"Industrial" to "ind", so that one typo ("Industial") no longer lies one letter away.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour._core import ordinals_dict
from scourgify.address_constants import (
    AMBIGUOUS_DIRECTIONALS,
    DIRECTIONAL_REPLACEMENTS,
    LONGHAND_STREET_TYPES,
    STATE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)

__all__ = ["DIRECTIONS", "SPELLED_TYPES", "STREET_TYPES", "direction", "us_street"]

# Every written form of a street type, lower-case, to its standard abbreviation ("plaza" and
# "plz" to "plz", "state highway" to "state hwy").
STREET_TYPES: dict[str, str] = {k.lower(): v.lower() for k, v in STREET_TYPE_ABBREVIATIONS.items()}
# The spelled-out street types, upper-case as Publication 28 gives them ("AVENUE", "PARK").
SPELLED_TYPES = frozenset(LONGHAND_STREET_TYPES.values())
# Every written form of a directional to its abbreviation ("northwest", "north-west" and "nw").
DIRECTIONS: dict[str, str] = {
    **{v.lower(): v.lower() for v in DIRECTIONAL_REPLACEMENTS.values()},
    **{k.lower(): v.lower() for k, v in DIRECTIONAL_REPLACEMENTS.items()},
    **{k.lower().replace("-", " "): v.lower() for k, v in AMBIGUOUS_DIRECTIONALS.items()},
}
# The spelled-out directionals and street types a typo is looked for against: long enough that
# one letter off ("Notrh", "Treet") is still clearly the word meant.
_LONG_DIRECTIONS = {k: v for k, v in DIRECTIONS.items() if len(k) >= 4 and " " not in k}
_LONG_TYPES = {
    long.lower(): STREET_TYPES[long.lower()]
    for long in LONGHAND_STREET_TYPES.values()
    if len(long) >= 5 and " " not in long and long.lower() in STREET_TYPES
}
_STATES = sorted(
    {k.lower() for k in STATE_ABBREVIATIONS} | {v.lower() for v in STATE_ABBREVIATIONS.values()},
    key=len,
    reverse=True,
)
_STATE_CODES = sorted({v.lower() for v in STATE_ABBREVIATIONS.values()})


def _ordinals() -> dict[str, str]:
    """Spelled English ordinals to their figures ("first" to "1", "twentysecond" to "22")."""
    out: dict[str, str] = {}
    for number, forms in ordinals_dict().items():
        for form in forms:
            word = form.lower()
            if (
                word.isascii()
                and word.isalpha()
                and word.endswith(("first", "second", "third", "th"))
            ):
                out[word] = str(number)
    return out


# Name words written out or abbreviated alike; spelled ordinals too (rigour's table).
_NAME_WORDS = {"saint": "st", "mount": "mt", "fort": "ft", **_ordinals()}
# A figure's ordinal ending ("2nd", "22d"), dropped as rigour does: "2nd St" is "2 st".
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th|d)")


def _name_word(word: str) -> str:
    if word[0].isdigit():
        found = _ORDINAL.fullmatch(word)
        return found.group(1) if found else word
    return _NAME_WORDS.get(word, word)


_NUMBER = r"(\d+[a-z]?)"
_ROUTE = r"(?:route|rte|rt|highway|hwy|hiway)"
_STATE = "|".join(re.escape(s) for s in _STATES)
# Kind of road, and the forms it is written in. US and state routes become one: vendors drop
# "US" and "State" freely, and two such roads with one number do not cross one ZIP's same
# house number. Interstates and county roads keep their own.
_ROUTES = (
    ("i", re.compile(rf"(?:i|ih|interstate)(?: (?:highway|hwy))? {_NUMBER}")),
    ("co rd", re.compile(rf"(?:county|cnty|co) (?:road|rd|{_ROUTE}) (\w+)|(?:cr|ch) {_NUMBER}")),
    ("fm", re.compile(rf"(?:fm|farm to market|farm to mkt|farm road)(?: road| rd)? {_NUMBER}")),
    ("rte", re.compile(rf"(?:us|u s|united states)(?: {_ROUTE})? {_NUMBER}")),
    ("rte", re.compile(rf"(?:(?:{_STATE}|state|st) )?(?:{_ROUTE}|road|rd) {_NUMBER}")),
    ("rte", re.compile(rf"(?:sr|sh|srt|{'|'.join(_STATE_CODES)}) {_NUMBER}")),
)
# Words after a route's number that say only that it is a road ("FM 1960 Rd").
_ROUTE_TAIL = frozenset({"road", "rd", "highway", "hwy", "route", "rte"})


def _route(words: str) -> str | None:
    """A route or highway in one form ("rte 38a"), or None for a street that is not one."""
    for kind, pattern in _ROUTES:
        found = pattern.match(words)
        if found is None:
            continue
        tail = words[found.end() :].split()
        if tail and not set(tail) <= _ROUTE_TAIL:
            continue
        number = next(g for g in found.groups() if g)
        return f"{kind} {number}"
    return None


def _fuzzy(word: str, table: dict[str, str]) -> str | None:
    """The table's value for a word one letter off one of its keys (a swap counts as one)."""
    if len(word) < 4 or not word.isalpha():
        return None
    for key, value in table.items():
        if abs(len(key) - len(word)) <= 1 and OSA.distance(word, key, score_cutoff=1) <= 1:
            return value
    return None


@lru_cache(maxsize=4096)
def direction(word: str) -> str | None:
    """A directional's abbreviation, one typo in a spelled-out one forgiven ("Notrh" is "n")."""
    if not word:
        return None
    return DIRECTIONS.get(word) or _fuzzy(word, _LONG_DIRECTIONS)


def _type(words: str) -> str:
    found = STREET_TYPES.get(words)
    if found is not None:
        return found
    return " ".join(STREET_TYPES.get(w, w) for w in words.split())


@lru_cache(maxsize=100_000)
def us_street(
    pre_type: str, name: str, post_type: str, modifier: str = ""
) -> tuple[str | None, str | None]:
    """A US street in USPS form from its cleaned parts, and a directional found misspelled at
    the start of its name ("notrh main" is "main", going "n")."""
    found_direction = None
    words = name.split()
    if not pre_type and len(words) > 1 and words[0] not in DIRECTIONS:
        found_direction = _fuzzy(words[0], _LONG_DIRECTIONS)
        if found_direction is not None:
            words = words[1:]
    if not post_type and len(words) > 1 and words[-1] not in STREET_TYPES:
        # A misspelled street type ("Downing Treet") is left in the name by the parser.
        typed = _fuzzy(words[-1], _LONG_TYPES)
        if typed is not None:
            words, post_type = words[:-1], typed
    whole = " ".join(p for p in (modifier, pre_type, " ".join(words), post_type) if p)
    if not whole:
        return None, found_direction
    route = _route(whole)
    if route is not None:
        return route, found_direction
    named = " ".join(_name_word(w) for w in " ".join(words).split())
    parts = (modifier, _type(pre_type) if pre_type else "", named, _type(post_type))
    return " ".join(p for p in parts if p) or None, found_direction
