"""Countries and US states to codes, through rigour's territory data."""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territory, lookup_territory


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
    territory = lookup_territory(text)
    if territory is not None and territory.code.startswith("us-"):
        return territory.code[3:]
    if territory is not None and territory.code in _US_POSTAL_TERRITORIES:
        return territory.code
    return None


_US_POSTAL_TERRITORIES = frozenset({"pr", "gu", "vi", "as", "mp", "dc"})
