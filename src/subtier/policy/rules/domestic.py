"""domestic-only: all work is done in the allowed countries."""

from __future__ import annotations

from collections.abc import Iterator

from subtier.normalize.places import country_code, us_state
from subtier.policy.config import DomesticOnly
from subtier.policy.finding import Evidence, Finding
from subtier.policy.rules.context import Context
from subtier.severity import Severity


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
