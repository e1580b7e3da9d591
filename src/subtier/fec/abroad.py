"""A payee's country, from what a Schedule B row gives: state, city and postal code.

FEC forms have no country field. A payee abroad is written with the state ``ZZ`` (the FEC's
code for a foreign address), with a province or a foreign postal code in place of a state and
ZIP, or with the country written into the city ("CEBU CITY, PHILIPPINES"). The result is an
ISO code, ``ZZ`` (ISO's code for "unknown") when the row says abroad but not where, or None
when nothing says the payee is abroad; a payee in a US state, territory or military post
office is ``US``.
"""

from __future__ import annotations

import re

from subtier.core.normalize.places import country_code, us_state

FOREIGN = "ZZ"  # abroad, country not known
_US_ZIP = re.compile(r"\d{5}(-?\d{4})?")
_CANADA = frozenset(["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"])
_MILITARY = frozenset({"AA", "AE", "AP"})
_WORDS = re.compile(r"[A-Za-z][A-Za-z .'-]*")


def _named_country(city: str) -> str | None:
    """A country named at the end of the city text: "Cebu City, Philippines" → PH."""
    parts = [p.strip() for p in re.split(r"[,/]", city) if p.strip()]
    candidates = [parts[-1]] if len(parts) > 1 else []
    words = city.replace(",", " ").split()
    candidates += [" ".join(words[-n:]) for n in (3, 2, 1) if len(words) > n]
    for text in candidates:
        if not _WORDS.fullmatch(text) or len(text) < 3:
            continue  # two letters alone could be a US state as well as a country
        code = country_code(text)
        if code is not None and code.upper() not in ("US", FOREIGN):
            return code.upper()
    return None


def payee_country(state: str, city: str, zip_code: str) -> str | None:
    """``("ZZ", "Cebu City, Philippines", "6000")`` → ``"PH"``; ``("ZZ", "Cebu City", "")`` → ``"ZZ"``."""
    state = state.strip().upper()
    zip_code = zip_code.strip()
    if state in _MILITARY or (state and us_state(state)):
        return "US"
    named = _named_country(city)
    if state == FOREIGN:
        return named or FOREIGN
    if state in _CANADA:
        return "CA"
    if named is not None and not state:
        return named
    if state or (zip_code and not _US_ZIP.fullmatch(zip_code)):
        return FOREIGN  # a state that is no US state, or a postal code the US does not use
    return None
