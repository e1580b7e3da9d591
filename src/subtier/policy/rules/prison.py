"""no-prison-labor: no work by incarcerated people or at a correctional facility."""

from __future__ import annotations

from collections.abc import Iterator

from subtier.model import Labor
from subtier.policy.config import NoPrisonLabor
from subtier.policy.finding import Evidence, Finding
from subtier.policy.rules.context import Context, evidence_of, private_parties
from subtier.screen import Strength


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
        private = private_parties(ctx, path[:-1])
        if params.c29_exemption and not private:
            continue
        evidence = [evidence_of(m) for m in matches]
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
            evidence=tuple(evidence_of(m) for m in matches),
        )
