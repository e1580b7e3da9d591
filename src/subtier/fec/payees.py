"""Payees: rows grouped into the organizations and people who were paid, and the money flows.

Two steps. Rows with the same normalized name, street and ZIP form one group (cheap, exact).
Groups are then merged with the screening engine's own entity matching: each group becomes a
:class:`~subtier.core.screen.Record`, candidates come from an :class:`~subtier.core.screen.index.Index`
over all groups, and a pair scored at or above the screening threshold as a *match* is one
payee. "ACME Phone Services LLC, 12 Main St" and "Acme Phone Svcs, 12 Main Street" merge; two
"Holiday Inn"s at different addresses stay apart, so every payee keeps one address to screen.
People are only merged with people, and organizations with organizations.

A memo row under a conduit (a card issuer, a payroll service: :mod:`subtier.fec.conduits`)
is a tier-1 flow from the committee to the merchant, through the conduit; under any other
payee it is a tier-2 flow from that payee.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from subtier.core.screen import (
    DEFAULT_THRESHOLD,
    ListInfo,
    Match,
    Record,
    RiskList,
    Strength,
    score_pair,
)
from subtier.core.screen import make_record as _make_record
from subtier.core.screen.engine import BATCH
from subtier.fec.records import Disbursement

_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_SLUG = re.compile(r"[^a-z0-9]+")
# Source lines kept per flow: enough to find the rows in the filing, not all of them.
MAX_LINES = 12
# Candidates scored per group when merging.
CANDIDATES = 5


def _norm(text: str) -> str:
    return _NOT_WORD.sub(" ", text.upper()).strip()


def group_key(row: Disbursement) -> tuple[bool, str, str, str]:
    """Rows with equal keys are the same payee without asking the matcher."""
    return (row.is_person, _norm(row.name), _norm(row.street), row.zip[:5] or _norm(row.city))


@dataclass(slots=True)
class Group:
    """Rows with one exact key: a payee as one spelling writes it."""

    person: bool
    name: str
    street: str
    city: str
    state: str
    zip: str
    entity_type: str
    cents: int = 0  # what it was paid in all (tier 1 and 2), to pick the best spelling
    rows: int = 0


@dataclass(slots=True)
class Flow:
    """Money from one buyer to one payee group: the committee (tier 1) or a parent payee (tier 2)."""

    buyer: str  # "" for the committee, else the parent's group key
    tier: int
    conduit: str = ""  # paid through a conduit of this kind ("card", "payroll", ...)
    cents: int = 0
    rows: int = 0
    purposes: Counter[str] = field(default_factory=Counter)  # cents by purpose as written
    first: str = ""
    last: str = ""
    lines: list[tuple[str, int]] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # purpose → the FEC category code filed

    def add(self, row: Disbursement) -> None:
        self.cents += row.cents
        self.rows += 1
        self.purposes[row.purpose] += row.cents
        if row.category:
            self.codes.setdefault(row.purpose, row.category)
        if row.date:
            self.first = min(self.first, row.date) if self.first else row.date
            self.last = max(self.last, row.date)
        if len(self.lines) < MAX_LINES:
            self.lines.append((row.source, row.line))

    def merge(self, other: Flow) -> None:
        self.cents += other.cents
        self.rows += other.rows
        self.purposes.update(other.purposes)
        for purpose, code in other.codes.items():
            self.codes.setdefault(purpose, code)
        dates = [d for d in (self.first, other.first) if d]
        self.first = min(dates) if dates else ""
        self.last = max(self.last, other.last)
        self.lines.extend(other.lines[: MAX_LINES - len(self.lines)])


GroupKey = tuple[bool, str, str, str]


@dataclass
class Grouped:
    """Groups and flows between them, keyed by group key."""

    groups: dict[GroupKey, Group] = field(default_factory=dict)
    # (buyer, payee, conduit): buyer None for the committee; conduit None unless paid through one
    flows: dict[tuple[GroupKey | None, GroupKey, GroupKey | None], Flow] = field(
        default_factory=dict
    )


def group_rows(
    payments: Iterable[Disbursement],
    memos: Iterable[tuple[Disbursement, Disbursement, str | None]],
) -> Grouped:
    """Tier-1 payments (committee → payee) and memo rows with their parents and the parent's
    conduit kind: through a conduit, committee → payee (tier 1); else parent → payee (tier 2)."""
    out = Grouped()
    groups, flows = out.groups, out.flows

    def group_of(row: Disbursement) -> GroupKey:
        key = group_key(row)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(
                row.is_person, row.name, row.street, row.city, row.state, row.zip, row.entity_type
            )
        group.cents += abs(row.cents)
        group.rows += 1
        return key

    for row in payments:
        key = group_of(row)
        flow = flows.get((None, key, None))
        if flow is None:
            flow = flows[(None, key, None)] = Flow("", 1)
        flow.add(row)
    for row, parent, conduit in memos:
        key = group_of(row)
        parent_key = group_key(parent)
        target = (None, key, parent_key) if conduit else (parent_key, key, None)
        flow = flows.get(target)
        if flow is None:
            flow = flows[target] = Flow("", 1 if conduit else 2, conduit or "")
        flow.add(row)
    return out


def group_record(index: int, group: Group) -> Record:
    """A group as the screening engine sees it."""
    return _make_record(
        str(index),
        group.name,
        address=group.street or None,
        city=group.city or None,
        state=group.state or None,
        zip=group.zip or None,
    )


def merge_groups(
    groups: Sequence[Group],
    records: Sequence[Record] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[int]:
    """For each group, the position of the group that stands for its payee (union-find)."""
    records = records if records is not None else [group_record(i, g) for i, g in enumerate(groups)]
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    as_list = RiskList(ListInfo("payees", "", len(records), "payees"), records)
    index = as_list.index
    for start in range(0, len(records), BATCH):
        found = index.candidates_many(records[start : start + BATCH], CANDIDATES + 1)
        for i, positions in enumerate(found, start=start):
            for j in positions:
                if j == i or groups[i].person != groups[j].person or find(i) == find(j):
                    continue
                pair = score_pair(records[i], records[j], as_list)
                if pair.score >= threshold and pair.strength is Strength.MATCH and _named(pair):
                    a, b = find(i), find(j)
                    parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(groups))]


def _named(pair: Match) -> bool:
    # A place is not a payee: staff paid at the committee's own P.O. box, or two shops in one
    # mall, share an address and still are different payees. Their names must agree too.
    return any(f.name == "name" and f.value > 0 for f in pair.features)


def slug(text: str, fallback: str = "payee") -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:40].strip("-") or fallback


def assign_ids(names: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """Readable, unique chain ids from names: ``american-express``, ``american-express-2``."""
    used = set(taken)
    out: list[str] = []
    for name in names:
        base = slug(name)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        out.append(candidate)
    return out


@dataclass
class Payee:
    """One payee after merging: its best spelling and address, its other names, its flows."""

    id: str
    name: str
    person: bool
    entity_type: str
    street: str
    city: str
    state: str
    zip: str
    aliases: list[str]
    rows: int


@dataclass
class PayeeFlow:
    """Money from a buyer (the committee, or a payee id) to a payee, at a tier."""

    buyer: str | None  # None: the committee
    payee: str
    tier: int
    flow: Flow
    via: str | None = None  # the conduit the committee paid through (a payee id), if any


def payees(
    grouped: Grouped,
    threshold: float = DEFAULT_THRESHOLD,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[Payee], list[PayeeFlow]]:
    """Merge the groups into payees; flows between payees, merged alike."""
    keys = list(grouped.groups)
    groups = [grouped.groups[k] for k in keys]
    records = []
    for i, group in enumerate(groups):
        records.append(group_record(i, group))
        if on_progress is not None and i % 1000 == 999:
            on_progress(1000)
    root_of = merge_groups(groups, records, threshold)
    members: dict[int, list[int]] = {}
    for i, root in enumerate(root_of):
        members.setdefault(root, []).append(i)
    order = sorted(members, key=lambda r: -sum(groups[i].cents for i in members[r]))
    chosen: list[tuple[int, list[int]]] = []
    for root in order:
        ranked = sorted(members[root], key=lambda i: (-groups[i].cents, -groups[i].rows, i))
        chosen.append((ranked[0], ranked))
    ids = assign_ids([groups[best].name for best, _ in chosen])
    payee_of: dict[GroupKey, str] = {}
    out: list[Payee] = []
    for ident, (best, ranked) in zip(ids, chosen, strict=True):
        g = groups[best]
        aliases = list(dict.fromkeys(groups[i].name for i in ranked if groups[i].name != g.name))
        out.append(
            Payee(ident, g.name, g.person, g.entity_type, g.street, g.city, g.state, g.zip,
                  aliases[:10], sum(groups[i].rows for i in ranked))
        )  # fmt: skip
        for i in ranked:
            payee_of[keys[i]] = ident
    merged: dict[tuple[str | None, str, str | None], PayeeFlow] = {}
    for (buyer_key, key, via_key), flow in grouped.flows.items():
        buyer = payee_of[buyer_key] if buyer_key is not None else None
        via = payee_of[via_key] if via_key is not None else None
        target = (buyer, payee_of[key], via)
        found = merged.get(target)
        if found is None:
            copy = Flow(flow.buyer, flow.tier, flow.conduit)
            copy.merge(flow)
            merged[target] = PayeeFlow(buyer, payee_of[key], flow.tier, copy, via)
        else:
            found.flow.merge(flow)
    return out, list(merged.values())
