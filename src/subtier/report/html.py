"""The due-diligence report as HTML (and, through WeasyPrint, PDF) for filing and for paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from subtier import __version__
from subtier.check import CheckResult
from subtier.policy import RULES, Severity
from subtier.report.picture import chain_svg
from subtier.report.text import names


@dataclass(frozen=True)
class Remedy:
    """A way to fix a finding, with what it costs when that can be counted."""

    action: str
    cost: str


def remedies(result: CheckResult) -> list[Remedy]:
    """The remediation options the findings call for."""
    out: list[Remedy] = []
    chain = result.chain
    for f in result.findings:
        if f.rule == "no-prison-labor" and f.subject_kind == "site":
            site = chain.sites_by_id[f.subject_id]
            engaged = [e for e in chain.engagements if site.id in e.sites]
            who = (
                ", ".join(sorted({names(result, [e.supplier]) for e in engaged})) or "its operator"
            )
            out.append(
                Remedy(
                    f"End the work at {site.name}: move it off the facility or end the engagement of {who}.",
                    "the price of re-sourcing the work; no top-up is owed to a contract that ends",
                )
            )
    for w in result.wages:
        r = w.remediation
        if r is not None and r.gap_per_hour and r.gap_per_hour > 0:
            place = chain.sites_by_id[w.site].name
            c = f"at least {r.currency}" if r.lower_bound else r.currency
            cost = f"{c} {r.gap_per_hour:,.2f} per hour worked; {c} {r.per_worker_month:,.2f} per full-time worker-month"
            if r.monthly is not None:
                cost += f"; {c} {r.monthly:,.2f} a month for {w.headcount} workers"
            if r.total is not None:
                cost += f"; {c} {r.total:,.2f} for the hours worked"
            out.append(
                Remedy(
                    f"Raise pay at {place} to the floor of {r.currency} {r.floor:,.2f} an hour, paid to the worker.",
                    cost,
                )
            )
    undisclosed = [f for f in result.findings if f.rule == "subcontractors-disclosed"]
    if undisclosed:
        suppliers = ", ".join(sorted({names(result, [f.path[-1]]) for f in undisclosed if f.path}))
        out.append(
            Remedy(
                f"Require disclosure of subcontractors, sites and workforce, with a signed attestation, from: {suppliers}.",
                "no direct cost; make it a condition of payment",
            )
        )
    return out


def _summary(result: CheckResult) -> str:
    chain = result.chain
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    serious = [f for f in result.findings if f.severity.rank >= Severity.HIGH.rank]
    tiers = max(result.graph.org_tier.values(), default=0)
    text = (
        f"This report checks the chain “{chain.name}”: {len(chain.organizations)} organizations over "
        f"{tiers + 1} tiers, {len(chain.sites)} work sites and {len(chain.engagements)} engagements, "
        f"against the policy “{result.policy.name}” and {len(result.lists)} risk list(s). "
    )
    if not result.findings:
        return text + "It found nothing to report."
    text += (
        f"It found {len(result.findings)} issue(s): "
        + ", ".join(f"{n} {s.value}" for s, n in reversed(counts.items()) if n)
        + ". "
    )
    if serious:
        text += "Most serious: " + serious[0].summary
    return text


def _disclosure(result: CheckResult) -> list[dict[str, str]]:
    rows = []
    for e in result.chain.engagements:
        state = {True: "disclosed", False: "not disclosed", None: "not answered"}[
            e.subcontractors_disclosed
        ]
        rows.append(
            {
                "buyer": names(result, [e.buyer]),
                "supplier": names(result, [e.supplier]),
                "service": e.service or "",
                "state": state,
            }
        )
    return rows


def render_html(result: CheckResult, today: date | None = None) -> str:
    """The whole report as one self-contained HTML page."""
    env = Environment(
        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True
    )
    template = env.from_string(
        resources.files("subtier.report").joinpath("templates/report.html").read_text("utf-8")
    )
    # The SVG is built from escaped parts, so it goes into the page as it is.
    picture = Markup(chain_svg(result.chain, result.graph, result.findings))
    rules: list[dict[str, Any]] = []
    for name in RULES:
        params = result.policy.params(name)
        if params is not None:
            rules.append(
                {"name": name, "params": params.model_dump(mode="json", exclude={"enabled"})}
            )
    return template.render(
        result=result,
        chain=result.chain,
        summary=_summary(result),
        picture=picture,
        path=lambda ids: names(result, ids),
        remedies=remedies(result),
        disclosure=_disclosure(result),
        rules=rules,
        today=(today or date.today()).isoformat(),
        version=__version__,
    )


def render_pdf(result: CheckResult, today: date | None = None) -> bytes:
    """The report as PDF, laid out for A4 or Letter paper."""
    from subtier.extras import require_extra

    require_extra("pdf")
    from weasyprint import HTML

    pdf = HTML(string=render_html(result, today)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
