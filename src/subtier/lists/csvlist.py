"""A user's own list as CSV: ``id,name[,aliases,address,city,state,zip,country,identifiers,kind]``.

OpenSanctions' ``targets.simple.csv`` is read as it is: its ``aliases``, ``identifiers``,
``addresses``, ``countries``, ``sanctions``, ``dataset``, ``first_seen`` and ``last_seen``
columns fill the same fields. Several values in one cell are separated by semicolons.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from subtier.core.model.limits import ADDRESS_MAX, NAME_MAX
from subtier.core.screen import ListInfo, Record, RiskList, make_record
from subtier.core.screen.details import EntryDetails
from subtier.core.screen.kinds import ListKind, kind_from_metadata, parse_kind
from subtier.errors import InputError
from subtier.lists.fanout import build_list
from subtier.lists.ftm import topic_label
from subtier.lists.prepared import load_prepared, save_prepared

# The columns besides id and name, in the order rows hold them.
_TEXT = ("address", "city", "state", "zip", "country")
_NUMBERS = ("latitude", "longitude", "extent_m")
OPTIONAL = (*_TEXT, *_NUMBERS, "status")
# Columns of many values, and where OpenSanctions' simple export names a column differently.
_MANY = ("aliases", "identifiers", "sanctions", "topics", "dataset", "first_seen", "last_seen")
_OTHER_NAMES = {"addresses": "address", "countries": "country", "datasets": "dataset"}


def load_csv_list(path: Path, name: str | None = None, kind: ListKind | None = None) -> RiskList:
    """Load a CSV list. Rows without an id or a name are errors naming their line.

    Its kind is ``kind`` when given, else its ``kind`` column's, else ``sanctions`` for a
    list whose rows name sanctions, else what its topics say, else ``watch``."""
    raw = path.read_bytes()
    content = hashlib.sha256(raw).hexdigest()
    day = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    info = ListInfo(
        name=name or path.stem,
        version=f"{day}+sha256:{content[:12]}",
        entries=0,
        source=str(path),
    )
    prepared = load_prepared(content, info, kind)
    if prepared is not None:
        return prepared
    rows, extras = _read_rows(raw, path)
    del raw  # a big list's text and rows are let go as soon as they are used
    records, index = build_list(rows, _record)
    del rows
    found = kind or extras.kind or kind_from_metadata(extras.topics, extras.datasets)
    if found is None and extras.sanctioned:
        found = ListKind.SANCTIONS
    info = replace(
        info, entries=len(records), kind=found or ListKind.WATCH, data_date=extras.last_seen[:10]
    )
    risk_list = RiskList(info, records, prepared=index, details=extras.details)
    save_prepared(content, risk_list)
    return risk_list


# A row's cells as make_record takes them: id, name, the optional columns' text or None, and
# latitude, longitude and extent as numbers. Tuples, not dicts: a million rows are held at once.
_Row = tuple[
    str, str, str | None, str | None, str | None, str | None, str | None,
    float | None, float | None, float | None, str | None, tuple[str, ...], dict[str, str] | None,
]  # fmt: skip


@dataclass
class _Extras:
    """What the rows say about the list as a whole, and about entries beyond their record."""

    kind: ListKind | None = None
    topics: Counter[str] = field(default_factory=Counter)
    datasets: Counter[str] = field(default_factory=Counter)
    sanctioned: bool = False
    last_seen: str = ""
    details: dict[str, EntryDetails] = field(default_factory=dict)


def _read_rows(raw: bytes, path: Path) -> tuple[list[_Row], _Extras]:
    """The rows of a CSV list; an error naming the line at the first one that cannot serve."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows_of(reader, path)
    except csv.Error as error:  # e.g. a field longer than the csv module takes
        message = f"not readable as CSV: {error}"
        raise InputError(message, file=str(path), line=reader.line_num) from None


def _rows_of(reader: Any, path: Path) -> tuple[list[_Row], _Extras]:
    header: dict[str, int] = {}
    for i, h in enumerate(next(reader, [])):
        key = h.strip().lower()
        header.setdefault(key, i)
        if key in _OTHER_NAMES:
            header.setdefault(_OTHER_NAMES[key], i)
    for required in ("id", "name"):
        if required not in header:
            raise InputError(f"the header has no {required!r} column", file=str(path), line=1)
    at = [header.get(k, -1) for k in ("id", "name", *OPTIONAL, *_MANY, "kind")]
    width = max(at) + 1
    rows: list[_Row] = []
    seen: set[str] = set()
    extras = _Extras()
    many = any(i >= 0 for i in at[len(OPTIONAL) + 2 :])
    for row in reader:
        if not row:
            continue  # a blank line
        if len(row) < width:
            row += [""] * (width - len(row))
        c = [row[i].strip() if i >= 0 else "" for i in at]
        id_, name = c[0], c[1]
        address = _first(c[2])
        if not id_ or not name or id_ in seen:
            _bad_row(id_, name, path, reader.line_num)
        if len(name) > NAME_MAX or (address and len(address) > ADDRESS_MAX):
            _too_long(name, address, path, reader.line_num)
        seen.add(id_)
        latitude, longitude, extent = (
            _numbers(c, path, reader.line_num) if c[7] or c[8] or c[9] else (None, None, None)
        )
        aliases: tuple[str, ...] = ()
        identifiers = None
        if many:
            aliases, identifiers = _many(c, id_, extras, path, reader.line_num)
        # Spelled out, not looped over: a million rows pass through here.
        rows.append(
            (
                id_, name, address, c[3] or None, c[4] or None, c[5] or None, _first(c[6]),
                latitude, longitude, extent, c[10] or None, aliases, identifiers,
            )
        )  # fmt: skip
    return rows, extras


def _first(cell: str) -> str | None:
    # OpenSanctions' addresses and countries cells may hold several: the first is the entry's.
    return cell.split(";", 1)[0].strip() or None if cell else None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in cell.split(";") if v.strip()))


def _many(
    c: list[str], id_: str, extras: _Extras, path: Path, line: int
) -> tuple[tuple[str, ...], dict[str, str] | None]:
    """A row's aliases and identifiers, and what it says of why the entry is listed."""
    aliases_cell, ids_cell, sanctions, topics, datasets, first, last, kind = c[11:19]
    if kind:
        try:
            found = parse_kind(kind)
        except ValueError as error:
            raise InputError(str(error), file=str(path), line=line, field="kind") from None
        if extras.kind is not None and found is not extras.kind:
            message = f"one list, one kind: {found.value!r} here, {extras.kind.value!r} above"
            raise InputError(message, file=str(path), line=line, field="kind")
        extras.kind = found
    identifiers: dict[str, str] = {}
    for n, value in enumerate(_split(ids_cell), 1):
        # "ein:12-3456789" names its scheme; a bare value is numbered ("id", "id2" ...).
        scheme, sep, rest = value.partition(":")
        if sep and scheme.strip().isidentifier() and rest.strip():
            identifiers[scheme.strip().lower()] = rest.strip()
        else:
            identifiers["id" if n == 1 else f"id{n}"] = value
    codes, names, programs = _split(topics), _split(datasets), _split(sanctions)
    extras.topics.update(codes)
    extras.datasets.update(names)
    extras.sanctioned = extras.sanctioned or bool(programs)
    extras.last_seen = max(extras.last_seen, last.strip())
    if codes or names or programs or first or last:
        extras.details[id_] = EntryDetails(
            topics=codes,
            topic_labels=tuple(topic_label(code) for code in codes),
            datasets=names,
            programs=programs,
            first_seen=first.strip() or None,
            last_seen=last.strip() or None,
        )
    aliases = _split(aliases_cell)
    for alias in aliases:
        if len(alias) > NAME_MAX:
            message = f"an alias of {len(alias):,} characters; names are at most {NAME_MAX:,}"
            raise InputError(message, file=str(path), line=line, field="aliases")
    return aliases, identifiers or None


def _too_long(name: str, address: str | None, path: Path, line: int) -> NoReturn:
    """A name or an address far longer than any real one: the list is refused, naming it."""
    field, plural, value, limit = (
        ("name", "names", name, NAME_MAX)
        if len(name) > NAME_MAX
        else ("address", "addresses", address or "", ADDRESS_MAX)
    )
    message = f"{len(value):,} characters; {plural} are at most {limit:,}"
    raise InputError(message, file=str(path), line=line, field=field)


def _bad_row(id_: str, name: str, path: Path, line: int) -> NoReturn:
    if not id_ or not name:
        missing = "id" if not id_ else "name"
        raise InputError(f"empty {missing}", file=str(path), line=line, field=missing)
    raise InputError(f"duplicate id {id_!r}", file=str(path), line=line, field="id")


def _numbers(
    cells: list[str], path: Path, line: int
) -> tuple[float | None, float | None, float | None]:
    latitude, longitude, extent = (
        _float(c, path, line, k) for c, k in zip(cells[7:10], _NUMBERS, strict=True)
    )
    return latitude, longitude, extent


def _record(row: _Row) -> Record:
    id_, name, address, city, state, zip_, country, latitude, longitude, extent, status = row[:11]
    aliases, identifiers = row[11], row[12]
    return make_record(
        id_,
        name,
        aliases=aliases,
        identifiers=identifiers,
        address=address,
        city=city,
        state=state,
        zip=zip_,
        country=country,
        latitude=latitude,
        longitude=longitude,
        extent_m=extent,  # a facility's grounds radius, as in the bundled list
        status=status,
    )


def _float(value: str | None, path: Path, line: int, field: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(
            f"not a number: {value!r}", file=str(path), line=line, field=field
        ) from None
