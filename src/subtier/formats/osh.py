"""Open Supply Hub (formerly Open Apparel Registry) facility downloads, read as chain sites.

One facility row becomes one :class:`~subtier.core.model.Site`; each parent company becomes an
:class:`~subtier.core.model.Organization` that operates the site. Headers are matched without regard
to case, spaces or punctuation, and the spellings of several export versions are accepted.
Worker counts are not kept: a site has no field for them. See docs/open-supply-hub.md.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from subtier.core.model import Chain, Organization, Site, validate_chain
from subtier.core.model.chain import ID_PATTERN
from subtier.errors import InputError

SOURCE = "Open Supply Hub"

# Our name for a column → the header spellings accepted for it, normalized (see _key).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("os_id", "oar_id", "osid", "id"),
    "name": ("name", "facility_name"),
    "address": ("address", "facility_address"),
    "country": ("country_code", "country", "country_name"),
    "lat": ("lat", "latitude"),
    "lng": ("lng", "lon", "long", "longitude"),
    "sector": ("sector", "sectors"),
    "facility_type": ("facility_type",),
    "processing_type": ("processing_type",),
    "parent_company": ("parent_company",),
    "is_closed": ("is_closed", "closed"),
}
ACTIVITY_COLUMNS = ("sector", "facility_type", "processing_type")
TRUE = frozenset({"true", "t", "yes", "y", "1"})
FALSE = frozenset({"false", "f", "no", "n", "0", ""})


@dataclass(frozen=True)
class OshImport:
    """What an Open Supply Hub file gave: sites, their parent companies, closed facilities."""

    sites: list[Site]
    organizations: list[Organization]
    closed: list[str] = field(default_factory=list)  # ids of the facilities skipped as closed


def _key(header: str) -> str:
    """``"OS ID"``, ``"os-id"`` and ``"os_id"`` are one column; ``"contributor (list)"`` too."""
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _columns(header: Sequence[str], file: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        positions.setdefault(_key(cell), position)
    found: dict[str, int] = {}
    for ours, spellings in COLUMNS.items():
        for spelling in spellings:  # earlier spellings win: country_code before country_name
            if spelling in positions:
                found[ours] = positions[spelling]
                break
    missing = [COLUMNS[c][0] for c in ("id", "name") if c not in found]
    if missing:
        raise InputError(
            f"the header has no {' or '.join(repr(m) for m in missing)} column; "
            "is this an Open Supply Hub facility download?",
            file=file,
            line=1,
        )
    return found


def slug(name: str) -> str:
    """An organization id from its name: ``"Acme Textiles Ltd."`` → ``acme-textiles-ltd``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return text or "org-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|,]", value) if part.strip()]


def read_osh(path: Path, operator: str | None = None) -> OshImport:
    """Read an Open Supply Hub facility CSV. Bad rows raise ``InputError`` (file, line, column).

    ``operator`` is the organization id given to sites that name no parent company.
    """
    file = str(path)
    if not path.exists():
        raise InputError("no such file", file=file)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read(csv.reader(handle), file, operator)
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error.reason})", file=file) from None
    except csv.Error as error:
        raise InputError(f"unreadable CSV: {error}", file=file) from None


def _read(reader: Iterable[list[str]], file: str, operator: str | None) -> OshImport:
    rows = iter(reader)
    header = next(rows, None)
    if header is None:
        raise InputError("file is empty; expected a header row", file=file)
    columns = _columns(header, file)
    line_num = getattr(reader, "line_num", 0)
    sites: list[Site] = []
    orgs: dict[str, Organization] = {}
    first_line: dict[str, int] = {}
    closed: list[str] = []
    for cells in rows:
        line = line_num + 1
        line_num = getattr(reader, "line_num", line)
        if not any(c.strip() for c in cells):
            continue

        def get(column: str, cells: list[str] = cells) -> str:
            position = columns.get(column)
            if position is None or position >= len(cells):
                return ""
            return " ".join(cells[position].split())  # one line, single spaces

        def fail(message: str, column: str, line: int = line) -> InputError:
            return InputError(message, file=file, line=line, field=header[columns[column]])

        if len(cells) != len(header):
            raise InputError(
                f"expected {len(header)} fields, found {len(cells)}", file=file, line=line
            )
        site_id, name = get("id"), get("name")
        if not site_id:
            raise fail("no facility id", "id")
        if not name:
            raise fail("no facility name", "name")
        if not re.fullmatch(ID_PATTERN, site_id):
            raise fail(f"bad id {site_id!r}: use letters, digits, '_', '.', ':' or '-'", "id")
        if site_id in first_line:
            raise fail(f"duplicate id {site_id!r}: also on line {first_line[site_id]}", "id")
        first_line[site_id] = line
        if "is_closed" in columns:
            flag = get("is_closed").lower()
            if flag not in TRUE | FALSE:
                raise fail(f"expected true or false, found {flag!r}", "is_closed")
            if flag in TRUE:
                closed.append(site_id)
                continue
        latitude = _coordinate(get("lat"), 90, "lat", fail)
        longitude = _coordinate(get("lng"), 180, "lng", fail)
        if (latitude is None) != (longitude is None):
            missing = "lng" if longitude is None else "lat"
            raise fail("a coordinate without its pair: give both or neither", missing)
        activities: list[str] = []
        for column in ACTIVITY_COLUMNS:
            for part in _split(get(column)):
                if part.lower() not in (a.lower() for a in activities):
                    activities.append(part)
        site_operator = operator
        parents = [p.strip() for p in get("parent_company").split("|") if p.strip()]
        if parents:
            org = Organization(id=slug(parents[0]), name=parents[0], source=SOURCE)
            orgs.setdefault(org.id, org)
            site_operator = org.id
        sites.append(
            Site(
                id=site_id,
                name=name,
                operator=site_operator,
                address=get("address") or None,
                country=get("country") or None,
                latitude=latitude,
                longitude=longitude,
                activities=activities,
                source=f"{SOURCE} {site_id}",
            )
        )
    return OshImport(sites, list(orgs.values()), closed)


def _coordinate(
    value: str, limit: float, column: str, fail: Callable[[str, str], InputError]
) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise fail(f"not a number: {value!r}", column) from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise fail(f"{value} is out of range (-{limit:g} to {limit:g})", column)
    return number


def load_osh_sites(
    path: Path, operator: str | None = None
) -> tuple[list[Site], list[Organization]]:
    """Sites and parent-company organizations from an Open Supply Hub facility CSV.

    Closed facilities are skipped; :func:`read_osh` also says which.
    """
    result = read_osh(path, operator)
    return result.sites, result.organizations


def merge_sites(
    chain: Chain,
    sites: Sequence[Site],
    orgs: Sequence[Organization],
    engagement: str | None = None,
) -> Chain:
    """A new chain with the sites and organizations added, the sites attached to ``engagement``.

    A site id already in the chain is an error. An organization id already in the chain is
    reused when the names agree (ignoring case), and an error when they differ.
    """
    existing_orgs = chain.organizations_by_id
    new_orgs: list[Organization] = []
    for org in orgs:
        known = existing_orgs.get(org.id)
        if known is None:
            new_orgs.append(org)
        elif known.name.casefold() != org.name.casefold():
            raise InputError(
                f"organization id {org.id!r} ({org.name}) is already in the chain "
                f"as {known.name!r}",
                field="organizations",
            )
    for site in sites:
        if site.id in chain.sites_by_id:
            raise InputError(f"site id {site.id!r} is already in the chain", field="sites")
    data = chain.model_dump()
    data["organizations"] += [org.model_dump() for org in new_orgs]
    data["sites"] += [site.model_dump() for site in sites]
    if engagement is not None:
        if engagement not in chain.engagements_by_id:
            known_ids = ", ".join(chain.engagements_by_id) or "none"
            raise InputError(
                f"unknown engagement id {engagement!r} (known: {known_ids})", field="engagement"
            )
        for entry in data["engagements"]:
            if entry["id"] == engagement:
                entry["sites"] += [site.id for site in sites]
    try:
        merged = Chain.model_validate(data)
    except ValidationError as error:
        raise InputError(f"the merged chain is not valid: {error}") from None
    problems = validate_chain(merged)
    if problems:
        raise InputError(
            "the merged chain is not valid: "
            + "; ".join(f"{p.field}: {p.message}" for p in problems)
        )
    return merged
