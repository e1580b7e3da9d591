"""FollowTheMoney entities as files hold them, read the same way for lists and for chains.

A file is JSON lines, one entity a line, or one JSON array of entities. Each entity is checked
for the shape FtM gives it (an id, a schema, properties that are lists of values), and an
Address entity is cut down to the parts a record needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from subtier.errors import InputError
from subtier.formats.nesting import MAX_DEPTH, depth

ALIAS_PROPS = ("alias", "previousName", "weakAlias")
# The entry's country: where it is, else where it is registered, else its people's nationality.
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "mainCountry")
IDENTIFIER_PROPS = (
    "registrationNumber",
    "taxNumber",
    "leiCode",
    "innCode",
    "ogrnCode",
    "vatCode",
    "uniqueEntityId",
    "dunsCode",
    "imoNumber",
    "idNumber",
)
# File name endings read as FtM; ``.ftm.json`` is covered by ``.json``.
FTM_SUFFIXES = (".json", ".jsonl", ".ijson", ".ftm")

_BOM = b"\xef\xbb\xbf"
# A list or an object inside a list: the only shapes that need a closer look (a property's
# values in a list, or a nested entity). A search at C speed, so plain lines cost nothing more.
_NESTED = re.compile(rb"\[\s*[\[{]")
_HINT = "each line must be one JSON entity, or the whole file one JSON array of entities"


@dataclass(frozen=True, slots=True)
class AddressParts:
    """An Address entity cut down to what make_record needs."""

    line: str | None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def entities(
    handle: BinaryIO, hash_update: Callable[[bytes], object], where: str
) -> Iterator[tuple[int | None, str, object]]:
    """(line number, label for errors, parsed JSON) for each entity, hashing every byte read.

    A file whose first character is ``[`` is one JSON array and is parsed whole: its entities
    have no line of their own, so errors name the entity's position in the array instead.
    """
    head = handle.read(4096)
    first = head.removeprefix(_BOM).lstrip()[:1]
    if first == b"[":
        raw = head + handle.read()
        hash_update(raw)
        try:
            items = orjson.loads(raw.removeprefix(_BOM))
        except orjson.JSONDecodeError as error:
            raise InputError(
                f"not valid JSON: {error.msg}", file=where, line=error.lineno
            ) from None
        for position, item in enumerate(items, 1):
            label = f"entity {position} of the array: "
            check_shape(item, where, None, label)
            yield None, label, item
        return
    handle.seek(0)
    for number, raw_line in enumerate(handle, 1):
        hash_update(raw_line)
        text = raw_line.removeprefix(_BOM) if number == 1 else raw_line
        if not text.strip():
            continue
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            message = f"not valid JSON ({error.msg}); {_HINT}"
            raise InputError(message, file=where, line=number) from None
        if _NESTED.search(text):
            check_shape(value, where, number, "")
        yield number, "", value


def check_shape(entity: object, where: str, line: int | None, label: str) -> None:
    """FtM property values are lists of strings, or of nested entities: a list inside a list
    is an error naming the property, and nesting deeper than a file needs is refused (it would
    end in a ``RecursionError`` far from the file)."""
    props = entity.get("properties") if isinstance(entity, dict) else None
    if not isinstance(props, dict):
        return
    for key, values in props.items():
        for value in values if isinstance(values, list) else ():
            if isinstance(value, list):
                message = f"{label}property {key!r} holds a list inside its list of values"
                raise InputError(message, file=where, line=line, field=f"properties.{key}")
            if isinstance(value, dict) and depth(value) > MAX_DEPTH:
                message = f"{label}property {key!r} nests entities more than {MAX_DEPTH} deep"
                raise InputError(message, file=where, line=line, field=f"properties.{key}")


def check_entity(
    entity: object, where: str, line: int | None, label: str
) -> tuple[str, str, Mapping[str, Any], str | None]:
    """The entity's id, schema, properties and caption, or an error: without an id and a
    schema it is not FtM."""
    if not isinstance(entity, dict):
        raise InputError(f"{label}not an entity: expected a JSON object", file=where, line=line)
    for key in ("id", "schema"):
        value = entity.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{label}entity without {key!r}", file=where, line=line, field=key)
    props = entity.get("properties") or {}
    if not isinstance(props, dict):
        message = f"{label}'properties' must be an object of lists"
        raise InputError(message, file=where, line=line, field="properties")
    caption = entity.get("caption")
    caption = caption.strip() if isinstance(caption, str) else None
    return entity["id"].strip(), entity["schema"].strip(), props, caption


def address_parts(values: Callable[[str], Sequence[str]]) -> AddressParts:
    """An FtM Address entity's parts, read the same way for lists and for chains: its street
    with the town, state and postcode as separate fields when it gives a street (the parts
    parse best, and a chain written out as FtM reads back as it was); else its one-line
    ``full`` form, which holds the town; else the parts it has. ``values(prop)`` gives a
    property's values."""

    def first(*keys: str) -> str | None:
        return next((v for key in keys for v in values(key)[:1]), None)

    country = first("country")
    street = ", ".join([*values("street")[:1], *values("street2")[:1]]) or None
    full = (first("full") or "").strip(" ,;")
    if street is None and full:
        return AddressParts(full, country=country)
    return AddressParts(
        street,
        city=first("city"),
        state=first("state", "region"),
        zip=first("postalCode"),
        country=country,
    )


def default_name(path: Path) -> str:
    """``sanctions.ftm.json`` → ``sanctions``: the file name without its FtM endings."""
    stem = path.name
    for suffix in (*FTM_SUFFIXES, ".ftm"):
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
    return stem
