"""A chain and its findings as FollowTheMoney entities (``subtier check --format ftm``).

Organizations become Company, Organization, PublicBody or Person entities; sites become
Address entities, linked to their operator by an UnknownLink and to the engagements whose work
they house by the Contract's ``addressEntity``; engagements become a Contract (the buyer is its
``authority``) and a ContractAward (to the supplier); workforces become Payments; findings
become Notes on their subject. Entities are built and cleaned by the ``followthemoney``
library, and their ids are hashes of the chain's name and ids, so exporting again gives the
same file.

Whatever FtM cannot hold exactly (the chain's ids, an organization's type, a workforce's site
and headcount, a value FtM's cleaning would change ...) is kept in a marker, one
``description`` value ``subtier/1 {json}``, so ``subtier import`` gives the same chain back.
The marker holds only what the FtM properties do not already say: the export reads its own
entities back and keeps each field whose value read back differs. See ``docs/ftm.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from followthemoney import EntityProxy, model
from followthemoney.cli.util import write_entity

from subtier.core.check import CheckResult
from subtier.core.model import WORKER, Chain, Engagement, Money, Organization, Per, Site, Workforce
from subtier.core.policy import Evidence, Finding
from subtier.formats.ftm_chain import (
    SCHEMA_OF_TYPE,
    SCHEME_PROPS,
    Located,
    read_chain_data,
    read_marker,
    write_marker,
)

__all__ = ["OPERATOR_ROLE", "TOPICS", "dump_ftm", "export_ftm", "write_ftm"]

# The FtM topic a finding's Note carries, by rule. Only where an FtM topic says what the rule
# found: FtM has no topic for a wage below a floor, work abroad or an undisclosed subcontractor
# ("reg.warn" is a regulator's warning, which a check is not).
TOPICS: Mapping[str, str] = {"no-prison-labor": "forced.labor"}
# The role of the UnknownLink from a site's operator to the site.
OPERATOR_ROLE = "operator of the work site"
_SECTIONS = ("organizations", "sites", "engagements", "workforces")


def export_ftm(chain: Chain, result: CheckResult | None = None) -> list[EntityProxy]:
    """The chain as FtM entities and, given the result of checking it, a Note per finding."""
    exporter = _Exporter(chain)
    entities = exporter.chain_entities()
    _keep_what_ftm_cannot_hold(chain, entities)
    if result is not None:
        entities.extend(exporter.note(finding) for finding in result.findings)
    return entities


def dump_ftm(entities: Iterable[EntityProxy], handle: BinaryIO) -> None:
    """Write entities as FtM JSON lines (the library's own serialization, ``id`` first)."""
    for entity in entities:
        write_entity(handle, entity)


def write_ftm(entities: Iterable[EntityProxy], path: Path) -> None:
    """Write entities to a JSON lines file, e.g. ``chain.ftm.json``."""
    with path.open("wb") as handle:
        dump_ftm(entities, handle)


class _Exporter:
    """Builds the entities of one chain, remembering which entity stands for which chain id."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.orgs: dict[str, EntityProxy] = {}
        self.sites: dict[str, EntityProxy] = {}
        self.contracts: dict[str, EntityProxy] = {}
        self.workforces: dict[str, Workforce] = {}

    def new(self, schema: str, *key: str) -> EntityProxy:
        """An empty entity whose id is a hash of the chain's name and the key: stable."""
        entity = model.make_entity(schema)
        entity.make_id(self.chain.name, *key)
        return entity

    def chain_entities(self) -> list[EntityProxy]:
        chain = self.chain
        out: list[EntityProxy] = []
        for org in chain.organizations:
            out.extend(self.organization(org))
        for site in chain.sites:
            out.extend(self.site(site))
        for engagement in chain.engagements:
            out.extend(self.engagement(engagement))
        for index, workforce in enumerate(chain.workforces):
            out.append(self.workforce(index, workforce))
        return out

    def organization(self, org: Organization) -> list[EntityProxy]:
        entity = self.new(SCHEMA_OF_TYPE[org.type], "organization", org.id)
        _add(entity, "name", org.name)
        _add(entity, "alias", *org.aliases)
        _add(entity, "country", org.country)
        line = _one_line(org.address, org.city, org.state, org.zip)
        _add(entity, "address", line)
        for scheme, value in org.identifiers.items():
            prop = SCHEME_PROPS.get(scheme.lower())
            if prop and entity.schema.get(prop) is not None and not entity.has(prop):
                _add(entity, prop, value)
        _add(entity, "sourceUrl", org.source)
        marker: dict[str, Any] = {"kind": "organization", "id": org.id}
        if org.id == self.chain.root:
            marker["chain"] = {"name": self.chain.name}
            if self.chain.description is not None:
                marker["chain"]["description"] = self.chain.description
        write_marker(entity, marker)
        self.orgs[org.id] = entity
        if line is None:
            return [entity]
        # The organization's own address, in parts, as FtM links an entity to its address.
        address = self.new("Address", "organization-address", org.id)
        _add(address, "full", line)
        _add(address, "street", org.address)
        _add(address, "city", org.city)
        _add(address, "state", org.state)
        _add(address, "postalCode", org.zip)
        _add(address, "country", org.country)
        _add(entity, "addressEntity", _id(address))
        return [address, entity]

    def site(self, site: Site) -> list[EntityProxy]:
        entity = self.new("Address", "site", site.id)
        _add(entity, "name", site.name)
        _add(entity, "full", _one_line(site.address, site.city, site.state, site.zip))
        _add(entity, "street", site.address)
        _add(entity, "city", site.city)
        _add(entity, "state", site.state)
        _add(entity, "postalCode", site.zip)
        _add(entity, "country", site.country)
        _add(entity, "latitude", site.latitude)
        _add(entity, "longitude", site.longitude)
        _add(entity, "keywords", *site.activities)
        _add(entity, "sourceUrl", site.source)
        write_marker(entity, {"kind": "site", "id": site.id})
        self.sites[site.id] = entity
        if site.operator is None:
            return [entity]
        link = self.new("UnknownLink", "operator", site.id)
        _add(link, "subject", _id(self.orgs[site.operator]))
        _add(link, "object", _id(entity))
        _add(link, "role", OPERATOR_ROLE)
        return [entity, link]

    def engagement(self, eng: Engagement) -> list[EntityProxy]:
        orgs = self.chain.organizations_by_id
        contract = self.new("Contract", "engagement", eng.id)
        title = eng.service or f"{orgs[eng.buyer].name} to {orgs[eng.supplier].name}"
        _add(contract, "title", title)
        _add(contract, "authority", _id(self.orgs[eng.buyer]))
        price = eng.price
        if price is not None and price.per is Per.TOTAL:
            _add(contract, "amount", price.amount)
            _add(contract, "currency", price.currency)
        _add(contract, "addressEntity", *(_id(self.sites[s]) for s in eng.sites))
        summary = [f"price: {_price_text(price)}"] if price is not None else []
        summary.append(f"subcontractors disclosed: {_yes_no(eng.subcontractors_disclosed)}")
        _add(contract, "summary", "; ".join(summary))
        _add(contract, "sourceUrl", eng.source)
        write_marker(contract, {"kind": "engagement", "id": eng.id})
        self.contracts[eng.id] = contract
        award = self.new("ContractAward", "award", eng.id)
        _add(award, "contract", _id(contract))
        _add(award, "supplier", _id(self.orgs[eng.supplier]))
        if price is not None:
            # The amount per the unit the summary names: "7.25 USD per hour".
            _add(award, "amount", price.amount)
            _add(award, "currency", price.currency)
            _add(award, "summary", _price_text(price))
        _add(award, "startDate", eng.start)
        _add(award, "endDate", eng.end)
        return [contract, award]

    def workforce(self, index: int, wf: Workforce) -> EntityProxy:
        chain = self.chain
        workforce_id = chain.workforce_id(index)
        self.workforces[workforce_id] = wf
        eng = chain.engagements_by_id[wf.engagement]
        # An id-less workforce is keyed by its place: "wf-2" may also be another's own id.
        key = ("workforce", wf.id) if wf.id is not None else ("workforce-at", str(index))
        payment = self.new("Payment", *key)
        # The supplier pays its workers; pay handed to the supplier itself comes from the buyer.
        payer = eng.buyer if wf.paid_to == eng.supplier else eng.supplier
        _add(payment, "payer", _id(self.orgs[payer]))
        if wf.paid_to != WORKER:
            _add(payment, "beneficiary", _id(self.orgs[wf.paid_to]))
        _add(payment, "contract", _id(self.contracts[wf.engagement]))
        if wf.pay is not None:
            _add(payment, "amount", wf.pay.amount)
            _add(payment, "currency", wf.pay.currency)
        unit = f", per {wf.pay.per.value}" if wf.pay is not None else ""
        _add(payment, "purpose", f"pay for {wf.labor.value} labor{unit}")
        _add(payment, "summary", self._pay_summary(wf))
        _add(payment, "sourceUrl", wf.source)
        marker: dict[str, Any] = {"kind": "workforce"}
        if wf.id is not None:
            marker["id"] = wf.id
        write_marker(payment, marker)
        return payment

    def _pay_summary(self, wf: Workforce) -> str:
        """What each worker is paid, to whom, and how many work how long: for people to read."""
        orgs, sites = self.chain.organizations_by_id, self.chain.sites_by_id
        parts = [_price_text(wf.pay) if wf.pay is not None else "pay not disclosed"]
        if wf.paid_to == WORKER:
            parts.append("paid to the workers themselves (no beneficiary entity)")
        else:
            parts.append(f"paid to {orgs[wf.paid_to].name}, not to the workers")
        workers = f"{wf.headcount} workers" if wf.headcount is not None else "workers"
        parts.append(f"{workers} at {sites[wf.site].name}")
        if wf.hours_per_week is not None:
            parts.append(f"{_num(wf.hours_per_week)} hours a week")
        if wf.hours is not None:
            parts.append(f"{_num(wf.hours)} hours worked in total")
        if wf.deductions is not None:
            parts.append(f"{wf.deductions:.0%} deducted before pay reaches the worker")
        return "; ".join(parts)

    def note(self, finding: Finding) -> EntityProxy:
        note = self.new(
            "Note",
            "finding",
            finding.rule,
            finding.subject_kind,
            finding.subject_id,
            *finding.path,
        )
        subjects = self._subjects(finding)
        _add(note, "entity", *(_id(s) for s in subjects))
        _add(note, "name", f"{finding.rule} ({finding.severity.value}): {self._label(finding)}")
        _add(note, "summary", finding.summary)
        _add(note, "description", _finding_text(finding))
        _add(note, "topics", TOPICS.get(finding.rule))
        return note

    def _label(self, finding: Finding) -> str:
        """The finding's subject as the chain names it."""
        chain, kind, subject = self.chain, finding.subject_kind, finding.subject_id
        if kind == "organization" and subject in chain.organizations_by_id:
            return chain.organizations_by_id[subject].name
        if kind == "site" and subject in chain.sites_by_id:
            return chain.sites_by_id[subject].name
        if kind == "engagement" and subject in chain.engagements_by_id:
            return chain.engagements_by_id[subject].service or subject
        if kind == "workforce" and subject in self.workforces:
            return f"workers at {chain.sites_by_id[self.workforces[subject].site].name}"
        return subject

    def _subjects(self, finding: Finding) -> list[EntityProxy]:
        """The entities a finding is about. A Note can only point to a Thing, which a Payment is
        not: a workforce's finding points to its site and its engagement's Contract."""
        kind, subject = finding.subject_kind, finding.subject_id
        found: EntityProxy | None = None
        if kind == "organization":
            found = self.orgs.get(subject)
        elif kind == "site":
            found = self.sites.get(subject)
        elif kind == "engagement":
            found = self.contracts.get(subject)
        elif kind == "workforce" and subject in self.workforces:
            wf = self.workforces[subject]
            return [self.sites[wf.site], self.contracts[wf.engagement]]
        return [found] if found is not None else []


def _keep_what_ftm_cannot_hold(chain: Chain, entities: list[EntityProxy]) -> None:
    """Read the entities back as a chain and keep, in each item's marker, every field whose
    value read back differs from the chain's."""
    found = read_chain_data([Located(e) for e in entities], "<export>", chain.root, chain.name)
    for section in _SECTIONS:
        items = getattr(chain, section)
        if len(found.data[section]) != len(items):  # pragma: no cover - a bug in the mapping
            raise RuntimeError(f"FtM export: {section} do not read back one for one")
        for index, item in enumerate(items):
            got = found.data[section][index]
            expected = item.model_dump(mode="json")
            kept = {k: v for k, v in expected.items() if got.get(k) != v}
            if kept:
                origin = found.origins[(section, index)].entity
                write_marker(origin, {**(read_marker(origin) or {}), **kept})


def _id(entity: EntityProxy) -> str:
    assert entity.id is not None  # every entity here is made with make_id
    return entity.id


def _add(entity: EntityProxy, prop: str, *values: str | float | date | None) -> None:
    """Add values through FtM's cleaning (a value FtM cannot read is dropped)."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, date):
            text = value.isoformat()
        elif isinstance(value, float):
            text = _num(value)
        else:
            text = str(value)
        entity.add(prop, text)


def _num(value: float) -> str:
    """A number as FtM text that reads back as the same float: 7.25, 1200."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _one_line(
    street: str | None, city: str | None, state: str | None, postcode: str | None
) -> str | None:
    """``601 N Oak St, Taft, OK 74463``."""
    region = " ".join(p for p in (state, postcode) if p)
    return ", ".join(p for p in (street, city, region) if p) or None


def _price_text(money: Money | None) -> str:
    if money is None:
        return "not disclosed"
    if money.per is Per.TOTAL:
        return f"{_num(money.amount)} {money.currency} in total"
    return f"{_num(money.amount)} {money.currency} per {money.per.value}"


def _yes_no(value: bool | None) -> str:
    return "not answered" if value is None else ("yes" if value else "no")


def _evidence_text(e: Evidence) -> str:
    if e.list:
        score = f", score {e.score:.2f}" if e.score is not None else ""
        strength = f" ({e.strength})" if e.strength else ""
        text = (
            f"{e.list} {e.list_version} {e.entry_id} {e.entry_name}{score}{strength}: {e.reasons}"
        )
    else:
        text = e.reasons
    return f"{text}; source: {e.source}" if e.source else text


def _finding_text(finding: Finding) -> str:
    """``key: value`` lines: rule, severity, subject, path, then one line per evidence."""
    lines = [
        f"rule: {finding.rule}",
        f"severity: {finding.severity.value}",
        f"subject: {finding.subject_kind} {finding.subject_id}",
        f"path: {' > '.join(finding.path)}",
        *(f"evidence: {_evidence_text(e)}" for e in finding.evidence),
    ]
    return "\n".join(lines)
