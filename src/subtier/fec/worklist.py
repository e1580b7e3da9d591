"""The vetting worklist: every organization the committee paid, those to ask first.

A payee bought a service from that involves labor a vendor could subcontract (calls, texting,
canvassing, data entry, mail, staffing, ...) is *asked*: for a disclosure of its subcontractors
and work sites, and a signed attestation. These come first, the most such money first, each
with why it is there and what to ask for. Every other organization (card issuers, banks,
payroll services, law firms, software) is *listed*, with its service class, and not asked.
People are not on it: a person paid directly is the worker, not a vendor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from subtier.core.model import Chain, OrgType
from subtier.fec.classify import Category, Rules, classify, default_rules
from subtier.fec.conduits import label as conduit_label
from subtier.fec.payees import Payee, PayeeFlow
from subtier.fec.records import money

ATTESTATION = (
    "a signed attestation that no work is done by incarcerated or forced labor, naming every "
    "subcontractor and work site (an empty list if none)"
)
DISCLOSURE = "subcontractor disclosure"
SIGNED = "signed attestation"
STREET = "street address"


@dataclass(frozen=True)
class WorkItem:
    rank: int
    payee: str  # chain organization id
    name: str
    address: str
    tier: int
    labor_cents: int  # paid for services with labor a vendor could subcontract
    total_cents: int  # paid for everything
    categories: tuple[str, ...]  # labor class labels, largest first (empty when not asked)
    purposes: tuple[str, ...]  # the purposes as written, largest first
    why: str
    ask: str
    flags: tuple[str, ...] = ()  # screening findings about the payee, if any
    asked: bool = True  # asked for a disclosure; else listed only
    classes: tuple[str, ...] = ()  # every service class paid for, largest first (ids)
    class_labels: tuple[str, ...] = ()
    paid_through: tuple[str, ...] = ()  # conduits paid through: "American Express (card issuer)"
    missing: tuple[str, ...] = ()  # what is not known yet: disclosure, attestation, street


def _address(p: Payee) -> str:
    return ", ".join(x for x in (p.street, p.city, f"{p.state} {p.zip}".strip()) if x)


@dataclass
class _Paid:
    by_class: Counter[str]
    labor: Counter[str]
    purposes: Counter[str]
    total: int = 0
    tier: int = 9
    through: dict[str, str] | None = None


def worklist(
    payees: Sequence[Payee],
    flows: Sequence[PayeeFlow],
    rules: Rules,
    flags: Mapping[str, Sequence[str]] | None = None,
) -> list[WorkItem]:
    """Organizations asked first (by the labor money), then those listed (by all money)."""
    by_id = {p.id: p for p in payees}
    categories: dict[str, Category] = {}
    paid: dict[str, _Paid] = {}
    for item in flows:
        payee = by_id[item.payee]
        if payee.person or item.via == item.payee:
            continue
        p = paid.setdefault(item.payee, _Paid(Counter(), Counter(), Counter(), through={}))
        p.total += item.flow.cents
        p.tier = min(p.tier, item.tier)
        if item.via is not None and p.through is not None:
            p.through[by_id[item.via].name] = conduit_label(item.flow.conduit)
        for purpose, cents in item.flow.purposes.items():
            category = classify(purpose, rules, item.flow.codes.get(purpose, ""))
            categories[category.id] = category
            p.by_class[category.id] += cents
            p.purposes[purpose] += cents
            if category.labor_intensive:
                p.labor[category.id] += cents
    asked = [pid for pid, p in paid.items() if sum(p.labor.values()) > 0]
    listed = [pid for pid in paid if pid not in set(asked)]
    asked.sort(key=lambda pid: (-sum(paid[pid].labor.values()), by_id[pid].name))
    listed.sort(key=lambda pid: (-paid[pid].total, by_id[pid].name))
    out: list[WorkItem] = []
    for rank, pid in enumerate([*asked, *listed], start=1):
        payee, p = by_id[pid], paid[pid]
        is_asked = pid in paid and sum(p.labor.values()) > 0
        classes = [c for c, _ in p.by_class.most_common()]
        written = [w for w, _ in p.purposes.most_common()]
        through = tuple(f"{n} ({k})" for n, k in (p.through or {}).items())
        missing = [DISCLOSURE, SIGNED] if is_asked else []
        if not payee.street:
            missing.append(STREET)
        cats = [categories[c] for c, _ in p.labor.most_common()]
        if is_asked:
            spent = "; ".join(
                f"{money(c)} for {categories[cid].label}" for cid, c in p.labor.most_common()
            )
            why = f"paid {spent} ({', '.join(repr(w) for w in written[:3])}): {cats[0].why}"
            if p.tier == 2:
                why += "; paid through another payee (tier 2)"
            asks = "; ".join(dict.fromkeys(c.ask for c in cats if c.ask))
            ask = f"a {DISCLOSURE}: {asks}; and {ATTESTATION}"
        else:
            top = categories[classes[0]] if classes else None
            kind = f"{top.label}: {top.description}" if top else "purpose not stated"
            why = f"paid {money(p.total)} for {kind}; no work a vendor could subcontract"
            ask = "nothing: listed, not asked"
        out.append(
            WorkItem(
                rank=rank,
                payee=pid,
                name=payee.name,
                address=_address(payee),
                tier=p.tier,
                labor_cents=sum(p.labor.values()),
                total_cents=p.total,
                categories=tuple(c.label for c in cats),
                purposes=tuple(written),
                why=why,
                ask=ask,
                flags=tuple((flags or {}).get(pid, ())),
                asked=is_asked,
                classes=tuple(classes),
                class_labels=tuple(categories[c].label for c in classes),
                paid_through=through,
                missing=tuple(missing),
            )
        )
    return out


@dataclass(frozen=True)
class ChainRow:
    """One engagement of the root buyer, as the dashboard's worklist shows it."""

    engagement: str
    supplier: str  # organization id
    name: str
    cents: int | None
    classes: tuple[str, ...]  # class labels found in the service text, in its order
    asked: bool  # its service has work a vendor could subcontract
    paid_through: str  # the conduit's name, or ""
    missing: tuple[str, ...]


def from_chain(chain: Chain, rules: Rules | None = None) -> list[ChainRow]:
    """The worklist of a saved chain: the root's engagements with organizations, asked first.

    Read from the chain alone, so it follows what vendors disclose: the service classes are the
    labels ``subtier fec`` writes into each engagement's service, ``disclosure_required: false``
    marks one not asked, and a disclosure once given is no longer missing.
    """
    labels = [c.label for c in (rules or default_rules()).categories]
    orgs = chain.organizations_by_id
    out: list[ChainRow] = []
    for eng in chain.engagements:
        org = orgs.get(eng.supplier)
        if eng.buyer != chain.root or org is None or org.type is OrgType.INDIVIDUAL:
            continue
        service = eng.service or ""
        found = sorted((service.find(f"({x})"), x) for x in labels if f"({x})" in service)
        asked = eng.disclosure_required is not False
        missing = []
        if asked and not eng.subcontractors_disclosed:
            missing.append(DISCLOSURE)
        if not org.address:
            missing.append(STREET)
        via = orgs.get(eng.paid_through) if eng.paid_through else None
        cents = round(eng.price.amount * 100) if eng.price else None
        out.append(
            ChainRow(eng.id, org.id, org.name, cents, tuple(x for _, x in found), asked,
                     via.name if via else "", tuple(missing))
        )  # fmt: skip
    out.sort(key=lambda r: (not r.asked, -(r.cents or 0), r.name))
    return out
