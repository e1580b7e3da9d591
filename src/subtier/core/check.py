"""The check: screen every site and organization of a chain, judge it, follow the money. No I/O.

Lists come in loaded. Screening the sites is a parameter, so that the application layer can
spread a large chain over the machine's cores (``subtier.parallel.sites``) while this module
stays pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from subtier.core.model import Chain, ChainGraph, Organization, OrgType, Site
from subtier.core.policy import Context, Finding, Policy, hourly_floor, judge
from subtier.core.review import DISMISS, Decision
from subtier.core.screen import (
    DEFAULT_THRESHOLD,
    Feature,
    ListInfo,
    Match,
    Record,
    RiskList,
    Screener,
    Strength,
    make_record,
    score_pair,
)
from subtier.core.screen.details import EntryDetails
from subtier.core.screen.engine import BATCH
from subtier.core.screen.kinds import PARTY_KINDS, SITE_KINDS, ListKind
from subtier.core.screen.programs import ProgramList, screen_programs
from subtier.core.wages import WageFlow, trace_wages


@dataclass(frozen=True)
class CheckResult:
    """What a check found, and what it used to find it."""

    chain: Chain
    graph: ChainGraph
    policy: Policy
    findings: list[Finding]
    wages: list[WageFlow]
    lists: list[ListInfo]
    site_matches: Mapping[str, Sequence[Match]]
    org_matches: Mapping[str, Sequence[Match]]
    # organization id → its match on the correctional-industries program list
    program_matches: Mapping[str, Match] = field(default_factory=dict)
    # organization id → its matches on lists of parties (sanctions, forced labor, PEP, watch)
    party_matches: Mapping[str, Sequence[Match]] = field(default_factory=dict)
    details: Mapping[str, Mapping[str, EntryDetails]] = field(default_factory=dict)
    # finding index → the review decision in force on it, for a chain kept in a workspace
    reviews: Mapping[int, Decision] = field(default_factory=dict)

    def dismissed(self, index: int) -> bool:
        review = self.reviews.get(index)
        return review is not None and review.decision == DISMISS


def site_record(site: Site) -> Record:
    """A site as the screening engine sees it."""
    return make_record(
        site.id,
        site.name,
        address=site.address,
        city=site.city,
        state=site.state,
        zip=site.zip,
        country=site.country,
        latitude=site.latitude,
        longitude=site.longitude,
    )


def organization_record(org: Organization) -> Record:
    """An organization as the screening engine sees it."""
    return make_record(
        org.id,
        org.name,
        aliases=org.aliases,
        address=org.address,
        city=org.city,
        state=org.state,
        zip=org.zip,
        country=org.country,
        identifiers=org.identifiers,
    )


@dataclass(frozen=True)
class Confirmation:
    """A reviewer confirmed that a site is at a list entry: later checks keep that match."""

    site: str
    list: str
    entry_id: str
    note: str  # who confirmed it and why, shown as a reason


def apply_confirmations(
    chain: Chain,
    lists: Sequence[RiskList],
    site_matches: dict[str, list[Match]],
    confirmations: Sequence[Confirmation],
) -> None:
    """Confirmed matches are reported as certain, even where the score alone would not reach
    the threshold any more (an address written differently, a list entry moved a few doors)."""
    by_name = {risk_list.info.name: risk_list for risk_list in lists}
    for item in confirmations:
        risk_list = by_name.get(item.list)
        site = chain.sites_by_id.get(item.site)
        entry = risk_list.by_id.get(item.entry_id) if risk_list else None
        if risk_list is None or site is None or entry is None:
            continue  # the entry left the list, or the site the chain: nothing to keep
        scored = score_pair(site_record(site), entry, risk_list)
        confirmed = replace(
            scored,
            strength=Strength.MATCH,
            features=(*scored.features, Feature("confirmed", "review", 1.0, 0.0, item.note)),
        )
        others = [
            m
            for m in site_matches.get(site.id, [])
            if m.entry_id != entry.id or m.list_name != item.list
        ]
        site_matches[site.id] = [confirmed, *others]


SiteScreening = Callable[
    [Sequence[Site], Screener, Callable[[], None] | None], dict[str, list[Match]]
]


def screen_slice(
    sites: Sequence[Site], screener: Screener, start: int, stop: int
) -> dict[str, list[Match]]:
    """Matches per site id for ``sites[start:stop]``, screened in batches."""
    out = {}
    for first in range(start, min(stop, len(sites)), BATCH):
        batch = sites[first : min(first + BATCH, stop)]
        records = [site_record(site) for site in batch]
        for site, found in zip(batch, screener.screen_many(records, top=3), strict=True):
            if found:
                out[site.id] = found
    return out


def screen_sites_here(
    sites: Sequence[Site], screener: Screener, meanwhile: Callable[[], None] | None = None
) -> dict[str, list[Match]]:
    """Matches per site id, screened in this process; ``meanwhile`` runs after them."""
    try:
        return screen_slice(sites, screener, 0, len(sites))
    finally:
        if meanwhile is not None:
            meanwhile()


def check(
    chain: Chain,
    policy: Policy,
    lists: Sequence[RiskList],
    threshold: float = DEFAULT_THRESHOLD,
    confirmations: Sequence[Confirmation] = (),
    programs: ProgramList | None = None,
    screen_sites: SiteScreening = screen_sites_here,
) -> CheckResult:
    """Screen, judge and trace the money of one chain. Pure: lists are passed in, loaded.

    ``programs`` is the correctional-industries program list every organization is screened
    against by name (``subtier.lists.programs()`` is the bundled one). ``screen_sites`` screens
    the sites; ``subtier.parallel.sites.screen_sites`` spreads a large chain over the cores."""
    screener = Screener([rl for rl in lists if rl.info.kind in SITE_KINDS], threshold=threshold)
    facilities = [rl for rl in lists if rl.info.kind is ListKind.FACILITIES]
    facility_screener = Screener(facilities, threshold=threshold)
    party_lists = [rl for rl in lists if rl.info.kind in PARTY_KINDS]
    floor = hourly_floor(policy)
    traced: list[tuple[ChainGraph, list[WageFlow]]] = []

    def follow_the_money() -> None:
        # Needs no screening: done while the workers screen the sites.
        graph = ChainGraph.build(chain)
        traced.append((graph, trace_wages(chain, graph, floor)))

    site_matches = screen_sites(chain.sites, screener, follow_the_money)
    [(graph, wages)] = traced
    apply_confirmations(chain, lists, site_matches, confirmations)
    org_matches = {}
    for org in chain.organizations:
        # An organization is only placed at a facility by its street address or identifiers:
        # a name alone ("... Correctional Industries") says what it does, not where it works.
        if not (org.address or org.identifiers):
            continue
        record = organization_record(org)
        if (record.address is None or not record.address.street) and not record.identifiers:
            continue
        found = facility_screener.screen(record, top=3)
        if found:
            org_matches[org.id] = found
    program_matches = screen_organizations(chain.organizations, programs) if programs else {}
    party_matches = (
        screen_parties(chain.organizations, Screener(party_lists, threshold=threshold))
        if party_lists
        else {}
    )
    infos = [risk_list.info for risk_list in lists]
    details = {rl.info.name: rl.details for rl in lists if rl.details}
    ctx = Context(
        chain, graph, site_matches, org_matches, wages, program_matches, party_matches,
        [*infos, programs.info] if programs else infos, details,
    )  # fmt: skip
    return CheckResult(
        chain=chain,
        graph=graph,
        policy=policy,
        findings=judge(ctx, policy),
        wages=wages,
        lists=[*infos, programs.info] if programs else infos,
        site_matches=site_matches,
        org_matches=org_matches,
        program_matches=program_matches,
        party_matches=party_matches,
        details=details,
    )


def screen_parties(
    organizations: Sequence[Organization], screener: Screener
) -> dict[str, list[Match]]:
    """Each organization's and person's matches on the lists of parties, with the engine and
    explanation of ``subtier screen``: names, aliases, country, address and identifiers."""
    out: dict[str, list[Match]] = {}
    for start in range(0, len(organizations), BATCH):
        batch = organizations[start : start + BATCH]
        records = [organization_record(org) for org in batch]
        for org, found in zip(batch, screener.screen_many(records, top=3), strict=True):
            if found:
                out[org.id] = found
    return out


def screen_organizations(
    organizations: Sequence[Organization], programs: ProgramList
) -> dict[str, Match]:
    """Each organization's match on the program list, by its names and state."""
    out: dict[str, Match] = {}
    # A person is a worker or a sole trader, never a program: people are not screened by name.
    named = [org for org in organizations if org.type is not OrgType.INDIVIDUAL]
    for start in range(0, len(named), BATCH):
        batch = named[start : start + BATCH]
        # Names and state are all a program is told by: no street address to parse.
        records = [make_record(o.id, o.name, aliases=o.aliases, state=o.state) for o in batch]
        for org, found in zip(batch, screen_programs(records, programs), strict=True):
            if found is not None:
                out[org.id] = found
    return out
