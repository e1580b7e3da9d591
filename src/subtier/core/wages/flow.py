"""Follow the money: what each tier pays, what reaches the worker, and what a fair wage costs.

Pay in other units becomes hourly with stated assumptions: 8 hours a day, the workforce's
``hours_per_week`` (40 if not given), 52 weeks a year, so a month is 173.3 hours at 40 a week.

Pay handed to an organization (a correctional-industries program, an agency) rather than to the
worker is an upper bound: the worker gets at most that, after any stated deductions. The cost of
raising it to a floor is then a lower bound.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from subtier.core.model import WORKER, Chain, ChainGraph, Engagement, Money, Per, Workforce

DEFAULT_HOURS_PER_WEEK = 40.0


@dataclass(frozen=True, slots=True)
class Hourly:
    """An hourly figure and the assumption it rests on (empty when none was needed)."""

    amount: float | None
    currency: str
    assumption: str = ""
    upper_bound: bool = False  # at most this much: pay that passes through an organization


def to_hourly(money: Money, hours_per_week: float, total_hours: float | None = None) -> Hourly:
    """Convert an amount per unit to an hourly amount, saying what was assumed."""
    week = hours_per_week
    per = money.per
    if per is Per.HOUR:
        return Hourly(money.amount, money.currency)
    if per is Per.DAY:
        return Hourly(money.amount / 8, money.currency, "8 hours a day")
    if per is Per.WEEK:
        return Hourly(money.amount / week, money.currency, f"{week:g} hours a week")
    if per is Per.MONTH:
        hours = week * 52 / 12
        return Hourly(
            money.amount / hours, money.currency, f"{hours:.1f} hours a month ({week:g} a week)"
        )
    if per is Per.YEAR:
        return Hourly(money.amount / (week * 52), money.currency, f"{week * 52:g} hours a year")
    if per is Per.TOTAL and total_hours:
        return Hourly(
            money.amount / total_hours, money.currency, f"{total_hours:g} hours worked in total"
        )
    reason = "calls per hour unknown" if per is Per.CALL else "hours worked unknown"
    return Hourly(None, money.currency, f"not convertible to hourly: {reason}")


@dataclass(frozen=True, slots=True)
class TierPrice:
    """One engagement on the way from the root to the work, and its price."""

    tier: int  # the supplier's tier
    engagement: str
    buyer: str
    supplier: str
    price: Money | None
    hourly: Hourly | None


@dataclass(frozen=True, slots=True)
class Remediation:
    """The cost of raising the worker's pay to the floor."""

    floor: float
    currency: str
    gap_per_hour: float
    per_worker_month: float
    monthly: float | None  # for the whole workforce each month, when the headcount is known
    total: float | None  # for the hours worked, when known
    lower_bound: bool = False  # at least this much: worked out from an upper bound on the pay


@dataclass(frozen=True, slots=True)
class WageFlow:
    """Pay for one workforce, traced up the chain."""

    workforce: str
    site: str
    engagement: str
    labor: str
    headcount: int | None
    pay: Money | None
    paid_to: str
    worker_hourly: Hourly | None  # what reaches the worker, after deductions
    tiers: tuple[TierPrice, ...] = field(default_factory=tuple)
    shares: tuple[float | None, ...] = ()  # per tier: the worker's hourly pay over its price
    remediation: Remediation | None = None
    notes: tuple[str, ...] = ()
    paid_hourly: Hourly | None = None  # the pay per hour as stated, before deductions
    above_price: TierPrice | None = None  # the workforce's engagement, when pay exceeds its price


def trace_wages(chain: Chain, graph: ChainGraph, floor: Money | None = None) -> list[WageFlow]:
    """A wage flow for every workforce in the chain."""
    tracer = _Tracer(chain, graph)
    return [
        tracer.flow(index, workforce, floor) for index, workforce in enumerate(chain.workforces)
    ]


class _Tracer:
    """Traces workforces up the chain; tiers above a buyer are worked out once per buyer."""

    def __init__(self, chain: Chain, graph: ChainGraph) -> None:
        self.chain = chain
        self.graph = graph
        self.by_pair = {(e.buyer, e.supplier): e for e in chain.engagements}
        self.above: dict[tuple[str, float, float | None], tuple[TierPrice, ...]] = {}

    def flow(self, index: int, wf: Workforce, floor: Money | None) -> WageFlow:
        week = wf.hours_per_week or DEFAULT_HOURS_PER_WEEK
        notes: list[str] = []
        paid = to_hourly(wf.pay, week, wf.hours) if wf.pay is not None else None
        worker: Hourly | None = None
        if paid is not None and wf.paid_to != WORKER:
            # The payee passes on no more than it receives, so this bounds the worker's pay.
            worker = Hourly(paid.amount, paid.currency, paid.assumption, upper_bound=True)
        elif paid is not None:
            worker = paid
        else:
            notes.append("pay not disclosed")
        if worker is not None and worker.amount is not None and wf.deductions:
            deducted = f"{wf.deductions:.0%} deducted before it reaches the worker"
            worker = Hourly(
                worker.amount * (1 - wf.deductions),
                worker.currency,
                _join(worker.assumption, deducted),
                worker.upper_bound,
            )
        if worker is not None and worker.upper_bound:
            payee = self.chain.organizations_by_id[wf.paid_to].name
            bound = "the worker gets at most this" if worker.amount is not None else "unknown"
            notes.append(f"pay goes to {payee}, not to the worker: {bound}")
        engagement = self.chain.engagements_by_id[wf.engagement]
        tiers = (
            *self._above(engagement.buyer, week, wf.hours),
            self._tier(engagement, week, wf.hours),
        )
        remediation = None
        if floor is not None and worker is not None and worker.amount is not None:
            remediation = _remediate(wf, worker, floor, week, notes)
        inconsistent = _price_note(paid, tiers[-1])
        if inconsistent is not None:
            notes.append(inconsistent)
        return WageFlow(
            workforce=self.chain.workforce_id(index),
            site=wf.site,
            engagement=wf.engagement,
            labor=wf.labor.value,
            headcount=wf.headcount,
            pay=wf.pay,
            paid_to=wf.paid_to,
            worker_hourly=worker,
            tiers=tiers,
            shares=tuple(_share(worker, t.hourly) for t in tiers),
            remediation=remediation,
            notes=tuple(notes),
            paid_hourly=paid,
            above_price=tiers[-1] if inconsistent is not None else None,
        )

    def _tier(self, engagement: Engagement, week: float, hours: float | None) -> TierPrice:
        price = engagement.price
        return TierPrice(
            tier=self.graph.org_tier.get(engagement.supplier, 0),
            engagement=engagement.id,
            buyer=engagement.buyer,
            supplier=engagement.supplier,
            price=price,
            hourly=to_hourly(price, week, hours) if price is not None else None,
        )

    def _above(self, org: str, week: float, hours: float | None) -> tuple[TierPrice, ...]:
        """Tiers on the shortest path from the root down to ``org``."""
        key = (org, week, hours)
        cached = self.above.get(key)
        if cached is None:
            path = self.graph.org_path(org)
            cached = tuple(
                self._tier(self.by_pair[pair], week, hours)
                for pair in itertools.pairwise(path)
                if pair in self.by_pair
            )
            self.above[key] = cached
        return cached


def _share(worker: Hourly | None, price: Hourly | None) -> float | None:
    if worker is None or price is None or worker.amount is None or not price.amount:
        return None
    return worker.amount / price.amount if worker.currency == price.currency else None


def _price_note(paid: Hourly | None, tier: TierPrice) -> str | None:
    """A note when the pay per hour is more than the tier's price per hour, same currency.

    No one pays a worker more than the buyer pays for the work, so one of the figures is wrong.
    """
    price = tier.hourly
    if paid is None or price is None or paid.amount is None or price.amount is None:
        return None
    if paid.currency != price.currency or paid.amount <= price.amount:
        return None
    c = paid.currency
    return (
        f"inconsistent: pay of {c} {paid.amount:,.2f} an hour is more than the"
        f" {c} {price.amount:,.2f} an hour its supplier is paid for the work"
    )


def _remediate(
    wf: Workforce, worker: Hourly, floor: Money, week: float, notes: list[str]
) -> Remediation | None:
    assert worker.amount is not None
    if worker.currency != floor.currency:
        notes.append(f"pay is in {worker.currency}, the floor in {floor.currency}: not compared")
        return None
    gap = max(0.0, floor.amount - worker.amount)
    if worker.upper_bound and gap == 0:
        return None  # at most the floor or more: what is owed cannot be told
    month = week * 52 / 12
    return Remediation(
        floor=floor.amount,
        currency=floor.currency,
        gap_per_hour=gap,
        per_worker_month=gap * month,
        monthly=gap * month * wf.headcount if wf.headcount else None,
        total=gap * wf.hours if wf.hours is not None else None,
        lower_bound=worker.upper_bound,
    )


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
