"""What every rule may look at, and the helpers rules share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from subtier.core.model import Chain, ChainGraph, OrgType
from subtier.core.policy.finding import Evidence
from subtier.core.screen import ListInfo, Match
from subtier.core.screen.details import EntryDetails
from subtier.core.screen.kinds import ListKind
from subtier.core.wages import WageFlow


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at. Built once per check."""

    chain: Chain
    graph: ChainGraph
    site_matches: Mapping[str, Sequence[Match]]
    org_matches: Mapping[str, Sequence[Match]]
    wages: Sequence[WageFlow]
    # organization id → its match on the correctional-industries program list
    program_matches: Mapping[str, Match] = field(default_factory=dict)
    # organization id → its matches, by name, on lists of parties (sanctions, watch ...)
    party_matches: Mapping[str, Sequence[Match]] = field(default_factory=dict)
    lists: Sequence[ListInfo] = ()
    # list name → entry id → why the entry is listed, for lists that say
    details: Mapping[str, Mapping[str, EntryDetails]] = field(default_factory=dict)

    def kind_of(self, list_name: str) -> ListKind:
        """The kind of the list a match is on (a list not given is a facility list, as every
        list was before lists had kinds)."""
        for info in self.lists:
            if info.name == list_name:
                return info.kind
        return ListKind.FACILITIES

    def facility_matches(self, site_id: str) -> list[Match]:
        """A site's matches on correctional facility lists, best first."""
        found = self.site_matches.get(site_id, ())
        return [m for m in found if self.kind_of(m.list_name) is ListKind.FACILITIES]

    def details_of(self, match: Match) -> EntryDetails | None:
        return self.details.get(match.list_name, {}).get(match.entry_id)

    def name(self, ident: str) -> str:
        org = self.chain.organizations_by_id.get(ident)
        if org is not None:
            return org.name
        site = self.chain.sites_by_id.get(ident)
        return site.name if site is not None else ident


def evidence_of(match: Match) -> Evidence:
    return Evidence(
        reasons=match.reasons,
        list=match.list_name,
        list_version=match.list_version,
        entry_id=match.entry_id,
        entry_name=match.entry_name,
        score=match.score,
        strength=match.strength.value,
    )


def private_parties(ctx: Context, path: Sequence[str]) -> list[str]:
    public = {OrgType.AGENCY, OrgType.CORRECTIONAL_INDUSTRIES}
    orgs = ctx.chain.organizations_by_id
    return [orgs[i].name for i in path if i in orgs and orgs[i].type not in public]
