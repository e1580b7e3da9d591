"""Candidate keys: several per record, so that a true match shares at least one with its query."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from subtier.core.normalize.names import skeleton
from subtier.core.screen.record import Record

# Grid cell size for coordinates, in degrees (about 1.1 km north-south).
CELL = 0.01
# Longer words get no one-letter-deletion keys: a word of n letters has n of them, n letters
# long, so a 100,000-letter "word" (a blob pasted into a name) would take 10 GB. Real words and
# legal names stay far below this; words run together still meet by their first letters.
MAX_TYPO_WORD = 40


def cell(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // CELL), int(lon // CELL)


@lru_cache(maxsize=200_000)  # queries repeat their words: "limited", "services", "county"
def token_keys(token: str) -> tuple[str, ...]:
    """Keys of one name word: itself, its sound skeleton, and its one-letter deletions."""
    keys = [f"n:{token}"]
    if len(token) >= 4 and token.isalpha():
        code = skeleton(token)
        if len(code) >= 3:  # shorter codes are shared by too many words to block on
            keys.append(f"p:{code}")
    if len(token) >= 6:
        # The first five letters: words run together ("baxlesoweaving") keep their first word's.
        keys.append(f"f:{token[:5]}")
    if 5 <= len(token) <= MAX_TYPO_WORD:
        # One letter deleted: a word with one typo shares one of these with the right word.
        keys.extend(f"d:{token[:i]}{token[i + 1 :]}" for i in range(len(token)))
        keys.append(f"d:{token}")
    return tuple(keys)


def name_key_groups(record: Record) -> Iterator[Sequence[str]]:
    """One group of keys per name word, and one for the whole name run together."""
    for norm in record.names:
        core = [t for t in norm.tokens if t not in norm.forms]
        for token in core:
            yield token_keys(token)
        if core:
            yield (f"j:{''.join(core)}",)


def name_keys(record: Record) -> Iterator[str]:
    for group in name_key_groups(record):
        yield from group


def address_keys(record: Record) -> Iterator[str]:
    a = record.address
    if a is None:
        return
    number_street = _number_street(a.line)
    if number_street:
        yield f"a:{number_street}"
    places = [p for p in (a.zip5, f"{a.city}|{a.state}" if a.city else None) if p]
    street = a.street_name
    if street:
        for place in places:
            yield f"s:{place}|{street}"
    # The house number or box in its ZIP and town: a street typed wrong still meets its entry.
    if a.number:
        for place in places:
            yield f"h:{place}|{a.number}"
    if a.po_box:
        for place in places:
            yield f"b:{place}|{a.po_box}"


def country_keys(record: Record) -> Iterator[str]:
    """The record's country: too common a key to find candidates by (see ``index.ONLY_ADDS``),
    it adds its weight to those found otherwise, so that of two entries of one name the one
    in the query's country ranks first."""
    if record.country:
        yield f"c:{record.country}"


def identifier_keys(record: Record) -> Iterator[str]:
    for scheme, value in record.identifiers.items():
        yield f"i:{scheme}:{value}"


def entry_keys(record: Record) -> set[str]:
    """Keys under which a list entry is indexed."""
    keys = {*name_keys(record), *address_keys(record), *identifier_keys(record)}
    keys.update(country_keys(record))
    if record.latitude is not None and record.longitude is not None:
        row, col = cell(record.latitude, record.longitude)
        keys.add(f"g:{row}:{col}")
    return keys


def query_key_groups(record: Record) -> list[Sequence[str]]:
    """Keys a query looks up, grouped so that each word or address counts once per candidate.

    A point looks in its own grid cell and the eight around it.
    """
    groups = [*name_key_groups(record)]
    groups += [(key,) for key in (*address_keys(record), *identifier_keys(record))]
    groups += [(key,) for key in country_keys(record)]
    if record.latitude is not None and record.longitude is not None:
        row, col = cell(record.latitude, record.longitude)
        groups.append(tuple(f"g:{row + dr}:{col + dc}" for dr in (-1, 0, 1) for dc in (-1, 0, 1)))
    return groups


def query_keys(record: Record) -> set[str]:
    """Every key a query looks up."""
    return {key for group in query_key_groups(record) for key in group}


def _number_street(line: str) -> str | None:
    """House number and the first word after it, from a normalized line ("360|harbour")."""
    words = line.split()
    for i, word in enumerate(words[:-1]):
        if word[0].isdigit():
            nxt = words[i + 1]
            return f"{word}|{nxt}" if nxt.isalpha() else None
    return None
