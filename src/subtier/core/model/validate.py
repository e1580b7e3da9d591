"""Checks that go beyond field types: every id resolves, ids are unique, the graph has no cycle."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from subtier.core.model.chain import WORKER, Chain
from subtier.core.model.graph import find_cycle
from subtier.core.model.problems import Problem


def validate_chain(chain: Chain) -> list[Problem]:
    """Every problem that makes the chain unusable, in document order."""
    return [*_duplicates(chain), *_references(chain), *_cycles(chain)]


def _duplicates(chain: Chain) -> Iterator[Problem]:
    for section in ("organizations", "sites", "engagements", "workforces"):
        seen: dict[str, int] = {}
        for index, item in enumerate(getattr(chain, section)):
            if item.id is None:
                continue
            if item.id in seen:
                yield Problem(
                    (section, index, "id"),
                    f"duplicate id {item.id!r}: already used by {section}[{seen[item.id]}]",
                )
            else:
                seen[item.id] = index


def _unknown(kind: str, value: str, known: Mapping[str, object]) -> str:
    hint = ""
    lowered = {k.lower(): k for k in known}
    if value.lower() in lowered:
        hint = f" (did you mean {lowered[value.lower()]!r}?)"
    return f"unknown {kind} id {value!r}{hint}"


def _references(chain: Chain) -> Iterator[Problem]:
    orgs, sites, engagements = (
        chain.organizations_by_id,
        chain.sites_by_id,
        chain.engagements_by_id,
    )
    if chain.root not in orgs:
        yield Problem(("root",), _unknown("organization", chain.root, orgs))
    for i, site in enumerate(chain.sites):
        if site.operator is not None and site.operator not in orgs:
            yield Problem(("sites", i, "operator"), _unknown("organization", site.operator, orgs))
    for i, eng in enumerate(chain.engagements):
        for role in ("buyer", "supplier"):
            value = getattr(eng, role)
            if value not in orgs:
                yield Problem(("engagements", i, role), _unknown("organization", value, orgs))
        if eng.buyer == eng.supplier:
            yield Problem(("engagements", i, "supplier"), "an organization cannot hire itself")
        if eng.paid_through is not None and eng.paid_through not in orgs:
            yield Problem(
                ("engagements", i, "paid_through"), _unknown("organization", eng.paid_through, orgs)
            )
        for j, site_id in enumerate(eng.sites):
            if site_id not in sites:
                yield Problem(("engagements", i, "sites", j), _unknown("site", site_id, sites))
        if eng.start and eng.end and eng.end < eng.start:
            yield Problem(("engagements", i, "end"), "end date is before start date")
    for i, wf in enumerate(chain.workforces):
        if wf.site not in sites:
            yield Problem(("workforces", i, "site"), _unknown("site", wf.site, sites))
        if wf.engagement not in engagements:
            yield Problem(
                ("workforces", i, "engagement"), _unknown("engagement", wf.engagement, engagements)
            )
        if wf.paid_to != WORKER and wf.paid_to not in orgs:
            yield Problem(
                ("workforces", i, "paid_to"),
                _unknown("organization", wf.paid_to, orgs) + ' (or "worker")',
            )


def _cycles(chain: Chain) -> Iterator[Problem]:
    cycle = find_cycle(chain)
    if cycle:
        first = cycle[0]
        names = " → ".join(
            [chain.engagements[i].buyer for i in cycle] + [chain.engagements[first].buyer]
        )
        yield Problem(
            ("engagements", cycle[-1], "supplier"),
            f"engagements form a cycle: {names}",
        )
