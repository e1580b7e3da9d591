"""A record to screen or to screen against: names, address, country, place and identifiers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from types import MappingProxyType

from subtier.core.immutable import immutable
from subtier.core.normalize.addresses import Address, parse_address
from subtier.core.normalize.names import NormName, normalize_name
from subtier.core.normalize.places import country_code
from subtier.core.normalize.tables import load_tables

# Shared by every record without identifiers (read-only, so that none can change it for all).
NO_IDENTIFIERS: Mapping[str, str] = MappingProxyType({})


@immutable()
class Record:
    """One subject (a site, an organization, a roster row) or one list entry, normalized."""

    id: str
    name: str
    names: tuple[NormName, ...]
    address: Address | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    extent_m: float | None = None  # radius of the grounds around (latitude, longitude)
    identifiers: Mapping[str, str] = field(default_factory=dict)
    status: str | None = None  # e.g. "closed": reported with the match, weakens it to possible

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def make_record(
    id: str,
    name: str,
    *,
    aliases: Sequence[str] = (),
    address: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,
    country: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    extent_m: float | None = None,
    identifiers: Mapping[str, str] | None = None,
    status: str | None = None,
    parsed: Address | None = None,
) -> Record:
    """Normalize the parts of a record. ``parsed`` skips address parsing when it is known."""
    if aliases:
        given = (name, *aliases)
        names = tuple(dict.fromkeys(normalize_name(n) for n in given if n and n.strip()))
    else:  # most records: one name, nothing to deduplicate
        names = (normalize_name(name),) if name and name.strip() else ()
    addr = parsed
    if addr is None and (
        (address and address.strip())
        or (city and city.strip())
        or (state and state.strip())
        or (zip and zip.strip())
    ):
        addr = parse_address(address, city, state, zip, country)
    code = country_code(country) if country else None
    if code is None and addr is not None:
        code = addr.country
    ids = (
        {k.lower(): v.strip().upper() for k, v in identifiers.items() if v}
        if identifiers
        else NO_IDENTIFIERS
    )
    # By position, in the order of Record's fields: quicker than by name, for every entry.
    return Record(id, name, names, addr, code, latitude, longitude, extent_m, ids, status)


def warm_up() -> None:
    """Load now what normalization loads on first use, so that worker processes forked next
    find it loaded instead of each loading it: rigour's tables (``load_tables``; at once if a
    thread has built them) and usaddress's model, which a made-up US address loads here."""
    load_tables()
    make_record("", "Acme Holdings LLC", address="1 N Main St, Springfield, IL 62701")
