"""Which country a site is in, read from what its record says. No I/O.

The site's own country field comes first, then its address text, then its state, and only last
its operator: an offshore call center written as "Cebu IT Park, Cebu City, Philippines" is in
the Philippines whoever runs it.

The address text is read from its end, where addresses say their country and state:

- a country name or code ("..., Philippines", "..., MEX");
- a US state with or without a ZIP ("..., IN 46204", "Portland, OR", "..., Washington, DC");
- a two-letter code that is both a US state and a country ("IN" is Indiana and India) is the
  state unless what precedes it belongs to the country: a region of that country and a postal
  code that is not a ZIP ("KA 560066, IN": Karnataka, India), or one of its known cities;
- weaker, and only when no US state is written anywhere: a known foreign city (rigour's places,
  and the offshore service hubs below) or a region with a postal code that the US never uses.

US towns carry many foreign names (Paris TX, Manila AR, Lebanon PA, Mexico MO), so a city alone
never outweighs a US state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rigour.territories import get_territories, get_territory, lookup_territory
from rigour.territories.territory import Territory
from rigour.territories.util import normalize_territory_name

from subtier.core.normalize.places import country_code
from subtier.core.normalize.places import us_state as _places_us_state

US = "US"

# Cities where offshore call and service centers cluster that rigour's territory data (which
# knows capitals) does not name. Names that are also US towns (Delhi, Kingston) are left out.
_SERVICE_HUBS: dict[str, tuple[str, ...]] = {
    "ph": (
        "Cebu", "Cebu City", "Mandaue", "Lapu-Lapu", "Makati", "Makati City", "Quezon City",
        "Taguig", "Pasig", "Pasay", "Mandaluyong", "Davao", "Davao City", "Bacolod", "Iloilo",
        "Iloilo City", "Clark", "Angeles City", "Baguio",
    ),
    "in": (
        "Bengaluru", "Bangalore", "Hyderabad", "Chennai", "Mumbai", "Pune", "Gurugram",
        "Gurgaon", "Noida", "Kolkata", "Ahmedabad", "Mohali", "Chandigarh", "Kochi",
        "Thiruvananthapuram", "Coimbatore", "Jaipur", "Indore",
    ),
    "mx": (
        "Ciudad de Mexico", "CDMX", "Tijuana", "Monterrey", "Guadalajara", "Ciudad Juarez",
        "Hermosillo", "Mexicali", "Chihuahua", "Queretaro", "Merida", "Leon", "Saltillo",
    ),
    "co": ("Bogota", "Medellin", "Barranquilla", "Cali"),
    "gt": ("Guatemala City",),
    "sv": ("San Salvador",),
    "do": ("Santo Domingo", "Santiago de los Caballeros"),
    "jm": ("Montego Bay",),
    "za": ("Cape Town", "Johannesburg", "Durban"),
    "eg": ("Cairo", "Alexandria"),
    "pk": ("Karachi", "Lahore"),
}  # fmt: skip

_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
_POSTAL = re.compile(r"^(?=.*\d)[A-Za-z0-9]{3,8}(?:[ -][A-Za-z0-9]{3,4})?$")
# A region code and a postal code: "KA 560066", "IN 46204", "ON K1A 0B1".
_REGION_POSTAL = re.compile(
    r"^(?P<region>[A-Za-z]{2,3})\.?\s+(?P<postal>[A-Za-z0-9][A-Za-z0-9 -]*)$"
)
_SEGMENTS = re.compile(r"[,;\n]+")


@dataclass(frozen=True, slots=True)
class Reading:
    """A country read from one part of a record, and what it was read from."""

    code: str  # ISO 3166-1 alpha-2, upper case
    said: str  # what the record says, for the evidence: "Philippines", "IN 46204"
    strong: bool = True  # False for a city name or a postal pattern alone


@dataclass(frozen=True, slots=True)
class SiteCountry:
    """A site's country and where it came from."""

    code: str
    source: str  # "the country field", "the address text", "the state", "the operator"
    said: str

    @property
    def evidence(self) -> str:
        return f"country from {self.source}: {self.said}"


def site_country(
    *,
    country: str | None,
    address: str | None,
    city: str | None,
    state: str | None,
    zip: str | None,
    operator_country: str | None,
) -> SiteCountry | None:
    """A site's country: its country field, its address text, its state, then its operator."""
    code = country_code(country)
    if code:
        return SiteCountry(code.upper(), "the country field", country or "")
    in_us_state = us_state(state) is not None and (not zip or bool(_ZIP.match(zip.strip())))
    line = _join(address, city)
    # rigour's full name lookup costs a second on first use: only a record without a US state
    # needs names in other languages ("Pilipinas").
    reading = read_address(line, deep=not in_us_state) if line else None
    if reading is not None and reading.strong:
        # With a US state given, a country's name right after the street is the town: US towns
        # are called Lebanon, Peru and Ontario. A street, a town and a country is the country.
        named_like_town = city is not None and _key(city) == _key(reading.said)
        street_then_name = len(_SEGMENTS.split(line)) < 3
        if not in_us_state or reading.code == US or not (named_like_town or street_then_name):
            return SiteCountry(reading.code, "the address text", reading.said)
    if in_us_state:
        return SiteCountry(US, "the state", f"{state} (a US state)")
    fields = _join(address, city, " ".join(p for p in (state, zip) if p))
    reading = read_address(fields, deep=False) if fields else None
    if reading is not None:
        return SiteCountry(reading.code, "the address text", reading.said)
    code = country_code(operator_country)
    if code:
        return SiteCountry(code.upper(), "the operator", operator_country or "")
    return None


def us_state(value: str | None) -> str | None:
    """Two-letter US state code in lower case from a code or a name, or None."""
    found = _places_us_state(value)
    if found is None and value:
        found = _us_state_names().get(_key(value))
    return found


def _join(*parts: str | None) -> str:
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _key(text: str) -> str:
    return normalize_territory_name(text)


def read_address(text: str, *, deep: bool = True) -> Reading | None:
    """The country an address line says it is in, or None when it does not say."""
    segments = [s.strip(" .") for s in _SEGMENTS.split(text)]
    segments = [s for s in segments if s]
    if not segments:
        return None
    *before, tail = segments
    reading = _tail(tail, before, deep)
    if reading is not None:
        return reading
    # No country or state at the end: look for a foreign city or postal form anywhere.
    if any(_us_state_with_zip(s) for s in segments):
        return None
    for segment in reversed(segments):
        city = _city(segment)
        if city is not None:
            return Reading(city.upper(), f"{segment}, a city in {_name(city)}", strong=False)
    for segment in reversed(segments):
        found = _region_postal(segment)
        if found is not None:
            said = f"{segment}, a region and postal code of {_name(found)}"
            return Reading(found.upper(), said, strong=False)
    return None


def _tail(tail: str, before: list[str], deep: bool) -> Reading | None:
    region = _REGION_POSTAL.match(tail)
    if region is not None and _POSTAL.match(region["postal"]):
        # "IN 46204", "KA 560066": a region and a postal code end the address.
        if us_state(region["region"]) and _ZIP.match(region["postal"]):
            return Reading(US, f"{tail} (a US state and ZIP)")
        return None
    if len(tail) == 2 and tail.isalpha():
        return _two_letters(tail, before)
    if len(tail) == 3 and tail.isalpha() and tail.isupper():
        code = _country_by_code(tail)  # "MEX", "PHL"
        if code is not None:
            return Reading(code.upper(), tail)
    state = us_state(tail)
    if state is not None:
        # A state name that is also a country (Georgia) is the state unless a city of the
        # country precedes it ("Tbilisi, Georgia").
        other = _country_by_name(tail, deep=False)
        if other is not None and _has_city_of(other, before):
            return Reading(other.upper(), tail)
        return Reading(US, f"{tail} (a US state)")
    words = tail.split()
    if len(words) > 1 and _POSTAL.match(words[-1]) and not words[-1].isalpha():
        words = words[:-1]  # "Philippines 6000"
    for size in range(min(4, len(words)), 0, -1):
        name = " ".join(words[-size:])
        code = _country_by_name(name, deep=deep and size == len(words))
        if code is not None:
            return Reading(code.upper(), name)
    return None


def _two_letters(tail: str, before: list[str]) -> Reading | None:
    state = us_state(tail)
    code = _country_by_code(tail)
    if state is None:
        return Reading(code.upper(), tail) if code else None
    if code is None or code == "us":
        return Reading(US, f"{tail} (a US state)")
    last = before[-1] if before else ""
    region = _REGION_POSTAL.match(last)
    if region is not None and not _ZIP.match(region["postal"]) and _POSTAL.match(region["postal"]):
        place = f"{tail} after {last}"
        if _is_region_of(code, region["region"]):
            return Reading(code.upper(), f"{_name(code)} ({place}: a region of {_name(code)})")
        return Reading(code.upper(), f"{_name(code)} ({place}: not a US state and ZIP)")
    if _has_city_of(code, before):
        return Reading(code.upper(), f"{_name(code)} ({tail} after a city in {_name(code)})")
    return Reading(US, f"{tail} (a US state)")


def _us_state_with_zip(segment: str) -> bool:
    region = _REGION_POSTAL.match(segment)
    if region is not None:
        return bool(us_state(region["region"]) and _ZIP.match(region["postal"]))
    return us_state(segment) is not None


def _region_postal(segment: str) -> str | None:
    """The country of a region code and a postal code the US does not use ("KA 560066")."""
    match = _REGION_POSTAL.match(segment)
    if match is None or _ZIP.match(match["postal"]) or not _POSTAL.match(match["postal"]):
        return None
    countries = _region_countries().get(match["region"].lower(), ())
    return countries[0] if len(countries) == 1 else None


def _has_city_of(code: str, segments: list[str]) -> bool:
    return any(_city(s) == code for s in segments)


def _city(segment: str) -> str | None:
    words = [w for w in segment.split() if not any(c.isdigit() for c in w)]
    return _cities().get(_key(" ".join(words))) if words else None


def _country_by_code(text: str) -> str | None:
    return _codes().get(text.lower())


def _country_by_name(text: str, *, deep: bool) -> str | None:
    key = _key(text)
    found = _names().get(key)
    if found is None and deep and len(key) > 3 and key not in _cities():
        # rigour's full lookup also knows names in other languages ("Pilipinas") and capitals,
        # which are cities here, not countries.
        territory = lookup_territory(text)
        found = _country_of(territory) if territory is not None else None
    return found


def _is_region_of(code: str, region: str) -> bool:
    try:
        return get_territory(f"{code}-{region.lower()}") is not None
    except Exception:  # rigour raises on codes it does not know
        return False


def _country_of(territory: Territory) -> str | None:
    code = territory.code.split("-", 1)[0]
    return code if len(code) == 2 else None


def _name(code: str) -> str:
    try:
        territory = get_territory(code.lower())
    except Exception:  # rigour raises on codes it does not know
        territory = None
    return territory.name if territory is not None else code.upper()


@lru_cache(maxsize=1)
def _us_state_names() -> dict[str, str]:
    """US state names as people write them: rigour calls one "Georgia (USA)"."""
    return {
        _key(t.name.split(" (", 1)[0]): t.code[3:]
        for t in get_territories()
        if t.code.startswith("us-")
    }


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    """Country codes (alpha-2, alpha-3 and others) to alpha-2."""
    out: dict[str, str] = {}
    for t in get_territories():
        if t.is_country and len(t.code) == 2 and not t.is_historical:
            for code in (t.code, t.alpha3, *t.other_codes):
                if code:
                    out.setdefault(code.lower(), t.code)
    return out


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Country and region names to the alpha-2 code of their country; a country's own name
    comes before a region's of the same name (Georgia)."""
    out: dict[str, str] = {}
    for t in sorted(get_territories(), key=lambda t: not t.is_country):
        code = _country_of(t)
        if code is None or t.is_historical:
            continue
        for name in (t.name, t.full_name):
            if name:
                out.setdefault(_key(name), code)
    return out


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """Known cities outside the US to the alpha-2 code of their country."""
    out: dict[str, str] = {}
    for t in get_territories():
        code = _country_of(t)
        if code is None or code == "us" or t.is_historical:
            continue
        for place in t.places or ():
            out.setdefault(_key(place), code)
    for code, hubs in _SERVICE_HUBS.items():
        for hub in hubs:
            out.setdefault(_key(hub), code)
    return out


@lru_cache(maxsize=1)
def _region_countries() -> dict[str, tuple[str, ...]]:
    """Region codes outside the US ("ka" of in-ka) to the countries that have them."""
    out: dict[str, list[str]] = {}
    for t in get_territories():
        country, _, region = t.code.partition("-")
        if region and country != "us" and len(country) == 2 and not t.is_historical:
            out.setdefault(region, []).append(country)
    return {k: tuple(sorted(set(v))) for k, v in out.items()}
