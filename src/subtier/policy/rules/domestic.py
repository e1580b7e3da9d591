"""domestic-only: all work is done in the allowed countries."""

from __future__ import annotations

from collections.abc import Iterator

from subtier.normalize.countries import SiteCountry, site_country
from subtier.policy.config import DomesticOnly
from subtier.policy.finding import Evidence, Finding
from subtier.policy.rules.context import Context
from subtier.severity import Severity


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
    """
    allowed = set(params.countries)
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
