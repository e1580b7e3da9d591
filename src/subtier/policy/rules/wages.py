"""wage-floor: every worker is paid at least the hourly floor."""

from __future__ import annotations

from collections.abc import Iterator

from subtier.policy.config import WageFloor
from subtier.policy.finding import Evidence, Finding
from subtier.policy.rules.context import Context
from subtier.severity import Severity


def wage_floor(ctx: Context, params: WageFloor) -> Iterator[Finding]:
    """Every worker is paid at least the hourly floor, counted as what reaches the worker.

    Pay per day, week, month or year is converted at the hours stated (40 a week if not given).
    Pay that goes to an organization rather than the worker, or that is not disclosed, cannot
    be verified and is reported as information.
    """
    for flow in ctx.wages:
        path = tuple(ctx.graph.site_path(flow.site)) or (flow.site,)
        site = ctx.name(flow.site)
        hourly = flow.worker_hourly
        if hourly is None or hourly.amount is None:
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
        if hourly.currency != params.currency or hourly.amount >= params.hourly:
            continue
        remedy = flow.remediation
        cost = ""
        if remedy is not None:
            cost = (
                f" Raising it to the floor costs {params.currency} {remedy.gap_per_hour:,.2f} per hour"
                f" worked ({params.currency} {remedy.per_worker_month:,.2f} per full-time worker-month)."
            )
        assumption = f" ({hourly.assumption})" if hourly.assumption else ""
        yield Finding(
            rule="wage-floor",
            severity=params.severity,
            subject_kind="workforce",
            subject_id=flow.workforce,
            path=path,
            summary=(
                f"Workers at {site} receive {params.currency} {hourly.amount:,.2f} an hour{assumption},"
                f" below the floor of {params.currency} {params.hourly:,.2f}." + cost
            ),
            evidence=(Evidence(reasons=f"pay: {flow.pay}, paid to {flow.paid_to}"),),
        )
