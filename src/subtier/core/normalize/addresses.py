"""Street addresses to comparable parts.

US addresses are parsed with usaddress (a CRF trained on US addresses); street types and
directionals are abbreviated the USPS way (``usps``), so "601 North Oak Street" and "601 N Oak
St" agree. A one-line address and separate city/state/zip fields are merged before parsing.
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import lru_cache
from sys import intern
from typing import Any

import usaddress
from rigour.text import ascii_text

from subtier.core.immutable import immutable
from subtier.core.normalize import usps
from subtier.core.normalize.fingerprint import address_fingerprint
from subtier.core.normalize.places import country_code, us_state
from subtier.core.normalize.usps import DIRECTIONS as _DIRECTIONS
from subtier.core.normalize.usps import STREET_TYPES as _STREET_TYPES

_LINE_STOPWORDS = frozenset({"no", "nr", "number", "num"})
_ZIP = re.compile(r"\b(\d{5})(?:-?\d{4})?\b")
_NON_WORD = re.compile(r"[^\w\s]")


@immutable(hashable=True)
class Address:
    """An address in comparable form. Every part is lower-case ASCII or None."""

    number: str | None = None  # house number, e.g. "601"
    street: str | None = None  # street name and type without directionals, e.g. "oak st"
    direction: str | None = None  # pre- or post-directional, e.g. "n"
    unit: str | None = None  # suite, unit, room: kept, but it never separates two addresses
    po_box: str | None = None
    city: str | None = None
    state: str | None = None  # two-letter US state code
    zip5: str | None = None
    country: str | None = None  # ISO alpha-2
    line: str = ""  # the whole address as one normalized line, for non-US and fallback comparison
    # Derived from `line` (passed in only when an address is rebuilt from astuple()).
    house: str | None = field(default=None, compare=False)  # first number in `line`
    words: tuple[str, ...] = field(default=(), compare=False)  # the words of `line`

    def __post_init__(self) -> None:
        # Derived once here, so that comparing against a list entry does no parsing at all.
        # Given already (an address rebuilt from its stored fields), they are kept.
        if self.words or self.house is not None or not self.line:
            return
        house, words = line_words(self.line)
        object.__setattr__(self, "house", house)
        object.__setattr__(self, "words", words)

    def astuple(self) -> tuple[Any, ...]:
        """Every field, derived ones included, in declaration order: ``Address(*astuple())``
        is the same address, rebuilt without working anything out again."""
        return (
            self.number, self.street, self.direction, self.unit, self.po_box, self.city,
            self.state, self.zip5, self.country, self.line, self.house, self.words,
        )  # fmt: skip

    @property
    def street_name(self) -> str | None:
        """The street without its type ("oak" for "oak st"): some writers drop the type."""
        if not self.street:
            return None
        parts = self.street.split()
        return (
            " ".join(parts[:-1]) if len(parts) > 1 and parts[-1] in _STREET_TYPES else self.street
        )

    @property
    def is_us(self) -> bool:
        return self.country == "us"

    def describe(self) -> str:
        parts = [" ".join(p for p in (self.number, self.direction, self.street) if p)]
        parts += [p for p in (self.city, self.state, self.zip5) if p]
        return ", ".join(p for p in parts if p) or self.line


def line_words(line: str) -> tuple[str | None, tuple[str, ...]]:
    """A normalized line's house number (its first word that starts with a digit) and its
    words of letters, "No" and the like left out."""
    words = line.split()
    if not _LINE_STOPWORDS.isdisjoint(words):
        words = [w for w in words if w not in _LINE_STOPWORDS]
    house = next((w for w in words if w[0].isdigit()), None)
    return house, tuple([intern(w) for w in words if w.isalpha()])


# The same for a part of a line that many addresses share (see _line_address).
_part_words = lru_cache(maxsize=100_000)(line_words)


@lru_cache(maxsize=100_000)
def _clean(value: str | None) -> str:
    # Cached: towns, states and unit words repeat across a roster.
    if not value:
        return ""
    text = value if value.isascii() else ascii_text(value)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


@lru_cache(maxsize=100_000)
def _fingerprint(value: str) -> str:
    return address_fingerprint(value) or _clean(value)


@lru_cache(maxsize=100_000)
def _part_fingerprint(value: str) -> str | None:
    return address_fingerprint(value)


# Secondary-unit designators that always take an identifier ("Suite 200", "Bldg C", "# 9").
_UNIT_WORDS = (
    r"(?:(?:apartment|apt|bldg|building|dept|department|dock|fl|floor|ofc|office|rm|room"
    r"|space|spc|ste|suite|unit)\.?\s*#?|#)\s*([a-z0-9-]{1,6})"
)
# A unit before the street, as on an envelope's top line ("Suite 200, 12 Oak St"), or after it.
_LEADING_UNIT = re.compile(rf"\s*{_UNIT_WORDS}\s*,\s*(\d.*)", re.IGNORECASE | re.DOTALL)
_TRAILING_UNIT = re.compile(rf"(.*?\S)[\s,]+{_UNIT_WORDS}[\s.,]*", re.IGNORECASE | re.DOTALL)


def _is_unit_id(ident: str) -> bool:
    # A figure in it, or one letter ("Unit C"); never a ZIP ("FL 33101" is a state and ZIP).
    if ident.isdigit() and len(ident) == 5:
        return False
    return any(c.isdigit() for c in ident) or (len(ident) == 1 and ident.isalpha())


def _split_unit(address: str) -> tuple[str, str | None]:
    """A street line without its unit, and the unit ("12 Oak St", "Suite 200").

    The unit is cut off before the model reads the line: written first, the model takes the
    house number for the unit's; written last after a misspelled street type ("Avene, #12"),
    it reads the unit into the street. A unit never tells two addresses apart, so nothing is
    lost by keeping it aside."""
    found = _LEADING_UNIT.fullmatch(address)
    if found is not None and _is_unit_id(found.group(1)):
        return found.group(2).strip(), address[: found.start(2)].strip(" ,")
    found = _TRAILING_UNIT.fullmatch(address)
    if found is not None and _is_unit_id(found.group(2)) and found.group(1)[:1].isdigit():
        return found.group(1).strip(" ,"), address[found.end(1) :].strip(" ,.")
    return address, None


# A house number leading a line, "No. 311" or "221B", and what follows it.
_LEADING_NUMBER = re.compile(r"((?:no\.?\s*)?\d+[a-z]?)\s+(\S.*)", re.IGNORECASE | re.DOTALL)


def _line_fingerprint(whole: str) -> str:
    """A whole address line's fingerprint (see _line_address)."""
    parts = _line_parts(whole)
    return _fingerprint(whole) if parts is None else f"{parts[0]} {parts[1]}"


def _line_parts(whole: str) -> tuple[str, str] | None:
    """A line's leading house number and the rest, each fingerprinted; None for a line that
    does not start with a number, or whose halves rigour finds nothing to fingerprint in."""
    found = _LEADING_NUMBER.fullmatch(whole)
    if found is None:
        return None
    number, rest = _part_fingerprint(found.group(1)), _part_fingerprint(found.group(2))
    return (number, rest) if number and rest else None


def _line_address(code: str, whole: str, city: str | None = None) -> Address:
    """The address of a line from abroad, fingerprinted whole or, when a house number leads
    it, in two halves.

    What follows the number (street and town) is shared by many addresses of a list: 3,831
    different ones among the 56,000 addresses of the companies benchmark, so each is
    fingerprinted, and split into words, once. A number never takes part in rigour's keyword
    or place names, and the two halves give the line's own fingerprint (a test holds them to
    it on every address in the bundled facility list, and on lines from abroad)."""
    parts = _line_parts(whole)
    if parts is None:
        return Address(city=city, country=code, line=_fingerprint(whole))
    (number_house, number_words), (rest_house, rest_words) = map(_part_words, parts)
    return Address(
        city=city,
        country=code,
        line=f"{parts[0]} {parts[1]}",
        house=number_house if number_house is not None else rest_house,
        words=number_words + rest_words,
    )


@lru_cache(maxsize=65_536)
def parse_address(
    address: str | None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,
    country: str | None = None,
) -> Address:
    """Parse an address given as one line, as separate fields, or both."""
    code = country_code(country) if country else None
    if code is not None and code != "us":
        # Abroad: the parts as one line, fingerprinted; no US street parts to look for.
        given = (address, city, state, zip)
        whole = ", ".join([p.strip() for p in given if p and p.strip()])
        town = (_clean(city) or None) if city else None
        return _line_address(code, whole, town) if whole else Address(city=town, country=code)
    state_code = us_state(state) if state else None
    if code is None and state_code is not None:
        code = "us"
    zip5 = None
    if zip:
        found = _ZIP.search(zip)
        zip5 = found.group(1) if found else None
        if zip5 and code is None and country is None:
            code = "us"
    given_unit = None
    if address:
        address, given_unit = _split_unit(address)
    line_parts = [p for p in (address, city, state, zip) if p and p.strip()]
    whole = ", ".join(p.strip() for p in line_parts)
    # A street-only line with the town in its own fields can skip the CRF model.
    separate = city is not None or state is not None or zip is not None
    simple = (_route_parts(address) or _simple_street(address)) if address and separate else None
    own = len(usaddress.tokenize(address.strip())) if address and separate else None
    parts = simple if simple is not None else (_tag(whole, own) if whole else {})
    raw_number = parts.get("AddressNumber")
    if raw_number and raw_number.isdigit():
        raw_number = raw_number.lstrip("0") or "0"  # "0875 S SR 9" is number 875
    number = (raw_number if raw_number and raw_number.isdigit() else _clean(raw_number)) or None
    if not parts.get("StreetName") and not number:
        parts = _road_landmark(parts)
    direction = usps.direction(
        _clean(parts.get("StreetNamePreDirectional") or parts.get("StreetNamePostDirectional"))
    )
    street, typo_direction = _street(parts)
    direction = direction or typo_direction
    unit = _clean(
        given_unit
        or " ".join(p for p in (parts.get("OccupancyType"), parts.get("OccupancyIdentifier")) if p)
    )
    box = _clean(parts.get("USPSBoxID")) or None
    parsed_city = usps.town(_clean(city) or _clean(parts.get("PlaceName"))) or None
    if state_code is None:
        state_code = us_state(parts.get("StateName"))
    if zip5 is None and parts.get("ZipCode"):
        found = _ZIP.search(parts["ZipCode"])
        zip5 = found.group(1) if found else None
    if code is None and (state_code or zip5):
        code = "us"
    return Address(
        number=number,
        street=street,
        direction=direction,
        unit=unit or None,
        po_box=box,
        city=parsed_city,
        state=state_code,
        zip5=zip5,
        country=code,
        # Parsed addresses spell their line from the parts; the rest are fingerprinted whole.
        line=" ".join(
            p for p in (number, direction, _line_street(parts), parsed_city, state_code, zip5) if p
        )
        if number and street
        else (_line_fingerprint(whole) if whole else ""),
    )


# The fast path's street types and directionals: the one-word forms of the USPS tables.
_SIMPLE_TYPES = frozenset(k.upper() for k in _STREET_TYPES if " " not in k)
_SIMPLE_DIRS = frozenset(k.upper() for k in _DIRECTIONS if " " not in k)
# Abbreviated types in a name ("Court St Rd") are left to the model; spelled-out ones are
# common name words ("Park", "Lake", "Mill") that the model reads as the name too.
_SIMPLE_NOT_NAMES = (_SIMPLE_TYPES - usps.SPELLED_TYPES) | _SIMPLE_DIRS
# Plain name words: three letters or more, or an ordinal ("25TH"). Initials, "MT", "LT" and the
# like are left to the model.
_SIMPLE_NAME = re.compile(r"^[A-Z][A-Z']{2,}$|^\d+(ST|ND|RD|TH)$")


def _street(parts: dict[str, str]) -> tuple[str | None, str | None]:
    """The street in USPS form, and a directional found misspelled in its name."""
    return usps.us_street(
        _clean(parts.get("StreetNamePreType")),
        _clean(parts.get("StreetName")),
        _clean(parts.get("StreetNamePostType")),
        _clean(parts.get("StreetNamePreModifier")),
        "" if parts.get("OccupancyType") else _clean(parts.get("OccupancyIdentifier")),
    )


def _line_street(parts: dict[str, str]) -> str | None:
    """The street as the address's whole line spells it: rigour's fingerprint, as for every
    line (abroad, unparsed) it may be compared with word by word. Street parts are compared
    in their USPS form (``_street``), which never reads a state or country in a name."""
    words = " ".join(
        p
        for p in (
            parts.get("StreetNamePreModifier"),
            parts.get("StreetNamePreType"),
            parts.get("StreetName"),
            parts.get("StreetNamePostType"),
        )
        if p
    )
    return _fingerprint(words) if words.strip() else None


def _road_landmark(parts: dict[str, str]) -> dict[str, str]:
    """A road given alone, which the model may read as a landmark ("Blackwater Falls Rd."), as
    the street it is."""
    landmark = _clean(parts.get("LandmarkName") or parts.get("BuildingName"))
    words = landmark.split()
    if len(words) < 2 or words[-1] not in _STREET_TYPES:
        return parts
    return {**parts, "StreetName": " ".join(words[:-1]), "StreetNamePostType": words[-1]}


def _route_parts(line: str) -> dict[str, str] | None:
    """A line that is a route alone ("379 Alabamma Hwy 239 N", "1397 State Rd O") in the
    model's parts, read without it (``usps.route_line``); None for any other line."""
    found = usps.route_line(line)
    if found is None:
        return None
    number, pre, name, post = found
    parts = {"AddressNumber": number, "StreetName": name}
    if pre:
        parts["StreetNamePreDirectional"] = pre
    if post:
        parts["StreetNamePostDirectional"] = post
    return parts


def _simple_street(line: str) -> dict[str, str] | None:
    """Parse the commonest street line, "601 N Oak St", without the CRF model.

    usaddress costs about 90 µs an address, which dominates screening large rosters; lines of
    exactly this shape (number, optional directional, plain words, a street type, optional
    directional) are split directly, and give the same parts (a test holds the two together).
    Anything else returns None and goes to usaddress.
    """
    words = line.upper().replace(".", "").split()
    if len(words) < 3 or not words[0].isdigit():
        return None
    parts = {"AddressNumber": words[0]}
    rest = words[1:]
    if rest[-1] in _SIMPLE_DIRS and len(rest) >= 3:
        parts["StreetNamePostDirectional"] = rest.pop()
    if rest[0] in _SIMPLE_DIRS and len(rest) >= 3:
        parts["StreetNamePreDirectional"] = rest.pop(0)
    if rest[-1] not in _SIMPLE_TYPES or len(rest) < 2:
        return None
    name = rest[:-1]
    if not all(_SIMPLE_NAME.match(w) for w in name):
        return None
    if not _SIMPLE_NOT_NAMES.isdisjoint(name):
        return None
    parts["StreetName"] = " ".join(name)
    parts["StreetNamePostType"] = rest[-1]
    return parts


# What the model may read in the town, state and ZIP fields when they are given apart.
_PLACE_LABELS = frozenset({"PlaceName", "StateName", "ZipCode", "CountryName"})


def _tag(text: str, own: int | None = None) -> dict[str, str]:
    """The model's parts of a line, joined by label as usaddress.tag joins them.

    ``own`` is how many of the line's words the address field gave, when the town, state and
    ZIP came in fields of their own and follow it: their words are a place, never part of the
    street, however the model reads them ("3rd Strrert, Kimball" is not the street "3rd
    Strrert Kimball"). Ambiguous input (a label in two places) keeps the first word of each
    label rather than failing the record."""
    tokens = usaddress.parse(text)
    if own is not None:
        tokens = [t for i, t in enumerate(tokens) if i < own or t[1] in _PLACE_LABELS]
    runs: dict[str, list[str]] = {}
    last = None
    crossing = False
    for value, label in tokens:
        # The second street of an intersection ("Hwy 50 & Evans Blvd") is not the first's.
        crossing = crossing or label == "IntersectionSeparator"
        if crossing and "StreetName" in label:
            label = "Second" + label
        if label == last:
            runs[label].append(value)
        elif label in runs:
            first: dict[str, str] = {}
            for word, name in tokens:
                first.setdefault(name, word.strip(","))
            return first
        else:
            runs[label] = [value]
        last = label
    return {label: " ".join(words).strip(" ,;") for label, words in runs.items()}
