"""Screening a large chain's sites on every core.

Workers are forked, so they share the loaded lists and chain without copying them; only the few
matches travel back.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from subtier.core.check import screen_sites_here, screen_slice
from subtier.core.model import Site
from subtier.core.screen import Match, Screener

# Below this many sites, starting worker processes costs more than it saves.
PARALLEL_MIN_SITES = 20_000
_WORK: tuple[Sequence[Site], Screener] | None = None


def _screen_slice(bounds: tuple[int, int]) -> dict[str, list[Match]]:
    assert _WORK is not None
    sites, screener = _WORK
    return screen_slice(sites, screener, *bounds)


def screen_sites(
    sites: Sequence[Site], screener: Screener, meanwhile: Callable[[], None] | None = None
) -> dict[str, list[Match]]:
    """Matches per site id. Large chains are split across the machine's cores.

    Workers are forked, so they share the loaded lists and chain without copying them; only the
    few matches travel back. ``meanwhile`` runs in this process while the workers screen.
    """
    global _WORK
    workers = min(os.cpu_count() or 1, 8)
    if len(sites) < PARALLEL_MIN_SITES or workers < 2 or "fork" not in mp.get_all_start_methods():
        return screen_sites_here(sites, screener, meanwhile)
    for risk_list in screener.lists:
        risk_list.index  # build before forking, once  # noqa: B018
    step = -(-len(sites) // workers)
    _WORK = (sites, screener)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            parts = pool.map(_screen_slice, [(i, i + step) for i in range(0, len(sites), step)])
            if meanwhile is not None:
                meanwhile()
            merged: dict[str, list[Match]] = {}
            for part in parts:
                merged.update(part)
    finally:
        _WORK = None
    return {site.id: merged[site.id] for site in sites if site.id in merged}
