"""listed-party: no party of the chain is on a sanctions, forced-labor, PEP or watch list."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from pydantic import ConfigDict, Field

from subtier.core.model import OrgType
from subtier.core.policy.finding import Evidence, Finding
from subtier.core.policy.params import RuleParams
from subtier.core.policy.rules.context import Context, evidence_of
from subtier.core.screen import Match, Strength
from subtier.core.screen.kinds import LABELS, SITE_KINDS, ListKind
from subtier.core.severity import Severity


def _what(ctx: Context, match: Match) -> str:
    """How a match reads: "is on a sanctions list, EU-FSF (entry ...: Sanctioned; ...)"."""
    kind = ctx.kind_of(match.list_name)
    details = ctx.details_of(match)
    why = details.describe() if details is not None else ""
    entry = f"entry {match.entry_id} {match.entry_name}" + (f": {why}" if why else "")
    if kind is ListKind.WATCH:
        return f"is on your list {match.list_name.upper()} ({entry})"
    return f"is on {LABELS[kind]}, {match.list_name} ({entry})"


def _evidence(ctx: Context, matches: Sequence[Match]) -> tuple[Evidence, ...]:
    out = []
    for match in matches:
        evidence = evidence_of(match)
        details = ctx.details_of(match)
        if details is not None and details.describe():
            evidence = replace(evidence, reasons=f"{match.reasons}; listed: {details.describe()}")
        out.append(evidence)
    return tuple(out)


def listed_party(ctx: Context, params: ListedParty) -> Iterator[Finding]:
    """No party of the chain is on a sanctions, forced-labor, PEP or watch list.

    Every organization and person of the chain is screened by name, aliases, country, address
    and identifiers against each list whose kind concerns parties (sanctions, forced labor,
    politically exposed persons, and your own watch lists), with the same engine and the same
    explanation as `subtier screen`; a site is screened against watch lists by where it is. A
    match is reported at the severity the policy gives the list's kind, a *possible* one a
    severity lower. The finding names the list and its kind, the entry, why the entry is listed
    (topics, sanction programs, datasets, as the list says), the score and its reasons.
    """
    orgs = ctx.chain.organizations_by_id
    for org_id, matches in ctx.party_matches.items():
        org = orgs.get(org_id)
        if org is None or not matches:
            continue
        yield _finding(
            ctx,
            params,
            "organization",
            org_id,
            org.name,
            matches,
            person=org.type is OrgType.INDIVIDUAL,
        )
    for site in ctx.chain.sites:
        matches = [
            m for m in ctx.site_matches.get(site.id, ())
            if ctx.kind_of(m.list_name) in SITE_KINDS - {ListKind.FACILITIES}
        ]  # fmt: skip
        if matches:
            yield _finding(ctx, params, "site", site.id, site.name, matches, person=False)


def _finding(
    ctx: Context,
    params: ListedParty,
    kind: str,
    subject: str,
    name: str,
    matches: Sequence[Match],
    person: bool,
) -> Finding:
    best = matches[0]
    severity = params.for_kind(ctx.kind_of(best.list_name).value)
    if best.strength is not Strength.MATCH:
        severity = severity.lower()
    if kind == "site":
        path = tuple(ctx.graph.site_path(subject)) or (subject,)
        tier = ctx.graph.site_tier(subject)
    else:
        path = tuple(ctx.graph.org_path(subject)) or (subject,)
        tier = ctx.graph.org_tier.get(subject)
    where = f"{name} (tier {tier})" if tier is not None else name
    maybe = "" if best.strength is Strength.MATCH else "may be: "
    summary = f"{where} {maybe}{_what(ctx, best)}, score {best.score:.2f}."
    if person:
        summary += " A person matched by name: confirm with a date of birth or an identifier."
    if len(matches) > 1:
        summary += f" {len(matches) - 1} more match(es) in the evidence."
    return Finding(
        rule="listed-party",
        severity=severity,
        subject_kind=kind,
        subject_id=subject,
        path=path,
        summary=summary,
        evidence=_evidence(ctx, matches),
    )


class ListedParty(RuleParams):
    """The parameters of ``listed-party`` in the policy file."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    severity: Severity = Field(
        default=Severity.HIGH, description="For a match on a list whose kind is not named here."
    )
    sanctions: Severity = Severity.CRITICAL
    forced_labor: Severity = Field(default=Severity.CRITICAL, alias="forced-labor")
    pep: Severity = Severity.LOW
    watch: Severity = Severity.HIGH

    def for_kind(self, kind: str) -> Severity:
        """The severity of a certain match on a list of ``kind``."""
        value: Severity = getattr(self, kind.replace("-", "_"), self.severity)
        return value if isinstance(value, Severity) else self.severity


HEADING = "Sanctioned and listed parties"  # of the rule's clause in the contract rider


def clause(params: ListedParty) -> str:
    """The rider's clause for this rule: no designated party at any tier."""
    return (
        "Neither the Supplier nor any subcontractor at any tier, nor any person or entity"
        " owning or controlling them, is designated on a sanctions list, on a government list"
        " of entities that use forced labor, or on a list the Buyer has shared with the"
        " Supplier. The Supplier screens each subcontractor before engaging it and notifies the"
        " Buyer at once if any of them is designated while this agreement is in force."
    )
