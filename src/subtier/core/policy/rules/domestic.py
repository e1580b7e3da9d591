"""domestic-only: all work is done in the allowed countries."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field, field_validator
from rigour.territories import get_territory

from subtier.core.normalize.countries import SiteCountry, site_country
from subtier.core.normalize.places import country_code
from subtier.core.policy.finding import Evidence, Finding
from subtier.core.policy.params import RuleParams
from subtier.core.policy.rules.context import Context
from subtier.core.severity import Severity


def _site_country(ctx: Context, site_id: str) -> SiteCountry | None:
    site = ctx.chain.sites_by_id[site_id]
    operator = ctx.chain.organizations_by_id[site.operator] if site.operator else None
    return site_country(
        country=site.country,
        address=site.address,
        city=site.city,
        state=site.state,
        zip=site.zip,
        operator_country=operator.country if operator else None,
    )


def domestic_only(ctx: Context, params: DomesticOnly) -> Iterator[Finding]:
    """All work is done in the allowed countries.

    Each site's country comes from its own country field, else from its address text, else
    from its US state, else from its operator, and the finding says which. The address text
    counts when it ends with a country name or code ("Cebu City, Philippines"), or with a code
    that is both a US state and a country after a region and a postal code of that country
    ("Bengaluru, KA 560066, IN" is India; "Indianapolis, IN 46204" is Indiana). A known foreign
    city, or a region with a postal code the US does not use, counts only when no US state is
    given, since many US towns carry foreign names (Paris, TX). A site whose address says it is
    abroad is outside the allowed countries whoever operates it. A site whose country cannot
    be told is reported at low severity.

    A supplier with no site of its own in the chain is judged by its own country: one abroad
    is reported (FEC payees in state ZZ are abroad, country unknown), at low severity when
    none of its engagements has work to pass on (``disclosure_required: false``).

    A site whose discloser says remote or home-based agents do part of its work is reported
    at low severity: where those agents work is not known, so it cannot be shown to be in the
    allowed countries; ask for their locations.
    """
    allowed = set(params.countries)
    yield from _remote_agents(ctx, params)
    for site in ctx.chain.sites:
        found = _site_country(ctx, site.id)
        code = found.code if found is not None else None
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
        elif found is not None:
            yield Finding(
                rule="domestic-only",
                severity=params.severity,
                subject_kind="site",
                subject_id=site.id,
                path=path,
                summary=f"{site.name} is in {code}, outside the allowed countries ({', '.join(sorted(allowed))}).",
                evidence=(Evidence(reasons=found.evidence, source=site.source),),
            )
    yield from _suppliers_abroad(ctx, params)


def _remote_agents(ctx: Context, params: DomesticOnly) -> Iterator[Finding]:
    """Sites with remote or home-based agents: where they work is an open question."""
    allowed = ", ".join(sorted(params.countries))
    for site in ctx.chain.sites:
        if site.remote is not True:
            continue
        yield Finding(
            rule="domestic-only",
            severity=min(params.severity, Severity.LOW, key=lambda s: s.rank),
            subject_kind="site",
            subject_id=site.id,
            path=tuple(ctx.graph.site_path(site.id)) or (site.id,),
            summary=(
                f"{site.name}: remote or home-based agents do part of this work, and where they "
                f"work is not known, so it cannot be shown to be in {allowed}; ask for their "
                "locations."
            ),
            evidence=(
                Evidence(
                    reasons="the site's answer: remote or home-based agents", source=site.source
                ),
            ),
        )


def _suppliers_abroad(ctx: Context, params: DomesticOnly) -> Iterator[Finding]:
    """Suppliers that show no site, judged by their own country (``ZZ``: abroad, unknown where)."""
    allowed = set(params.countries)
    with_sites = {s.operator for s in ctx.chain.sites if s.operator}
    with_sites |= {e.supplier for e in ctx.chain.engagements if e.sites}
    suppliers: dict[str, bool] = {}  # supplier → any engagement with work to pass on
    for e in ctx.chain.engagements:
        suppliers[e.supplier] = (
            suppliers.get(e.supplier, False) or e.disclosure_required is not False
        )
    for ident, labor in suppliers.items():
        org = ctx.chain.organizations_by_id.get(ident)
        if org is None or ident in with_sites or ident == ctx.chain.root or not org.country:
            continue
        code = (country_code(org.country) or "").upper()
        if not code or code in allowed:
            continue
        where = "abroad (its address gives no country)" if code == "ZZ" else f"in {code}"
        place = ", ".join(p for p in (org.city, org.state, org.zip) if p)
        severity = (
            params.severity if labor else min(params.severity, Severity.LOW, key=lambda s: s.rank)
        )
        yield Finding(
            rule="domestic-only",
            severity=severity,
            subject_kind="organization",
            subject_id=org.id,
            path=tuple(ctx.graph.org_path(org.id)) or (org.id,),
            summary=(
                f"{org.name} is {where}, outside the allowed countries "
                f"({', '.join(sorted(allowed))}), and no site shows where its work is done"
                + ("." if labor else " (its services have no work to pass on).")
            ),
            evidence=(
                Evidence(
                    reasons=f"organization country: {code}" + (f" ({place})" if place else ""),
                    source=org.source,
                ),
            ),
        )


class DomesticOnly(RuleParams):
    """The parameters of ``domestic-only`` in the policy file."""

    severity: Severity = Severity.HIGH
    countries: list[str] = Field(default_factory=lambda: ["US"], min_length=1)

    @field_validator("countries")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        out = []
        for item in value:
            code = country_code(item)
            if code is None:
                raise ValueError(f"unknown country {item!r}")
            out.append(code.upper())
        return out


HEADING = "Where the work is done"  # of the rule's clause in the contract rider


def _country(code: str) -> str:
    try:
        territory = get_territory(code.lower())
    except Exception:  # rigour raises on codes it does not know
        territory = None
    return f"{territory.name} ({code})" if territory is not None else code


def clause(params: DomesticOnly) -> str:
    """The rider's clause for this rule: where the personnel work."""
    countries = ", ".join(_country(code) for code in params.countries)
    return (
        f"All personnel performing services are located in: {countries}. The services,"
        " including any work done remotely, are performed only there, and no part of them is"
        " moved to another country."
    )
