"""The rules. Each is a small named function; its docstring is the explanation users see."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from subtier.model import Chain, ChainGraph, Labor, OrgType
from subtier.normalize.places import country_code, us_state
from subtier.policy.config import (
    DomesticOnly,
    NoPrisonLabor,
    SubcontractorsDisclosed,
    WageFloor,
)
from subtier.policy.finding import Evidence, Finding
from subtier.screen import Match, Strength
from subtier.severity import Severity
from subtier.wages import WageFlow


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at. Built once per check."""

    chain: Chain
    graph: ChainGraph
    site_matches: Mapping[str, Sequence[Match]]
    org_matches: Mapping[str, Sequence[Match]]
    wages: Sequence[WageFlow]

    def name(self, ident: str) -> str:
        org = self.chain.organizations_by_id.get(ident)
        if org is not None:
            return org.name
        site = self.chain.sites_by_id.get(ident)
        return site.name if site is not None else ident


def _evidence(match: Match) -> Evidence:
    return Evidence(
        reasons=match.reasons,
        list=match.list_name,
        list_version=match.list_version,
        entry_id=match.entry_id,
        entry_name=match.entry_name,
        score=match.score,
        strength=match.strength.value,
    )


def _private_parties(ctx: Context, path: Sequence[str]) -> list[str]:
    public = {OrgType.AGENCY, OrgType.CORRECTIONAL_INDUSTRIES}
    orgs = ctx.chain.organizations_by_id
    return [orgs[i].name for i in path if i in orgs and orgs[i].type not in public]


def no_prison_labor(ctx: Context, params: NoPrisonLabor) -> Iterator[Finding]:
    """No work is done by incarcerated people or at a correctional facility.

    A site is flagged when a workforce there is declared incarcerated, or when the site matches
    a listed correctional facility by address, location or name. A *possible* match (same street
    a few doors away, within the facility's grounds) is reported one severity lower. Under ILO
    C29 Art. 2(2)(c) prison work is not forced labour only if it is supervised by a public
    authority and the prisoner is not placed at the disposal of private parties: the finding says
    which private parties the work serves.
    """
    incarcerated = {wf.site: wf for wf in ctx.chain.workforces if wf.labor is Labor.INCARCERATED}
    for site in ctx.chain.sites:
        matches = list(ctx.site_matches.get(site.id, ()))
        declared = incarcerated.get(site.id)
        if not matches and declared is None:
            continue
        path = tuple(ctx.graph.site_path(site.id)) or (site.id,)
        private = _private_parties(ctx, path[:-1])
        if params.c29_exemption and not private:
            continue
        evidence = [_evidence(m) for m in matches]
        if declared is not None:
            evidence.insert(
                0,
                Evidence(
                    reasons="a workforce here is declared incarcerated", source=declared.source
                ),
            )
        certain = declared is not None or any(m.strength is Strength.MATCH for m in matches)
        severity = params.severity if certain else params.severity.lower()
        tier = ctx.graph.site_tier(site.id)
        where = f"{site.name} (tier {tier})" if tier is not None else site.name
        if matches:
            best = matches[0]
            kind = "is at" if best.strength is Strength.MATCH else "may be on the grounds of"
            what = f"{where} {kind} {best.entry_name}, a correctional facility ({best.list_name} {best.entry_id})"
        else:
            what = f"{where} uses incarcerated labor"
        c29 = (
            f" The work serves private parties ({', '.join(private)}), so the ILO C29 exemption"
            " for prison labour does not apply."
            if private
            else " All parties above it are public bodies (ILO C29 Art. 2(2)(c) may apply)."
        )
        yield Finding(
            rule="no-prison-labor",
            severity=severity,
            subject_kind="site",
            subject_id=site.id,
            path=path,
            summary=what + "." + c29,
            evidence=tuple(evidence),
        )
    for org in ctx.chain.organizations:
        matches = list(ctx.org_matches.get(org.id, ()))
        if not matches:
            continue
        best = matches[0]
        certain = best.strength is Strength.MATCH
        yield Finding(
            rule="no-prison-labor",
            severity=params.severity if certain else params.severity.lower(),
            subject_kind="organization",
            subject_id=org.id,
            path=tuple(ctx.graph.org_path(org.id)) or (org.id,),
            summary=f"{org.name} is located at {best.entry_name}, a correctional facility.",
            evidence=tuple(_evidence(m) for m in matches),
        )


def _site_country(ctx: Context, site_id: str) -> str | None:
    site = ctx.chain.sites_by_id[site_id]
    code = country_code(site.country) if site.country else None
    if code is None and us_state(site.state):
        code = "us"
    if code is None and site.operator:
        operator = ctx.chain.organizations_by_id[site.operator]
        code = country_code(operator.country) if operator.country else None
    return code.upper() if code else None


def domestic_only(ctx: Context, params: DomesticOnly) -> Iterator[Finding]:
    """All work is done in the allowed countries.

    Each site's country comes from its own country field, else from a US state, else from its
    operator. A site whose country cannot be told is reported at low severity.
    """
    allowed = set(params.countries)
    for site in ctx.chain.sites:
        code = _site_country(ctx, site.id)
        if code is not None and code in allowed:
            continue
        path = tuple(ctx.graph.site_path(site.id)) or (site.id,)
        if code is None:
            yield Finding(
                rule="domestic-only",
                severity=min(params.severity, Severity.LOW, key=lambda s: s.rank),
                subject_kind="site",
                subject_id=site.id,
                path=path,
                summary=f"{site.name}: its country is unknown, so it cannot be shown to be in {', '.join(sorted(allowed))}.",
            )
        elif code not in allowed:
            yield Finding(
                rule="domestic-only",
                severity=params.severity,
                subject_kind="site",
                subject_id=site.id,
                path=path,
                summary=f"{site.name} is in {code}, outside the allowed countries ({', '.join(sorted(allowed))}).",
                evidence=(Evidence(reasons=f"site country: {code}", source=site.source),),
            )


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


def subcontractors_disclosed(ctx: Context, params: SubcontractorsDisclosed) -> Iterator[Finding]:
    """Every supplier has disclosed its own subcontractors ("none" is a disclosure).

    An engagement whose supplier has not answered, or answered no, is reported. A supplier
    that is a person (an employee on payroll, a freelancer) is paid for their own work and
    has no subcontractors to disclose.
    """
    orgs = ctx.chain.organizations_by_id
    for index, eng in enumerate(ctx.chain.engagements):
        if eng.subcontractors_disclosed:
            continue
        supplier_org = orgs.get(eng.supplier)
        if supplier_org is not None and supplier_org.type is OrgType.INDIVIDUAL:
            continue
        supplier = ctx.name(eng.supplier)
        state = (
            "has not disclosed"
            if eng.subcontractors_disclosed is False
            else "has not said whether it uses"
        )
        yield Finding(
            rule="subcontractors-disclosed",
            severity=params.severity,
            subject_kind="engagement",
            subject_id=eng.id,
            path=tuple(ctx.graph.engagement_path(index)) or (eng.buyer, eng.supplier),
            summary=f"{supplier} {state} subcontractors for {eng.service or eng.id}.",
        )


Rule = Callable[[Context, Any], Iterator[Finding]]

# Rule name → (function, parameter model). The order is the order of the report.
RULES: Mapping[str, tuple[Rule, type[BaseModel]]] = {
    "no-prison-labor": (no_prison_labor, NoPrisonLabor),
    "domestic-only": (domestic_only, DomesticOnly),
    "wage-floor": (wage_floor, WageFloor),
    "subcontractors-disclosed": (subcontractors_disclosed, SubcontractorsDisclosed),
}
