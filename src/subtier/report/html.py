"""The due-diligence report as HTML (and, through WeasyPrint, PDF) for filing and for paper."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from subtier.core.check import CheckResult
from subtier.core.policy import RULES, Severity
from subtier.core.review import DISMISS, Decision
from subtier.report.picture import chain_svg
from subtier.report.text import names
from subtier.version import __version__


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


def chain_hash(result: CheckResult) -> str:
    """The SHA-256 of the chain as checked (its canonical JSON): what the report vouches for."""
    canonical = result.chain.model_dump_json(by_alias=True, exclude_none=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def report_id(result: CheckResult, day: date) -> str:
    """A short id for the report: the same chain, lists and policy on the same day give the
    same id, so a filed copy can be matched to a re-run."""
    lists = ";".join(f"{i.name}@{i.version}" for i in result.lists)
    text = f"{chain_hash(result)}|{lists}|{result.policy.model_dump_json()}|{day.isoformat()}"
    return "ST-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12].upper()


def plain(value: Any) -> str:
    """A parameter as people write it: "US, CA", "yes", "15.0", not ['US', 'CA'] or False."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Screened:
    """One site or organization of the chain, and what screening it found."""

    kind: str  # "site" or "organization"
    name: str
    where: str
    tier: str
    result: str
    cleared: bool


def scope(result: CheckResult) -> list[Screened]:
    """Every site and organization that was screened, cleared ones included: what a reviewer
    shows to say what was checked."""
    by_subject: dict[str, list[str]] = {}
    for f in result.findings:
        if f.subject_kind in ("site", "organization"):
            by_subject.setdefault(f.subject_id, []).append(f"{f.severity.value} {f.rule}")
    kinds = ", ".join(dict.fromkeys(i.kind.value for i in result.lists))
    cleared = f"cleared: no match on the {kinds} lists, no finding"
    out = []
    for site in result.chain.sites:
        tier = result.graph.site_tier(site.id)
        where = ", ".join(
            p for p in (site.address, site.city, site.state, site.zip, site.country) if p
        )
        found = by_subject.get(site.id)
        out.append(Screened("site", site.name, where, "" if tier is None else str(tier),
                            "; ".join(found) if found else cleared, not found))  # fmt: skip
    for org in result.chain.organizations:
        tier = result.graph.org_tier.get(org.id)
        where = ", ".join(p for p in (org.address, org.city, org.state, org.country) if p)
        found = by_subject.get(org.id)
        out.append(Screened("organization", org.name, where, "" if tier is None else str(tier),
                            "; ".join(found) if found else cleared, not found))  # fmt: skip
    return out


def sources(result: CheckResult) -> list[tuple[str, str]]:
    """Each fact of the chain that says where it came from, and its source."""
    chain = result.chain
    out: list[tuple[str, str]] = []
    for org in chain.organizations:
        if org.source:
            out.append((f"organization {org.name}", org.source))
    for site in chain.sites:
        if site.source:
            out.append((f"site {site.name}", site.source))
    for eng in chain.engagements:
        if eng.source:
            out.append((f"engagement {eng.id}: {eng.service or ''}".rstrip(": "), eng.source))
    for index, wf in enumerate(chain.workforces):
        if wf.source:
            out.append((f"workforce {chain.workforce_id(index)}", wf.source))
    return out


def render_html(
    result: CheckResult,
    today: date | None = None,
    preparer: str | None = None,
    at: datetime | None = None,
) -> str:
    """The whole report as one self-contained HTML page: scope, findings, money, sources,
    lists and policy, with a report id, the chain's hash and a sign-off block."""
    day = today or (at.date() if at else date.today())
    # A report given its day (a golden file) says only the day; otherwise the time as well.
    stamp = at or (None if today else datetime.now(UTC))
    generated = stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else day.isoformat()
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
            dumped = params.model_dump(mode="json", exclude={"enabled"}, by_alias=True)
            rules.append({"name": name, "params": {k: plain(v) for k, v in dumped.items()}})
    return template.render(
        result=result,
        chain=result.chain,
        summary=_summary(result),
        picture=picture,
        path=lambda ids: names(result, ids),
        review_mark=_review_mark,
        remedies=remedies(result),
        disclosure=_disclosure(result),
        rules=rules,
        today=day.isoformat(),
        generated=generated,
        version=__version__,
        report_id=report_id(result, day),
        chain_hash=chain_hash(result),
        preparer=preparer or "",
        scope=scope(result),
        sources=sources(result),
        warnings=[w for i in result.lists if (w := i.age_warning(day))],
        rider=result.policy.rider.model_dump(),
    )


def _review_mark(review: Decision | None) -> Markup:
    """After a finding's heading: its review decision, if one is in force; else nothing."""
    if review is None:
        return Markup("")
    what = "dismissed" if review.decision == DISMISS else "confirmed"
    return Markup(
        ' · <strong>{what}</strong>\n  <p class="small">{What} by {by} on {on}: {reason}</p>'
    ).format(what=what, What=what.capitalize(), by=review.by, on=review.at[:10],
             reason=review.reason)  # fmt: skip


def render_pdf(
    result: CheckResult, today: date | None = None, preparer: str | None = None
) -> bytes:
    """The report as PDF, laid out for A4 or Letter paper."""
    from subtier.extras import require_extra

    require_extra("pdf")
    from weasyprint import HTML

    pdf = HTML(string=render_html(result, today, preparer)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
