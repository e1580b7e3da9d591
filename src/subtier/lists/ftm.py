"""A list of FollowTheMoney entities, the format OpenSanctions and its tools publish.

The file is JSON lines, one entity a line (``{"id", "schema", "properties": {prop: [values]}}``),
or one JSON array of entities. Legal entities (companies, organizations, public bodies, people)
become list entries; ``Address`` entities only serve to resolve the ``addressEntity`` references
of those entries; every other schema (payments, sanctions, ownership ...) is skipped, because
it names no one to screen.

The file is read once, line by line, and each entry kept in a small form (its names, country,
identifiers and address parts) until the end, when an entry that refers to an address further
down the file gets it. Raw entity dicts are dropped as soon as their line is read. The entries
are then normalized and indexed, on every core for a big list (see ``fanout``), and a big
list is stored prepared, like a CSV list (see ``prepared``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from subtier.core.model.limits import ADDRESS_MAX, NAME_MAX
from subtier.core.screen import ListInfo, Record, RiskList, make_record
from subtier.core.screen.details import EntryDetails
from subtier.core.screen.kinds import ListKind, kind_from_metadata
from subtier.errors import InputError
from subtier.formats.ftm import (
    ALIAS_PROPS,
    COUNTRY_PROPS,
    IDENTIFIER_PROPS,
    address_parts,
)
from subtier.formats.ftm import AddressParts as _AddressParts
from subtier.formats.ftm import check_entity as _check
from subtier.formats.ftm import default_name as _default_name
from subtier.formats.ftm import entities as _entities
from subtier.lists.fanout import build_list
from subtier.lists.prepared import load_prepared, save_prepared

# Schemas whose entities are screened. Person is included: a person's name is still a name a
# roster or a chain can carry (a sole proprietor, a director).
SCREENABLE = frozenset({"LegalEntity", "Company", "Organization", "PublicBody", "Person"})


@dataclass(frozen=True, slots=True)
class FtmStats:
    """What loading skipped, so a caller can tell the user why entries are fewer than lines."""

    entries: int
    unnamed: int = 0  # screenable entities without a name: nothing to match them by
    unresolved: int = 0  # entries whose addressEntity references are not in the file
    addresses: int = 0  # Address entities read to resolve references
    other: Mapping[str, int] = field(default_factory=dict)  # skipped entities by schema


@dataclass(slots=True)
class _Pending:
    """An entry as read, with its address parts, or the references to them if its Address
    entity comes later in the file."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str | None
    identifiers: dict[str, str]
    refs: tuple[str, ...]
    parts: _AddressParts | None = None
    details: EntryDetails | None = None


def load_ftm_list(path: Path, name: str | None = None, kind: ListKind | None = None) -> RiskList:
    """Load an FtM entities file as a list. Malformed entities are errors naming their line.

    The list's kind is ``kind`` when given, else what its entities' topics and datasets say
    (sanctions, forced labor, PEP), else ``watch``."""
    try:
        with path.open("rb") as handle:
            mtime = os.fstat(handle.fileno()).st_mtime
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=str(path)) from None
    prepared = load_prepared(f"ftm-{digest}", _info(path, name, mtime, digest), kind)
    if prepared is not None:
        return prepared
    risk_list = read_ftm_list(path, name, kind)[0]
    if risk_list.info.version == _info(path, name, mtime, digest).version:  # not changed since
        save_prepared(f"ftm-{digest}", risk_list)
    return risk_list


def _info(path: Path, name: str | None, mtime: float, digest: str) -> ListInfo:
    day = datetime.fromtimestamp(mtime, UTC).date().isoformat()
    return ListInfo(
        name=name or _default_name(path),
        version=f"{day}+sha256:{digest[:12]}",
        entries=0,
        source=str(path),
    )


def read_ftm_list(
    path: Path, name: str | None = None, kind: ListKind | None = None
) -> tuple[RiskList, FtmStats]:
    """Load an FtM entities file and say what was skipped (unnamed, other schemas)."""
    where = str(path)
    addresses: dict[str, _AddressParts] = {}
    entries: list[_Pending] = []
    seen: set[str] = set()
    other: Counter[str] = Counter()
    unnamed = 0
    topics: Counter[str] = Counter()
    datasets: Counter[str] = Counter()
    programs: dict[str, list[str]] = {}  # entity id → sanction programs of Sanction entities
    last_seen = ""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        mtime = os.fstat(handle.fileno()).st_mtime
        for line, label, entity in _entities(handle, digest.update, where):
            entity_id, schema, props, caption = _check(entity, where, line, label)
            if schema == "Address":
                _unique(entity_id, addresses, where, line, label)
                addresses[entity_id] = _address(props)
                _check_length(addresses[entity_id].line, "address", ADDRESS_MAX, where, line, label)
                continue
            if schema == "Sanction":
                program = _program(props)
                for ref in _values(props, "entity"):
                    programs.setdefault(ref, []).append(program)
                other[schema] += 1
                continue
            if schema not in SCREENABLE:
                other[schema] += 1
                continue
            _unique(entity_id, seen, where, line, label)
            seen.add(entity_id)
            entry = _entry(entity_id, caption, props, addresses)
            if entry is None:
                unnamed += 1
            else:
                _check_lengths(entry, where, line, label)
                assert isinstance(entity, dict)  # _check made sure
                entry.details = _details(entity, props)
                topics.update(entry.details.topics)
                datasets.update(entry.details.datasets)
                last_seen = max(last_seen, entry.details.last_seen or "")
                entries.append(entry)
    unresolved = 0
    for entry in entries:
        if entry.parts is None and entry.refs:
            entry.parts = next((addresses[r] for r in entry.refs if r in addresses), None)
            unresolved += entry.parts is None
    details: dict[str, EntryDetails] = {}
    for entry in entries:
        found = entry.details or EntryDetails()
        extra = tuple(dict.fromkeys(programs.get(entry.id, ())))
        if extra:
            found = replace(found, programs=tuple(dict.fromkeys((*found.programs, *extra))))
        if found != EntryDetails():
            details[entry.id] = found
    records, index = build_list(entries, _built)
    info = replace(
        _info(path, name, mtime, digest.hexdigest()),
        entries=len(records),
        kind=kind or kind_from_metadata(topics, datasets) or ListKind.WATCH,
        data_date=last_seen[:10],
    )
    stats = FtmStats(len(records), unnamed, unresolved, len(addresses), dict(sorted(other.items())))
    return RiskList(info, records, prepared=index, details=details), stats


def _program(props: Mapping[str, Any]) -> str:
    """A Sanction entity as one line: "EU: Belarus", the authority and its program."""
    program = _first(props, "program", "programId", "reason") or "sanctioned"
    authority = _first(props, "authority", "country")
    return f"{authority}: {program}" if authority and authority not in program else program


def _details(entity: Mapping[str, Any], props: Mapping[str, Any]) -> EntryDetails:
    """Why an entity is listed: its topics, datasets, nested sanctions and target flag."""
    codes = tuple(dict.fromkeys(_values(props, "topics")))
    raw_datasets = entity.get("datasets")
    names = raw_datasets if isinstance(raw_datasets, list) else []
    nested = []
    for item in props.get("sanctions") or []:
        # targets.nested.json writes an entity's Sanction entities inside it.
        if isinstance(item, dict) and isinstance(item.get("properties"), dict):
            nested.append(_program(item["properties"]))
    target = entity.get("target")
    first, last = entity.get("first_seen"), entity.get("last_seen")
    return EntryDetails(
        topics=codes,
        topic_labels=tuple(topic_label(code) for code in codes),
        datasets=tuple(str(d) for d in names if isinstance(d, str) and d.strip()),
        programs=tuple(dict.fromkeys(nested)),
        target=target if isinstance(target, bool) else None,
        first_seen=first if isinstance(first, str) else None,
        last_seen=last if isinstance(last, str) else None,
    )


def topic_label(code: str) -> str:
    """An FtM topic as people read it ("sanction" → "Sanctioned"), from followthemoney's own
    table; a code it does not know is shown as it is."""
    return _topic_labels().get(code, code)


@lru_cache(maxsize=1)
def _topic_labels() -> dict[str, str]:
    """followthemoney's topic names; without the ftm extra, the copy bundled in
    ``data/ftm-topics.json`` (a test holds it to followthemoney's)."""
    try:
        from followthemoney import registry  # 0.2 s to import: only lists with topics pay it
    except ImportError:
        bundled = resources.files("subtier.data").joinpath("ftm-topics.json").read_text("utf-8")
        return {str(k): str(v) for k, v in json.loads(bundled).items()}
    return {code: str(label) for code, label in registry.topic.names.items()}


def _unique(
    entity_id: str, seen: Mapping[str, object] | set[str], where: str, line: int | None, label: str
) -> None:
    # Fragments of one entity on several lines must be merged first; screening them as
    # separate entries would split one entity's names and identifiers across two matches.
    if entity_id in seen:
        message = f"{label}duplicate entity id {entity_id!r} (merge FtM fragments first, e.g. with 'ftm aggregate')"
        raise InputError(message, file=where, line=line, field="id")


def _values(props: Mapping[str, Any], key: str) -> list[str]:
    """A property's values as stripped, non-empty strings. FtM values are lists of strings;
    a bare string or a number is accepted, anything else (a nested entity) is not a value."""
    raw = props.get(key)
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if isinstance(item, str) and item.strip():
            out.append(item.strip())
    return out


def _first(props: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        values = _values(props, key)
        if values:
            return values[0]
    return None


def _coordinate(props: Mapping[str, Any], key: str, limit: float) -> float | None:
    value = _first(props, key)
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    return number if number is not None and -limit <= number <= limit else None


def _address(props: Mapping[str, Any]) -> _AddressParts:
    point = _coordinate(props, "latitude", 90.0), _coordinate(props, "longitude", 180.0)
    lat, lon = point if None not in point else (None, None)
    return replace(address_parts(lambda key: _values(props, key)), latitude=lat, longitude=lon)


def _entry(
    entity_id: str,
    caption: str | None,
    props: Mapping[str, Any],
    addresses: Mapping[str, _AddressParts],
) -> _Pending | None:
    """The entity as an entry with its address parts, or with the references to them if its
    address comes later; None when it has no name (an entity can be matched only by its name,
    so it is not screened)."""
    names = _values(props, "name")
    if not names:
        return None
    # The caption is the name OpenSanctions chose to show: keep it as the entry's name.
    primary = caption if caption in names else names[0]
    others = [*names, *(v for key in ALIAS_PROPS for v in _values(props, key))]
    aliases = tuple(a for a in dict.fromkeys(others) if a != primary)
    identifiers = {key.lower(): v for key in IDENTIFIER_PROPS if (v := _first(props, key))}
    country = _first(props, *COUNTRY_PROPS)
    pending = _Pending(entity_id, primary, aliases, country, identifiers, ())
    line = _first(props, "address")
    if line:
        pending.parts = _AddressParts(line)
        return pending
    refs: list[str] = []
    given = props.get("addressEntity") or []
    for ref in given if isinstance(given, list) else [given]:
        if isinstance(ref, dict):  # a nested entity, as some FtM exports write references
            ref_props = ref.get("properties")
            if isinstance(ref_props, dict) and ref.get("schema") == "Address":
                pending.parts = _address(ref_props)
                return pending
        elif isinstance(ref, str) and ref.strip():
            refs.append(ref.strip())
    if refs and refs[0] in addresses:
        # The first reference wins once the file is read, so a known first one is final now.
        pending.parts = addresses[refs[0]]
    else:
        pending.refs = tuple(refs)
    return pending


def _check_lengths(entry: _Pending, where: str, line: int | None, label: str) -> None:
    """An entry's names and address within the chain's limits; a longer one refuses the list,
    naming its line (a 30 MB name took half a minute to normalize)."""
    for value in (entry.name, *entry.aliases):
        _check_length(value, "name", NAME_MAX, where, line, label)
    if entry.parts is not None:
        _check_length(entry.parts.line, "address", ADDRESS_MAX, where, line, label)


def _check_length(
    value: str | None, what: str, limit: int, where: str, line: int | None, label: str
) -> None:
    if value is not None and len(value) > limit:
        article, plural = ("an", "addresses") if what == "address" else ("a", f"{what}s")
        message = (
            f"{label}{article} {what} of {len(value):,} characters; {plural} are at most {limit:,}"
        )
        raise InputError(message, file=where, line=line, field=what)


def _built(entry: _Pending) -> Record:
    parts = entry.parts or _AddressParts(None)
    return make_record(
        entry.id,
        entry.name,
        aliases=entry.aliases,
        address=parts.line,
        city=parts.city,
        state=parts.state,
        zip=parts.zip,
        country=entry.country or parts.country,
        latitude=parts.latitude,
        longitude=parts.longitude,
        identifiers=entry.identifiers,
    )
