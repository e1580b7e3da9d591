"""Candidate keys: several per record, so that a true match shares at least one with its query."""

from __future__ import annotations

from collections.abc import Iterator

from subtier.normalize.names import phonetic
from subtier.screen.record import Record

# Grid cell size for coordinates, in degrees (about 1.1 km north-south).
CELL = 0.01


def cell(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // CELL), int(lon // CELL)


def name_keys(record: Record) -> Iterator[str]:
    for norm in record.names:
        for token in norm.tokens:
            if token in norm.forms:
                continue
            yield f"n:{token}"
            if len(token) >= 4 and token.isalpha():
                code = phonetic(token)
                if len(code) >= 3:  # shorter codes are shared by too many words to block on
                    yield f"p:{code}"
        core = "".join(t for t in norm.tokens if t not in norm.forms)
        if core:
            yield f"j:{core}"


def address_keys(record: Record) -> Iterator[str]:
    a = record.address
    if a is None:
        return
    street = a.street_name
    if street:
        for place in (a.zip5, f"{a.city}|{a.state}" if a.city else None):
            if place:
                yield f"s:{place}|{street}"


def identifier_keys(record: Record) -> Iterator[str]:
    for scheme, value in record.identifiers.items():
        yield f"i:{scheme}:{value}"


def entry_keys(record: Record) -> set[str]:
    """Keys under which a list entry is indexed."""
    keys = {*name_keys(record), *address_keys(record), *identifier_keys(record)}
    if record.latitude is not None and record.longitude is not None:
        row, col = cell(record.latitude, record.longitude)
        keys.add(f"g:{row}:{col}")
    return keys


def query_keys(record: Record) -> set[str]:
    """Keys a query looks up; a point looks in its own grid cell and the eight around it."""
    keys = {*name_keys(record), *address_keys(record), *identifier_keys(record)}
    if record.latitude is not None and record.longitude is not None:
        row, col = cell(record.latitude, record.longitude)
        keys.update(f"g:{row + dr}:{col + dc}" for dr in (-1, 0, 1) for dc in (-1, 0, 1))
    return keys
