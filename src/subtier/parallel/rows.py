"""Screening a roster's rows, on every core when there are many.

Workers are forked, so they share the loaded lists without copying them; each chunk's output
CSV text travels back, not the matches behind it.
"""

from __future__ import annotations

import gc
import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from subtier.core.screen import Match, Record, Screener
from subtier.core.screen.record import warm_up
from subtier.formats.roster import Roster, Row, output_rows, row_record, write_csv
from subtier.parallel import warmup
from subtier.parallel.pool import WorkSlot, can_fork, fork_pool
from subtier.parallel.pool import workers as default_workers

# Rows per unit of work sent to a worker process: small enough that the workers finish
# together, large enough that sending the work costs little.
CHUNK = 2_000
MIN_CHUNK = 250
# Chunks per worker handed out before the work done meanwhile (see screen_rows): enough to
# keep the workers busy while it runs (storing a 50,000-entry list: 0.3 s beside them).
AHEAD_MEANWHILE = 6
# Below this many rows, one process is quicker than starting workers.
PARALLEL_MIN_ROWS = 1_000


def _finish_warm_up() -> None:
    warmup.wait()
    warm_up()


# What a worker needs, set before forking: the screener, the columns, top and the threshold.
_WORK: WorkSlot[tuple[Screener, dict[str, int], int, float]] = WorkSlot()


@dataclass(frozen=True, slots=True)
class Screened:
    """A chunk of rows screened: its output CSV text, its rows' problems, and its size."""

    text: str
    problems: list[tuple[int, str]]
    rows: int


def screen_records(records: Sequence[Record], screener: Screener, top: int) -> list[list[Match]]:
    """Each row's matches: the best over the threshold, or with ``top`` > 1 the best ``top``.
    The candidates of all the rows are found at once."""
    if top > 1:
        return screener.rank_many(records, top=top, candidates=max(50, top))
    return screener.screen_many(records, top=1)


def _screen_chunk(rows: Sequence[Row]) -> Screened:
    # The chunk's output is written here, in the worker: sending back text costs far less
    # than sending back the matches with every feature behind them.
    screener, columns, top, threshold = _WORK.get()
    unreadable: list[str | None] = []  # why a row has no record, or None if it has one
    records: list[Record] = []
    for row in rows:
        try:
            records.append(row_record(row, columns))
        except Exception as error:  # one odd row must not stop a million-row run
            unreadable.append(f"cannot read row: {error}")
        else:
            unreadable.append(None)
    screened = iter(screen_records(records, screener, top))
    out = io.StringIO()
    writer = write_csv(out)
    problems: list[tuple[int, str]] = []
    for row, why in zip(rows, unreadable, strict=True):
        found = why if why is not None else next(screened)
        if row.problem:
            problems.append((row.line, row.problem))
        elif isinstance(found, str):
            problems.append((row.line, found))
        writer.writerows(output_rows(row, found, top, threshold))
    return Screened(out.getvalue(), problems, len(rows))


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_rows(
    roster: Roster,
    screener: Screener,
    top: int = 1,
    workers: int | None = None,
    threshold: float | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Screened]:
    """The roster screened chunk by chunk, in input order, as output CSV text.

    ``meanwhile``, if given, is called once while the workers screen the first rows (or first
    thing, without workers): work this process would otherwise keep them waiting for."""
    for risk_list in screener.lists:
        risk_list.index  # build once, before any fork  # noqa: B018
    work = (screener, roster.columns, top, screener.threshold if threshold is None else threshold)
    workers = default_workers(workers)
    parallel = workers > 1 and (roster.total or 0) >= PARALLEL_MIN_ROWS and can_fork()
    with _WORK.holding(work):
        if not parallel:
            if meanwhile is not None:
                meanwhile()
            for chunk in _chunks(roster.rows, CHUNK):
                yield _screen_chunk(chunk)
            return
        _finish_warm_up()
        # Workers are forked: frozen objects are never visited by their collector, so the
        # loaded lists' pages stay shared instead of being copied into every worker.
        gc.freeze()
        size = max(MIN_CHUNK, min(CHUNK, (roster.total or 0) // (8 * workers)))
        with fork_pool(workers) as pool:
            pending: deque[Future[Screened]] = deque()
            # Bounded: the input is never read far ahead. Further ahead when there is work
            # to do meanwhile, so that the workers are not left waiting for more rows.
            ahead = (2 if meanwhile is None else AHEAD_MEANWHILE) * workers
            for chunk in _chunks(roster.rows, size):
                pending.append(pool.submit(_screen_chunk, chunk))
                if len(pending) >= ahead:
                    if meanwhile is not None:
                        meanwhile()
                        meanwhile = None
                    yield pending.popleft().result()
            if meanwhile is not None:
                meanwhile()
            while pending:
                yield pending.popleft().result()
