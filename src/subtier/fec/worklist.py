"""The vetting worklist: payees bought labor-intensive services from, the most money first.

Each row says why the payee is on the list (the categories and purposes, and what was paid for
them) and what to ask for: a disclosure of its subcontractors and work sites, and a signed
attestation. People are not on it: a person paid directly is the worker, not a vendor.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from subtier.fec.classify import Category, Rules, classify
from subtier.fec.payees import Payee, PayeeFlow
from subtier.fec.records import money

ATTESTATION = (
    "a signed attestation that no work is done by incarcerated or forced labor, naming every "
    "subcontractor and work site (an empty list if none)"
)


@dataclass(frozen=True)
class WorkItem:
    rank: int
    payee: str  # chain organization id
    name: str
    address: str
    tier: int
    labor_cents: int  # paid for labor-intensive services
    total_cents: int  # paid for everything
    categories: tuple[str, ...]  # labor-intensive category labels, largest first
    purposes: tuple[str, ...]  # the purposes as written, largest first
    why: str
    ask: str
    flags: tuple[str, ...] = ()  # screening findings about the payee, if any


def _address(p: Payee) -> str:
    return ", ".join(x for x in (p.street, p.city, f"{p.state} {p.zip}".strip()) if x)


def worklist(
    payees: Sequence[Payee],
    flows: Sequence[PayeeFlow],
    rules: Rules,
    flags: Mapping[str, Sequence[str]] | None = None,
) -> list[WorkItem]:
    """Organizations paid for labor-intensive services, ranked by that money."""
    by_id = {p.id: p for p in payees}
    labor: dict[str, Counter[str]] = {}
    purposes: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    tiers: dict[str, int] = {}
    categories: dict[str, Category] = {}
    for item in flows:
        payee = by_id[item.payee]
        totals[item.payee] += item.flow.cents
        if payee.person:
            continue
        for purpose, cents in item.flow.purposes.items():
            category = classify(purpose, rules)
            if not category.labor_intensive:
                continue
            categories[category.id] = category
            labor.setdefault(item.payee, Counter())[category.id] += cents
            purposes.setdefault(item.payee, Counter())[purpose] += cents
            tiers[item.payee] = min(tiers.get(item.payee, item.tier), item.tier)
    ranked = sorted(
        (pid for pid, c in labor.items() if sum(c.values()) > 0),
        key=lambda pid: (-sum(labor[pid].values()), by_id[pid].name),
    )
    out: list[WorkItem] = []
    for rank, pid in enumerate(ranked, start=1):
        payee = by_id[pid]
        cats = [categories[c] for c, _ in labor[pid].most_common()]
        written = [p for p, _ in purposes[pid].most_common()]
        spent = sum(labor[pid].values())
        paid = "; ".join(
            f"{money(cents)} for {c.label}" for c, cents in
            ((categories[cid], cents) for cid, cents in labor[pid].most_common())
        )  # fmt: skip
        why = f"paid {paid} ({', '.join(repr(p) for p in written[:3])}): {cats[0].why}"
        if tiers[pid] == 2:
            why += "; paid through another payee (tier 2)"
        asks = "; ".join(dict.fromkeys(c.ask for c in cats if c.ask))
        ask = f"a subcontractor disclosure: {asks}; and {ATTESTATION}"
        out.append(
            WorkItem(
                rank=rank,
                payee=pid,
                name=payee.name,
                address=_address(payee),
                tier=tiers[pid],
                labor_cents=spent,
                total_cents=totals[pid],
                categories=tuple(c.label for c in cats),
                purposes=tuple(written),
                why=why,
                ask=ask,
                flags=tuple((flags or {}).get(pid, ())),
            )
        )
    return out
