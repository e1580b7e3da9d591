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
    "DIRECTIONS", "ORDINAL_WORDS", "SPELLED", "SPELLED_TYPES", "STREET_TYPES", "direction",
    "route_line", "town", "us_street",
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
# Lettered state routes (Missouri's "Route O", "State Hwy EE"); a plain "Road A" is a street.
_LETTERED = re.compile(rf"(?:(?:{_STATE}|state|st) (?:{_ROUTE}|road|rd)|{_ROUTE}) ([a-z]{{1,2}})\b")
_ROUTES = (
    ("i", re.compile(rf"(?:i|ih|interstate)(?: (?:highway|hwy|route|rte|rt))? {_NUMBER}")),
    ("co rd", re.compile(rf"(?:county|cnty|co) (?:road|rd|{_ROUTE}) (\w+)|(?:cr|ch) {_NUMBER}")),
    (
        "fm",
        re.compile(rf"(?:fm|farm to market|farm to mkt|farm road|farm rd)(?: road| rd)? {_NUMBER}"),
    ),
    ("rte", re.compile(rf"(?:us|u s|united states)(?: {_ROUTE})? {_NUMBER}")),
    ("rte", re.compile(rf"(?:(?:us )?(?:{_STATE}|state|st) )?(?:{_ROUTE}|road|rd) {_NUMBER}")),
    ("rte", re.compile(rf"(?:sr|sh|srt|{'|'.join(_STATE_CODES)}) {_NUMBER}")),
    ("rte", _LETTERED),
)
# Words after a route's number that say only that it is a road ("FM 1960 Rd").
_ROUTE_TAIL = frozenset({"road", "rd", "highway", "hwy", "route", "rte"})
# Words after a route's number that name another road of that number ("US 64 Alt"): kept.
_ROUTE_KIND = {
    "alt": "alt", "alternate": "alt", "bus": "bus", "business": "bus", "byp": "byp",
    "bypass": "byp", "spur": "spur", "truck": "truck", "conn": "conn", "connector": "conn",
}  # fmt: skip
# Words before a route that name another road of that number ("Old Hwy 66", "BIA Route 700").
_ROUTE_PREFIXES = ("old ", "bia ")


def _route(words: str) -> str | None:
    """A route or highway in one form ("rte 38a"), or None for a street that is not one.
    "Old" and "BIA" before it, and "Alt", "Bus" or "Bypass" after its number, are kept: they
    name another road ("old rte 66", "rte 64 alt")."""
    prefix = next((p for p in _ROUTE_PREFIXES if words.startswith(p)), "")
    words = words[len(prefix) :]
    for kind, pattern in _ROUTES:
        found = pattern.match(words)
        if found is None:
            continue
        tail = [w for w in words[found.end() :].split() if w not in _ROUTE_TAIL]
        if not all(w in _ROUTE_KIND for w in tail):
            continue
        number = next(g for g in found.groups() if g)
        if pattern is _LETTERED and not _route_letters(number):
            continue
        return " ".join([f"{prefix}{kind} {number}", *(_ROUTE_KIND[w] for w in tail)])
    return None


def _fuzzy(word: str, table: dict[str, str], longer: int = 7) -> str | None:
    """The table's value for a word one letter off one of its keys (a swap counts as one),
    or two off for a word of ``longer`` letters or more; the nearest key, the first of
    those as near."""
    if len(word) < 4 or not word.isalpha():
        return None
    most = 1 if len(word) < longer else 2
    best, found = most + 1, None
    for key, value in table.items():
        if abs(len(key) - len(word)) <= most:
            edits = OSA.distance(word, key, score_cutoff=most)
            if edits < best:  # the nearest key ("statrs" is "states", not "state")
                best, found = edits, value
    return found


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
    for w in (
        "state", "states", "route", "rte", "highway", "county", "road", "farm", "market",
        "interstate", "united",
    )
}  # fmt: skip
# One-word state names, which come before a route ("Alabama Hwy 239") and are typed wrong too.
_STATE_NAMES = {w: w for w in _STATES if " " not in w and len(w) > 2}
# Words a route word is never mended from: directionals ("South" is no "Route") and the words
# of state names ("South Dakota Route 34").
_NOT_MENDED = frozenset(DIRECTIONS) | {w for name in _STATES for w in name.split()}
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


def _route_words(words: list[str], lettered: bool = False) -> list[str]:
    """A route name's words with their typos mended ("Stae", "Alabamma"), for a street with a
    number in it, or with a route's letters (``lettered``: "Countt Rd V")."""
    if not lettered and not any(w[0].isdigit() for w in words):
        return words
    return [w if w in STREET_TYPES or w in _NOT_MENDED else _mend(w) for w in words]


def _mend(word: str) -> str:
    # Two letters off from five: few words lie that near a route word and before a number.
    # A state's name one letter off, two from seven letters ("Allavama").
    return _fuzzy(word, _ROUTE_WORDS, 5) or _fuzzy(word, _STATE_NAMES) or word


# A route's letters ("Route O", "County Rd EE"), which the model reads as a unit, a directional
# or a town.
_ROUTE_LETTERS = re.compile(r"[a-z]{1,2}")


def _route_letters(word: str) -> bool:
    """Whether a word can be a route's letters: one or two, and no street type or directional
    ("Routh St" is no "Route ST", "County House Rd" no "County Route RD")."""
    return (
        bool(_ROUTE_LETTERS.fullmatch(word)) and word not in STREET_TYPES and word not in DIRECTIONS
    )


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
    lettered = _route_letters(number)
    if (number[:1].isdigit() or lettered) and not any(
        c.isdigit() for c in name + pre_type + post_type
    ):
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
    spelled = whole.split()
    route = _route(" ".join(_route_words(spelled, _route_letters(spelled[-1]))))
    if route is not None:
        return route, found_direction
    named = " ".join(_name_word(w) for w in " ".join(words).split())
    parts = (modifier, _type(pre_type) if pre_type else "", named, _type(post_type))
    return " ".join(p for p in parts if p) or None, found_direction


# Words a route line is made of before its number: route words, kinds of road, state names.
_ROUTE_LINE_WORDS = (
    frozenset(_ROUTE_WORDS)
    | {"rt", "hwy", "hiway", "rd", "us", "u", "s", "co", "cnty", "cr", "ch", "fm", "to", "mkt"}
    | {"i", "ih", "sr", "sh", "srt", "old", "bia", "f", "m"}
    | {w for name in _STATES for w in name.split()}
)
# The words of a route's kind that tell it is a route, not a street: one at least.
_ROUTE_LINE_MARKS = _ROUTE_MARKS | {"us", "hiway", "co", "cr", "sr", "sh", "i", "interstate"}


_ROAD_WORDS = {"road": "rd", "highway": "hwy", "hiway": "hwy", "route": "rte"}


@lru_cache(maxsize=100_000)
def route_line(line: str) -> tuple[str, str, str, str] | None:
    """A street line that is a route and nothing else, split without the model: its house
    number, pre-directional, route and post-directional ("379 Alabamma Hwy 239 N" is "379",
    "", "alabama hwy 239", "n"; "1397 State Rd O" is "1397", "", "state rd o", "").

    The model reads a route's letters (Missouri's "Route O", "County Rd EE") as a unit, a
    directional or a town, and a misspelled kind of road ("United Statrs Highway 51") as a
    street type. A line is taken here only when every word before the route's number or
    letters is a route word, a kind of road or a state's name, typos mended, and one says it
    is a route; anything else goes to the model."""
    words = re.sub(r"[.,]", " ", line.lower()).replace("-", " ").split()
    if len(words) < 3 or not words[0].isdigit():
        return None
    number, rest = words[0], words[1:]
    pre = rest.pop(0) if rest[0] in DIRECTIONS and len(rest) > 2 else ""
    post = rest.pop() if len(rest) > 2 and rest[-1] in DIRECTIONS else ""
    tail = [] if not rest or rest[-1] not in _ROUTE_KIND else [rest.pop()]
    if len(rest) < 2:
        return None
    designator = rest[-1]
    head = _route_words(rest[:-1], lettered=True)
    if not (designator[:1].isdigit() and designator.isalnum()) and not (
        _route_letters(designator) and head[-1] in _ROUTE_TAIL | {"rt"}
    ):
        return None
    if not set(head) <= _ROUTE_LINE_WORDS or set(head).isdisjoint(_ROUTE_LINE_MARKS):
        return None
    # Kinds of road in USPS form, as the model's street types would be ("Road Hwy" is "rd hwy").
    head = [_ROAD_WORDS.get(w, w) for w in head]
    return number, pre, " ".join([*head, designator, *tail]), post
