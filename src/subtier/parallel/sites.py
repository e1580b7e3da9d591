"""Screening a large chain's sites on every core.

Workers are forked, so they share the loaded lists and chain without copying them; only the few
matches travel back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from subtier.core.check import screen_sites_here, screen_slice
from subtier.core.model import Site
from subtier.core.screen import Match, Screener
from subtier.parallel.pool import WorkSlot, can_fork, fork_pool, workers

# Below this many sites, starting worker processes costs more than it saves.
PARALLEL_MIN_SITES = 20_000
_WORK: WorkSlot[tuple[Sequence[Site], Screener]] = WorkSlot()


def _screen_slice(bounds: tuple[int, int]) -> dict[str, list[Match]]:
    sites, screener = _WORK.get()
    return screen_slice(sites, screener, *bounds)


def screen_sites(
    sites: Sequence[Site], screener: Screener, meanwhile: Callable[[], None] | None = None
) -> dict[str, list[Match]]:
    """Matches per site id. Large chains are split across the machine's cores.

    Workers are forked, so they share the loaded lists and chain without copying them; only the
    few matches travel back. ``meanwhile`` runs in this process while the workers screen.
    """
    count = workers()
    if len(sites) < PARALLEL_MIN_SITES or count < 2 or not can_fork():
        return screen_sites_here(sites, screener, meanwhile)
    for risk_list in screener.lists:
        risk_list.index  # build before forking, once  # noqa: B018
    step = -(-len(sites) // count)
    with _WORK.holding((sites, screener)), fork_pool(count) as pool:
        parts = pool.map(_screen_slice, [(i, i + step) for i in range(0, len(sites), step)])
        if meanwhile is not None:
            meanwhile()
        merged: dict[str, list[Match]] = {}
        for part in parts:
            merged.update(part)
    return {site.id: merged[site.id] for site in sites if site.id in merged}
