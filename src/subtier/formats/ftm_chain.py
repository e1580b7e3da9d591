"""Read a chain from FollowTheMoney entities: the files ``subtier check --format ftm`` writes,
and FtM from elsewhere. The mapping, both ways, is described in ``docs/ftm.md``.

Legal entities (Company, Organization, PublicBody, Person, LegalEntity) become organizations.
A Contract with its ContractAwards becomes one engagement per award (buyer: the contract's
``authority``, supplier: the award's ``supplier``); an UnknownLink from one legal entity to
another is an engagement too (``subject`` buys from ``object``, ``role`` is the service).
Address entities become sites when they are linked as sites: a Contract's ``addressEntity``
(where its work is done), or the ``object`` of an UnknownLink from a legal entity (its
operator). A legal entity's own ``addressEntity`` is its address. Payments become workforces
only when they carry subtier's marker; every other entity is skipped.

What FtM has no property for travels in a marker: one ``description`` value ``subtier/1 {json}``
holding the chain's own ids and the fields FtM cannot hold exactly. Where a marker gives a field,
it wins over the FtM properties; everything else is read from the properties.

One file because the schemas are read in one pass that resolves their references to each other
(an award to its contract, a link to its entities, an address to its site).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData
from pydantic import ValidationError

from subtier.core.model import WORKER, Chain, Labor, OrgType, Per, Problem, validate_chain
from subtier.errors import InputError
from subtier.formats.ftm import (
    ALIAS_PROPS,
    COUNTRY_PROPS,
    IDENTIFIER_PROPS,
    address_parts,
)
from subtier.formats.ftm import check_entity as _check_entity
from subtier.formats.ftm import default_name as _default_name
from subtier.formats.ftm import entities as _raw_entities

__all__ = [
    "MARKER",
    "SCHEMA_OF_TYPE",
    "SCHEME_PROPS",
    "TYPE_OF_SCHEMA",
    "ChainData",
    "Located",
    "load_ftm_chain",
    "read_chain_data",
    "read_ftm_chain",
    "read_marker",
    "write_marker",
]

# The marker: one ``description`` value, this prefix and a JSON object.
MARKER = "subtier/1 "
MARKER_PROP = "description"

# The schema each organization type is written as, and the type each schema is read as when no
# marker says otherwise.
SCHEMA_OF_TYPE: Mapping[OrgType, str] = {
    OrgType.COMPANY: "Company",
    OrgType.UNKNOWN: "Company",
    OrgType.CAMPAIGN: "Organization",
    OrgType.NONPROFIT: "Organization",
    OrgType.AGENCY: "PublicBody",
    OrgType.CORRECTIONAL_INDUSTRIES: "PublicBody",
    OrgType.INDIVIDUAL: "Person",
}
TYPE_OF_SCHEMA: Mapping[str, OrgType] = {
    "Company": OrgType.COMPANY,
    "Organization": OrgType.UNKNOWN,
    "PublicBody": OrgType.AGENCY,
    "Person": OrgType.INDIVIDUAL,
    "LegalEntity": OrgType.UNKNOWN,
}
# Identifier schemes of the chain file and the FtM property each is written to. Read back, a
# property's value has the property's name in lower case as its scheme (``registrationnumber``),
# as in FtM screening lists, unless the marker names the chain's own schemes.
SCHEME_PROPS: Mapping[str, str] = {
    **{prop.lower(): prop for prop in IDENTIFIER_PROPS},
    "fec": "registrationNumber",
    "ein": "taxNumber",
    "lei": "leiCode",
    "uei": "uniqueEntityId",
    "duns": "dunsCode",
}
# "7.25 USD per hour": the unit of a ContractAward's or a Payment's amount, from its summary.
_PER = re.compile(r"^\s*\S+\s+[A-Za-z]{3}\s+per\s+(hour|day|week|month|year|call)\b")
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.:\-]+")
_SECTIONS = ("organizations", "sites", "engagements", "workforces")


@dataclass(frozen=True, slots=True)
class Located:
    """An entity and where it was read: its line, or a label such as "entity 3 of the array"."""

    entity: EntityProxy
    line: int | None = None
    label: str = ""


@dataclass(slots=True)
class ChainData:
    """A chain as the chain file would hold it (JSON values), before validation, and the entity
    each organization, site, engagement and workforce was read from."""

    data: dict[str, Any]
    origins: dict[tuple[str, int], Located] = field(default_factory=dict)


def load_ftm_chain(path: Path, root: str | None = None) -> Chain:
    """Read a chain from an FtM entities file (JSON lines, or one JSON array).

    ``root`` names the root buyer (its chain id or FtM entity id) when the file does not say
    which it is and more than one organization buys without supplying. Errors are
    ``InputError`` naming the file and line.
    """
    where = str(path)
    items: list[Located] = []
    try:
        with path.open("rb") as handle:
            for line, label, raw in _raw_entities(handle, lambda _: None, where):
                entity_id, schema, props, _caption = _check_entity(raw, where, line, label)
                if model.get(schema) is None:
                    message = f"{label}unknown FtM schema {schema!r}"
                    raise InputError(message, file=where, line=line, field="schema")
                data = {"id": entity_id, "schema": schema, "properties": dict(props)}
                try:
                    proxy = model.get_proxy(data, cleaned=False)
                except (InvalidData, TypeError, ValueError) as error:
                    raise InputError(f"{label}{error}", file=where, line=line) from None
                items.append(Located(proxy, line, label))
    except FileNotFoundError:
        raise InputError("no such file", file=where) from None
    except IsADirectoryError:
        raise InputError("is a directory, not an FtM entities file", file=where) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=where) from None
    return _build(read_chain_data(items, where, root, _default_name(path)), where)


def read_ftm_chain(
    entities: Iterable[EntityProxy], root: str | None = None, name: str = "FtM entities"
) -> Chain:
    """Read a chain from entities in memory (``name`` is the chain's name if none is marked)."""
    items = [Located(entity, None, f"entity {n}: ") for n, entity in enumerate(entities, 1)]
    return _build(read_chain_data(items, "<entities>", root, name), "<entities>")


def read_marker(entity: EntityProxy) -> dict[str, Any] | None:
    """The entity's subtier marker, or None. Raises ``ValueError`` when it is not valid JSON."""
    for value in entity.get(MARKER_PROP, quiet=True):
        if value.startswith(MARKER):
            data = json.loads(value[len(MARKER) :])
            if not isinstance(data, dict):
                raise ValueError("the marker is not a JSON object")
            return data
    return None


def write_marker(entity: EntityProxy, marker: Mapping[str, Any]) -> None:
    """Set the entity's marker (ASCII JSON, so FtM's text cleaning leaves it as it is)."""
    others = [v for v in entity.get(MARKER_PROP) if not v.startswith(MARKER)]
    text = MARKER + json.dumps(marker, ensure_ascii=True, separators=(",", ":"))
    entity.set(MARKER_PROP, [*others, text])


def read_chain_data(items: Sequence[Located], file: str, root: str | None, name: str) -> ChainData:
    """The chain the entities describe, not yet validated."""
    return _Reader(items, file).read(root, name)


def _build(found: ChainData, file: str) -> Chain:
    """Validate the chain; a problem names the entity it was read from."""
    try:
        chain = Chain.model_validate(found.data)
    except ValidationError as error:
        first = error.errors()[0]
        raise _located(found, file, tuple(first["loc"]), first["msg"]) from None
    problems = validate_chain(chain)
    if problems:
        raise _located(found, file, problems[0].loc, problems[0].message)
    return chain


def _located(found: ChainData, file: str, loc: tuple[str | int, ...], message: str) -> InputError:
    origin = None
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        origin = found.origins.get((loc[0], loc[1]))
    where = Problem(loc, message).field
    if origin is None:
        return InputError(f"as a chain, {where}: {message}", file=file)
    what = f"{origin.label}{origin.entity.schema.name} {origin.entity.id}"
    return InputError(f"{what}, as a chain {where}: {message}", file=file, line=origin.line)


class _Reader:
    """One pass over the entities, by kind, in file order."""

    def __init__(self, items: Sequence[Located], file: str) -> None:
        self.file = file
        self.items = items
        self.by_id: dict[str, Located] = {}
        self.markers: dict[str, dict[str, Any]] = {}
        for item in items:
            entity_id = item.entity.id
            if not entity_id:
                raise self.error(item, "entity without an id", "id")
            if entity_id in self.by_id:
                message = f"duplicate entity id {entity_id!r} (merge FtM fragments first, e.g. with 'ftm aggregate')"
                raise self.error(item, message, "id")
            self.by_id[entity_id] = item
            try:
                self.markers[entity_id] = read_marker(item.entity) or {}
            except ValueError as error:
                raise self.error(item, f"bad subtier marker: {error}", MARKER_PROP) from None
        self.org_ids: dict[str, str] = {}
        self.site_ids: dict[str, str] = {}
        self.operators: dict[str, str] = {}
        self.contract_engagements: dict[str, str] = {}

    def error(self, item: Located, message: str, prop: str | None = None) -> InputError:
        return InputError(item.label + message, file=self.file, line=item.line, field=prop)

    def read(self, root: str | None, name: str) -> ChainData:
        found = ChainData({})
        orgs = [item for item in self.items if _is(item, "LegalEntity")]
        if not orgs:
            raise InputError(
                "no organizations: expected Company, Organization, PublicBody, Person or LegalEntity entities",
                file=self.file,
            )
        self.org_ids = {self._key(item): self._chain_id(item) for item in orgs}
        site_items = self._link_sites()
        self.site_ids = {self._key(item): self._chain_id(item) for item in site_items}
        sections: dict[str, list[tuple[Located, dict[str, Any]]]] = {
            "organizations": [(item, self._organization(item)) for item in orgs],
            "sites": [(item, self._site(item)) for item in site_items],
            "engagements": self._engagements(),
            "workforces": [
                (item, self._workforce(item))
                for item in self.items
                if _is(item, "Payment") and self._marker(item).get("kind") == "workforce"
            ],
        }
        chain_marker = self._chain_marker(orgs)
        found.data = {
            "subtier": 1,
            "name": chain_marker.get("name") or name,
            "root": self._root(root, orgs, [e for _, e in sections["engagements"]]),
            "description": chain_marker.get("description"),
        }
        for section in _SECTIONS:
            found.data[section] = [fields for _, fields in sections[section]]
            for index, (item, _) in enumerate(sections[section]):
                found.origins[(section, index)] = item
        return found

    # -- identity and markers ---------------------------------------------------------------

    @staticmethod
    def _key(item: Located) -> str:
        assert item.entity.id is not None  # checked when the reader was built
        return item.entity.id

    def _marker(self, item: Located) -> dict[str, Any]:
        return self.markers[self._key(item)]

    def _chain_id(self, item: Located) -> str:
        """The marker's id, else the FtM id made fit for a chain id."""
        marked = self._marker(item).get("id")
        if isinstance(marked, str) and marked:
            return marked
        cleaned = _ID_CHARS.sub("-", self._key(item))
        return cleaned if cleaned[:1].isalnum() else f"e{cleaned}"

    def _override(self, item: Located, fields: dict[str, Any]) -> dict[str, Any]:
        """The fields, with the values the marker keeps put in their place."""
        marker = self._marker(item)
        return {key: marker.get(key, value) for key, value in fields.items()}

    def _chain_marker(self, orgs: Sequence[Located]) -> dict[str, Any]:
        for item in orgs:
            chain = self._marker(item).get("chain")
            if isinstance(chain, dict):
                return chain
        return {}

    def _org(self, item: Located, ref: str | None, prop: str) -> str:
        """The chain id of the organization a reference points to."""
        if ref is None:
            raise self.error(item, f"{item.entity.schema.name} without {prop!r}", prop)
        if ref not in self.org_ids:
            found = self.by_id.get(ref)
            what = f"a {found.entity.schema.name}" if found else "not in the file"
            message = f"{prop} {ref!r} is {what}; expected an organization (a legal entity)"
            raise self.error(item, message, prop)
        return self.org_ids[ref]

    # -- organizations and sites --------------------------------------------------------------

    def _organization(self, item: Located) -> dict[str, Any]:
        entity = item.entity
        names = entity.get("name")
        name = names[0] if names else _caption(entity)
        others = [*names[1:], *(v for prop in ALIAS_PROPS for v in entity.get(prop, quiet=True))]
        parts = self._own_address(entity)
        country = _country(_first(entity, *COUNTRY_PROPS)) or parts["country"]
        fields: dict[str, Any] = {
            "id": self._chain_id(item),
            "name": name,
            "aliases": [a for a in dict.fromkeys(others) if a != name],
            "type": TYPE_OF_SCHEMA.get(entity.schema.name, OrgType.UNKNOWN).value,
            "country": country,
            "address": parts["address"],
            "city": parts["city"],
            "state": parts["state"],
            "zip": parts["zip"],
            "identifiers": {
                prop.lower(): value
                for prop in IDENTIFIER_PROPS
                if (value := entity.first(prop, quiet=True))
            },
            "source": entity.first("sourceUrl"),
        }
        return self._override(item, fields)

    def _own_address(self, entity: EntityProxy) -> dict[str, Any]:
        """An organization's address: its first Address entity, else its one-line address."""
        for ref in entity.get("addressEntity"):
            found = self.by_id.get(ref)
            if found is not None and _is(found, "Address"):
                return _address_parts(found.entity)
        line = entity.first("address")
        return {"address": line, "city": None, "state": None, "zip": None, "country": None}

    def _link_sites(self) -> list[Located]:
        """Address entities linked as work sites, in file order; notes each one's operator."""
        linked: set[str] = set()
        for item in self.items:
            entity = item.entity
            if _is(item, "UnknownLink"):
                subject, target = entity.first("subject"), entity.first("object")
                if subject is None or target is None or subject not in self.org_ids:
                    continue
                found = self.by_id.get(target)
                if found is not None and _is(found, "Address"):
                    self.operators.setdefault(target, subject)
                    linked.add(target)
            elif _is(item, "Contract"):
                for ref in entity.get("addressEntity"):
                    found = self.by_id.get(ref)
                    if found is not None and _is(found, "Address"):
                        linked.add(ref)
        return [
            item
            for item in self.items
            if _is(item, "Address")
            and (self._key(item) in linked or self._marker(item).get("kind") == "site")
        ]

    def _site(self, item: Located) -> dict[str, Any]:
        entity = item.entity
        parts = _address_parts(entity)
        operator = self.operators.get(self._key(item))
        fields: dict[str, Any] = {
            "id": self._chain_id(item),
            "name": entity.first("name") or entity.first("full") or _caption(entity),
            "operator": self.org_ids[operator] if operator else None,
            **parts,
            "latitude": _float(entity.first("latitude")),
            "longitude": _float(entity.first("longitude")),
            "activities": entity.get("keywords"),
            "source": entity.first("sourceUrl"),
        }
        return self._override(item, fields)

    # -- engagements and workforces -----------------------------------------------------------

    def _engagements(self) -> list[tuple[Located, dict[str, Any]]]:
        awards: dict[str, list[Located]] = {}
        for item in self.items:
            if _is(item, "ContractAward"):
                ref = item.entity.first("contract")
                found = self.by_id.get(ref) if ref else None
                if found is None or not _is(found, "Contract"):
                    message = f"contract {ref!r} is not a Contract in the file"
                    raise self.error(item, message, "contract")
                awards.setdefault(ref or "", []).append(item)
        out: list[tuple[Located, dict[str, Any]]] = []
        for item in self.items:
            if _is(item, "Contract"):
                its = awards.get(self._key(item), [])
                for award in its:
                    out.append((item, self._engagement(item, award, alone=len(its) == 1)))
            elif _is(item, "UnknownLink"):
                subject, target = item.entity.first("subject"), item.entity.first("object")
                if subject in self.org_ids and target in self.org_ids:
                    out.append((item, self._link_engagement(item)))
        return out

    def _engagement(self, contract: Located, award: Located, alone: bool) -> dict[str, Any]:
        c, a = contract.entity, award.entity
        chain_id = self._chain_id(contract) if alone else self._chain_id(award)
        self.contract_engagements.setdefault(self._key(contract), chain_id)
        sites = []
        for ref in c.get("addressEntity"):
            if ref not in self.site_ids:
                message = f"addressEntity {ref!r} is not an Address in the file"
                raise self.error(contract, message, "addressEntity")
            sites.append(self.site_ids[ref])
        fields: dict[str, Any] = {
            "id": chain_id,
            "buyer": self._org(contract, c.first("authority"), "authority"),
            "supplier": self._org(award, a.first("supplier"), "supplier"),
            "service": c.first("title") or c.first("name"),
            "sites": sites,
            "price": _price(a, c),
            "start": _date(a.first("startDate")),
            "end": _date(a.first("endDate")),
            "subcontractors_disclosed": None,
            "source": c.first("sourceUrl") or a.first("sourceUrl"),
        }
        return self._override(contract, fields) if alone else fields

    def _link_engagement(self, item: Located) -> dict[str, Any]:
        entity = item.entity
        fields: dict[str, Any] = {
            "id": self._chain_id(item),
            "buyer": self._org(item, entity.first("subject"), "subject"),
            "supplier": self._org(item, entity.first("object"), "object"),
            "service": entity.first("role"),
            "sites": [],
            "price": None,
            "start": _date(entity.first("startDate")),
            "end": _date(entity.first("endDate")),
            "subcontractors_disclosed": None,
            "source": entity.first("sourceUrl"),
        }
        return self._override(item, fields)

    def _workforce(self, item: Located) -> dict[str, Any]:
        entity = item.entity
        contract = entity.first("contract")
        beneficiary = entity.first("beneficiary")
        amount = _float(entity.first("amount"))
        pay = None
        if amount is not None:
            currency = (entity.first("currency") or "USD").upper()
            pay = {"amount": amount, "per": _per(entity.first("summary")), "currency": currency}
        fields: dict[str, Any] = {
            "id": None,
            "site": None,
            "engagement": self.contract_engagements.get(contract) if contract else None,
            "labor": Labor.UNKNOWN.value,
            "headcount": None,
            "pay": pay,
            "paid_to": self._org(item, beneficiary, "beneficiary") if beneficiary else WORKER,
            "deductions": None,
            "hours_per_week": None,
            "hours": None,
            "source": entity.first("sourceUrl"),
        }
        return self._override(item, fields)

    # -- the root -----------------------------------------------------------------------------

    def _root(
        self, root: str | None, orgs: Sequence[Located], engagements: Sequence[dict[str, Any]]
    ) -> str:
        """The root buyer: as asked, else as marked, else the one buyer that never supplies."""
        chain_ids = list(self.org_ids.values())
        if root is not None:
            if root in chain_ids:
                return root
            if root in self.org_ids:
                return self.org_ids[root]
            raise InputError(f"root {root!r} is not an organization in the file", file=self.file)
        marked = [self.org_ids[self._key(item)] for item in orgs if "chain" in self._marker(item)]
        if len(marked) == 1:
            return marked[0]
        suppliers = {e["supplier"] for e in engagements}
        buyers = {e["buyer"] for e in engagements}
        candidates = [c for c in chain_ids if c in buyers and c not in suppliers]
        if not engagements and len(chain_ids) == 1:
            candidates = chain_ids
        if len(candidates) == 1:
            return candidates[0]
        if not engagements:
            message = (
                "no engagements (a Contract with its ContractAward, or an UnknownLink between"
                f" organizations), so the root buyer cannot be told among {len(chain_ids)} organizations"
            )
        elif not candidates:
            message = "no root organization: none buys without also supplying"
        else:
            shown = ", ".join(repr(c) for c in candidates[:5])
            more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
            message = f"more than one possible root organization ({shown}{more})"
        raise InputError(message + "; name the root buyer (root=ID)", file=self.file)


def _is(item: Located, schema: str) -> bool:
    return item.entity.schema.is_a(schema)


def _first(entity: EntityProxy, *props: str) -> str | None:
    for prop in props:
        value = entity.first(prop, quiet=True)
        if value:
            return value
    return None


def _caption(entity: EntityProxy) -> str:
    caption = entity.caption
    return f"{caption} {entity.id}" if caption == entity.schema.label else caption


def _address_parts(entity: EntityProxy) -> dict[str, Any]:
    """An Address entity's parts, chosen as lists choose them (``address_parts``)."""
    parts = address_parts(lambda prop: entity.get(prop, quiet=True))
    return {
        "address": parts.line,
        "city": parts.city,
        "state": parts.state,
        "zip": parts.zip,
        "country": _country(parts.country),
    }


def _country(value: str | None) -> str | None:
    """FtM country codes are lower case (``us``); the chain file writes them upper case."""
    return value.upper() if value else None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> str | None:
    """A full date as ISO text; FtM's partial dates (``2019-12``) are not chain dates."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _per(summary: str | None) -> str:
    found = _PER.match(summary or "")
    return found.group(1) if found else Per.TOTAL.value


def _price(award: EntityProxy, contract: EntityProxy) -> dict[str, Any] | None:
    """The award's amount per the unit its summary names, else the contract's total."""
    currency = award.first("currency") or contract.first("currency") or "USD"
    amount = _float(award.first("amount"))
    if amount is not None:
        return {"amount": amount, "per": _per(award.first("summary")), "currency": currency.upper()}
    amount = _float(contract.first("amount"))
    if amount is not None:
        return {"amount": amount, "per": Per.TOTAL.value, "currency": currency.upper()}
    return None
