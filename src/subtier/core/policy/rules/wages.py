"""wage-floor: every worker is paid at least the hourly floor."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from subtier.core.model import WORKER
from subtier.core.policy.finding import Evidence, Finding
from subtier.core.policy.params import RuleParams
from subtier.core.policy.rules.context import Context
from subtier.core.severity import Severity
from subtier.core.wages import WageFlow


def wage_floor(ctx: Context, params: WageFloor) -> Iterator[Finding]:
    """Every worker is paid at least the hourly floor, counted as what reaches the worker.

    Pay per day, week, month or year is converted at the hours stated (40 a week if not given).
    Pay that goes to an organization rather than the worker (a correctional-industries
    program, an agency) is an upper bound: at most that, after any stated deductions, reaches
    the worker. Below the floor it is a violation as certain as pay to the worker, and the cost
    of raising it to the floor is at least the gap. At or above the floor it cannot be verified
    and is reported as information, as is pay that is not disclosed. Pay per hour above what
    the buyer pays the supplier per hour for the same work is inconsistent, since one of the
    two figures must be wrong, and is reported at low severity with both figures.
    """
    for flow in ctx.wages:
        yield from _inconsistent(ctx, flow)
        path = tuple(ctx.graph.site_path(flow.site)) or (flow.site,)
        site = ctx.name(flow.site)
        hourly = flow.worker_hourly
        below = (
            hourly is not None
            and hourly.amount is not None
            and hourly.currency == params.currency
            and hourly.amount < params.hourly
        )
        if hourly is None or hourly.amount is None or (hourly.upper_bound and not below):
            if hourly is not None and hourly.amount is not None:
                why = f"at most {hourly.currency} {hourly.amount:,.2f} an hour reaches the worker"
                why += f", paid to {ctx.name(flow.paid_to)}"
            else:
                why = "; ".join(flow.notes) or (hourly.assumption if hourly else "pay unknown")
            yield Finding(
                rule="wage-floor",
                severity=Severity.INFO,
                subject_kind="workforce",
                subject_id=flow.workforce,
                path=path,
                summary=f"Workers at {site}: the wage cannot be verified ({why}).",
            )
            continue
        if not below:
            continue
        c = params.currency
        remedy = flow.remediation
        cost = ""
        if remedy is not None:
            least = "at least " if remedy.lower_bound else ""
            cost = (
                f" Raising it to the floor costs {least}{c} {remedy.gap_per_hour:,.2f} per hour"
                f" worked ({least}{c} {remedy.per_worker_month:,.2f} per full-time worker-month)."
            )
        assumption = f" ({hourly.assumption})" if hourly.assumption else ""
        if hourly.upper_bound:
            said = "; ".join(
                p for p in (hourly.assumption, f"paid to {ctx.name(flow.paid_to)}") if p
            )
            summary = (
                f"Workers at {site}: at most {c} {hourly.amount:,.2f} an hour reaches the worker"
                f" ({said}), below the floor of {c} {params.hourly:,.2f}."
            )
            reasons = (
                f"pay: {flow.pay}, paid to {ctx.name(flow.paid_to)}:"
                " an upper bound on what reaches the worker"
            )
        else:
            summary = (
                f"Workers at {site} receive {c} {hourly.amount:,.2f} an hour{assumption},"
                f" below the floor of {c} {params.hourly:,.2f}."
            )
            reasons = f"pay: {flow.pay}, paid to {flow.paid_to}"
        yield Finding(
            rule="wage-floor",
            severity=params.severity,
            subject_kind="workforce",
            subject_id=flow.workforce,
            path=path,
            summary=summary + cost,
            evidence=(Evidence(reasons=reasons, source=_source(ctx, flow)),),
        )


def _source(ctx: Context, flow: WageFlow) -> str | None:
    """Where the chain says the pay comes from (the workforce's source)."""
    chain = ctx.chain
    for index, workforce in enumerate(chain.workforces):
        if chain.workforce_id(index) == flow.workforce:
            return workforce.source
    return None


def _inconsistent(ctx: Context, flow: WageFlow) -> Iterator[Finding]:
    tier = flow.above_price
    paid = flow.paid_hourly
    if tier is None or paid is None or paid.amount is None or tier.hourly is None:
        return
    c = paid.currency
    price = tier.hourly.amount or 0.0
    to = "workers" if flow.paid_to == WORKER else ctx.name(flow.paid_to)
    yield Finding(
        rule="wage-floor",
        severity=Severity.LOW,
        subject_kind="workforce",
        subject_id=flow.workforce,
        path=tuple(ctx.graph.site_path(flow.site)) or (flow.site,),
        summary=(
            f"Workers at {ctx.name(flow.site)}: the pay of {c} {paid.amount:,.2f} an hour to {to}"
            f" is more than the {c} {price:,.2f} an hour {ctx.name(tier.buyer)} pays"
            f" {ctx.name(tier.supplier)} for the work; one of the figures is wrong, so the wage"
            " cannot be relied on."
        ),
        evidence=(
            Evidence(
                reasons=f"pay: {flow.pay}; price of engagement {tier.engagement}: {tier.price}",
                source=_source(ctx, flow),
            ),
        ),
    )


class WageFloor(RuleParams):
    """The parameters of ``wage-floor`` in the policy file."""

    severity: Severity = Severity.HIGH
    hourly: float = Field(default=15.0, gt=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


HEADING = "Minimum pay"  # of the rule's clause in the contract rider


def clause(params: WageFloor) -> str:
    """The rider's clause for this rule: the hourly floor, counted as what reaches the worker."""
    floor = f"{params.currency} {params.hourly:,.2f}"
    return (
        f"Workers performing services under this agreement are paid at least {floor} per hour,"
        " counted as the pay the worker actually receives after any share kept by an agency,"
        " labor broker, program or other intermediary. Pay by the day, week, month or year is"
        " converted to an hourly rate at the hours worked, or at 40 hours a week where hours"
        " are not recorded. The Supplier discloses, on request, what each group of workers is"
        " paid and to whom the pay goes."
    )
