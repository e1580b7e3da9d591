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
    CITY_ABBRS,
    DIRECTIONAL_REPLACEMENTS,
    LONGHAND_STREET_TYPES,
    OCCUPANCY_TYPE_ABBREVIATIONS,
    STATE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)

__all__ = [
    "DIRECTIONS", "ORDINAL_WORDS", "SPELLED", "SPELLED_TYPES", "STREET_TYPES", "direction", "town", "us_street",
]  # fmt: skip

# Every written form of a street type, lower-case, to its standard abbreviation ("plaza" and
# "plz" to "plz", "state highway" to "state hwy").
STREET_TYPES: dict[str, str] = {k.lower(): v.lower() for k, v in STREET_TYPE_ABBREVIATIONS.items()}
# Each standard abbreviation's spelled-out form ("st" to "street"), which a typo in a type
# ("Sttreet") is measured against.
SPELLED: dict[str, str] = {k.lower(): v.lower() for k, v in LONGHAND_STREET_TYPES.items()}
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


def _spelled_ordinals(ordinals: dict[str, str]) -> dict[str, str]:
    # The shortest spelling of each, Roman ones ("lxviith") aside: what a typo is measured
    # against.
    out: dict[str, str] = {}
    for word, figure in ordinals.items():
        if set(word[:-2]) <= set("ivxlcdm"):
            continue
        known = out.get(figure)
        if known is None or len(word) < len(known):
            out[figure] = word
    return out


# Saint, Mount and Fort, abbreviated as in town names (scourgify's table, less "Virginia").
_PLACE_WORDS: dict[str, str] = {v.lower(): k.lower() for k, v in CITY_ABBRS.items() if k != "VA"}
# Name words written out or abbreviated alike; spelled ordinals too (rigour's table).
_NAME_WORDS = {**_PLACE_WORDS, **_ordinals()}
# A figure to its ordinal spelled out ("4" to "fourth"), for a typo in one ("Furoth St").
ORDINAL_WORDS = _spelled_ordinals(_ordinals())


@lru_cache(maxsize=100_000)
def town(cleaned: str) -> str:
    """A cleaned town name with Saint, Mount and Fort abbreviated ("ft stockton")."""
    words = cleaned.split()
    if _PLACE_WORDS.keys().isdisjoint(words):
        return cleaned
    return " ".join(_PLACE_WORDS.get(w, w) for w in words)


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


def _fuzzy(word: str, table: dict[str, str], longer: int = 7) -> str | None:
    """The table's value for a word one letter off one of its keys (a swap counts as one),
    or two off for a word of ``longer`` letters or more."""
    if len(word) < 4 or not word.isalpha():
        return None
    most = 1 if len(word) < longer else 2
    for key, value in table.items():
        if abs(len(key) - len(word)) <= most and OSA.distance(word, key, score_cutoff=most) <= most:
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


# Words of route names, which a typo ("Stae Rte 4", "Higghway 390") must not keep from meeting.
_ROUTE_WORDS = {
    w: w
    for w in ("state", "states", "route", "rte", "highway", "county", "road", "farm", "interstate")
}
# Words that make a street a numbered route, whose number the parser may take for a unit's
# ("777 Farm Road 3497": "3497" read as the unit).
_ROUTE_MARKS = frozenset({"state", "route", "rte", "rt", "highway", "hwy", "county", "farm", "fm"})
# Unit designators (Publication 28 secondary units) that the parser leaves in a street name
# ("Hwy 101 Room 17"): the name ends before one that is followed by its number.
_UNITS = frozenset(
    {k.lower() for k in OCCUPANCY_TYPE_ABBREVIATIONS}
    | {v.lower() for v in OCCUPANCY_TYPE_ABBREVIATIONS.values()}
    | {"dock"}  # not a Publication 28 unit, but vendors' sites have them
)


def _without_unit(words: list[str]) -> list[str]:
    for i in range(1, len(words) - 1):
        if words[i] in _UNITS and any(c.isdigit() for c in words[i + 1]):
            return words[:i]
    return words


def _route_words(words: list[str]) -> list[str]:
    """A route name's words with their typos mended, for a street with a number in it."""
    if not any(w[0].isdigit() for w in words):
        return words
    return [
        # Two letters off from five: few words lie that near a route word and before a number.
        w if w in STREET_TYPES or w in _ROUTE_WORDS else (_fuzzy(w, _ROUTE_WORDS, 5) or w)
        for w in words
    ]


@lru_cache(maxsize=100_000)
def us_street(
    pre_type: str, name: str, post_type: str, modifier: str = "", unit: str = ""
) -> tuple[str | None, str | None]:
    """A US street in USPS form from its cleaned parts, and a directional found misspelled at
    the start of its name ("notrh main" is "main", going "n"). ``unit`` is a unit number
    given without a designator: a route's own number, if the street is a route without one."""
    found_direction = None
    words = name.split()
    if any(c.isdigit() for c in post_type):  # "Road 22 Dock 1": "1" is no street type
        words, post_type = [*words, *post_type.split()], ""
    words = _without_unit(words)
    number = unit.split()[0] if unit else ""
    if number[:1].isdigit() and not any(c.isdigit() for c in name + pre_type + post_type):
        marks = {w for w in _route_words([*pre_type.split(), *words, *post_type.split(), "0"])}
        if not marks.isdisjoint(_ROUTE_MARKS):
            if post_type:
                words, post_type = [*words, post_type], ""
            words = [*words, number]
    if not pre_type and len(words) > 1 and words[0] not in DIRECTIONS:
        found_direction = _fuzzy(words[0], _LONG_DIRECTIONS)
        if found_direction is not None:
            words = words[1:]
    if post_type and post_type not in STREET_TYPES:
        post_type = _fuzzy(post_type, _LONG_TYPES) or post_type
    elif not post_type and len(words) > 1 and words[-1] not in STREET_TYPES:
        # A misspelled street type ("Downing Treet") is left in the name by the parser.
        typed = _fuzzy(words[-1], _LONG_TYPES)
        if typed is not None:
            words, post_type = words[:-1], typed
    whole = " ".join(p for p in (modifier, pre_type, " ".join(words), post_type) if p)
    if not whole:
        return None, found_direction
    route = _route(" ".join(_route_words(whole.split())))
    if route is not None:
        return route, found_direction
    named = " ".join(_name_word(w) for w in " ".join(words).split())
    parts = (modifier, _type(pre_type) if pre_type else "", named, _type(post_type))
    return " ".join(p for p in parts if p) or None, found_direction
