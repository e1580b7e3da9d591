"""Countries and US states to codes, through rigour's territory data."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territories, get_territory, lookup_territory


@lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code in lower case (``us``, ``ph``), or None when unknown."""
    if not value or not value.strip():
        return None
    territory = lookup_territory(value.strip())
    if territory is None:
        return None
    code = territory.code
    if "-" in code:  # a subdivision such as us-ok: its country is the prefix
        code = code.split("-", 1)[0]
    return code if len(code) == 2 else None


@lru_cache(maxsize=4096)
def us_state(value: str | None) -> str | None:
    """Two-letter US state code in lower case (``ok``) from a code or a name, or None."""
    if not value:
        return None
    text = value.strip().strip(".").lower().replace(".", "")
    if len(text) == 2 and text.isalpha():
        try:
            territory = get_territory(f"us-{text}")
        except Exception:  # rigour raises on codes it does not know
            territory = None
        if territory is not None:
            return text
        # Territories with their own country code (PR, GU, VI ...) are still US postal states.
        return text if text in _US_POSTAL_TERRITORIES else None
    # US state names are looked up in a table of their own: rigour's general lookup builds an
    # index of every territory name on first use (1.5 s), which a roster of foreign addresses
    # would pay in every process for nothing.
    return _us_state_names().get(text)


@lru_cache(maxsize=1)
def _us_state_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for territory in get_territories():
        if territory.code.startswith("us-"):
            names[territory.name.lower()] = territory.code[3:]
        elif territory.code in _US_POSTAL_TERRITORIES:
            names[territory.name.lower()] = territory.code
    names["district of columbia"] = "dc"
    names["washington dc"] = "dc"
    return names


_US_POSTAL_TERRITORIES = frozenset({"pr", "gu", "vi", "as", "mp", "dc"})
