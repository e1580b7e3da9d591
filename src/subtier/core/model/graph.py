"""The chain as a directed graph: buyer → supplier. Tiers and paths from the root buyer."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from subtier.core.model.chain import Chain


def find_cycle(chain: Chain) -> list[int]:
    """Indexes of engagements forming a cycle (in order), or an empty list.

    An engagement whose buyer is its own supplier is left out: validation reports it on its own
    ("cannot hire itself"), and it must not hide a longer cycle elsewhere.
    Iterative, so a chain of 100,000 tiers cannot overflow the stack.
    """
    out: dict[str, list[int]] = {}
    for index, eng in enumerate(chain.engagements):
        if eng.buyer != eng.supplier:
            out.setdefault(eng.buyer, []).append(index)
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {}
    for start in out:
        if colour.get(start, white) != white:
            continue
        # Each stack frame: (node, next edge position); `via` holds the edge index used to enter.
        stack: list[tuple[str, int]] = [(start, 0)]
        via: list[int] = []
        colour[start] = grey
        while stack:
            node, pos = stack[-1]
            edges = out.get(node, [])
            if pos == len(edges):
                colour[node] = black
                stack.pop()
                if via:
                    via.pop()
                continue
            stack[-1] = (node, pos + 1)
            edge = edges[pos]
            nxt = chain.engagements[edge].supplier
            state = colour.get(nxt, white)
            if state == grey:
                # The cycle runs from where `nxt` was entered to this edge.
                nodes = [frame[0] for frame in stack]
                begin = nodes.index(nxt)
                return [*via[begin:], edge]
            if state == white:
                colour[nxt] = grey
                stack.append((nxt, 0))
                via.append(edge)
    return []


@dataclass(frozen=True)
class ChainGraph:
    """Tiers and shortest paths from the root buyer, computed once per chain.

    An organization's tier is its shortest engagement distance from the root (tier 0). A site's
    tier is that of the nearest organization that works there (a supplier of an engagement that
    lists the site) or, failing that, of its operator.
    """

    chain: Chain
    org_tier: dict[str, int] = field(default_factory=dict)
    # org id → engagement index that reached it
    _parent: dict[str, int] = field(default_factory=dict)
    # site id → org id at the end of its path
    site_via: dict[str, str] = field(default_factory=dict)
    _paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # memo of org_path

    @classmethod
    def build(cls, chain: Chain) -> ChainGraph:
        graph = cls(chain)
        out: dict[str, list[int]] = {}
        for index, eng in enumerate(chain.engagements):
            out.setdefault(eng.buyer, []).append(index)
        graph.org_tier[chain.root] = 0
        queue = deque([chain.root])
        while queue:
            org = queue.popleft()
            for index in out.get(org, []):
                supplier = chain.engagements[index].supplier
                if supplier not in graph.org_tier:
                    graph.org_tier[supplier] = graph.org_tier[org] + 1
                    graph._parent[supplier] = index
                    queue.append(supplier)
        for eng in chain.engagements:
            if eng.supplier not in graph.org_tier:
                continue
            for site_id in eng.sites:
                current = graph.site_via.get(site_id)
                if current is None or graph.org_tier[eng.supplier] < graph.org_tier[current]:
                    graph.site_via[site_id] = eng.supplier
        for site in chain.sites:
            if site.id not in graph.site_via and site.operator in graph.org_tier:
                graph.site_via[site.id] = site.operator
        return graph

    def org_path(self, org_id: str) -> list[str]:
        """Organization ids from the root down to ``org_id``; empty if it is unreachable."""
        if org_id not in self.org_tier:
            return []
        # Climb to the nearest organization whose path is known (or the root), then remember the
        # path of each one on the way back down. A loop, not recursion: chains can be deep.
        climbed: list[str] = []
        node: str | None = org_id
        while node is not None and node not in self._paths:
            climbed.append(node)
            parent = self._parent.get(node)
            node = self.chain.engagements[parent].buyer if parent is not None else None
        path = self._paths[node] if node is not None else ()
        for org in reversed(climbed):
            path = self._paths[org] = (*path, org)
        return list(path)

    def site_path(self, site_id: str) -> list[str]:
        """Ids from the root down to the site: the organizations, then the site itself."""
        via = self.site_via.get(site_id)
        return [*self.org_path(via), site_id] if via else []

    def site_tier(self, site_id: str) -> int | None:
        via = self.site_via.get(site_id)
        return None if via is None else self.org_tier[via]

    def engagement_path(self, index: int) -> list[str]:
        """Organization ids from the root down to the engagement's supplier, through its buyer."""
        eng = self.chain.engagements[index]
        buyer_path = self.org_path(eng.buyer)
        return [*buyer_path, eng.supplier] if buyer_path else []

    def unreachable(self) -> list[str]:
        """Organizations no engagement path from the root reaches."""
        return [org.id for org in self.chain.organizations if org.id not in self.org_tier]
