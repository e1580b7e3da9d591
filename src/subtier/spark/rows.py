"""What Python executors run, a batch of rows at a time (mapInPandas): the local engine's own
functions for normalization (row_record), candidate keys (query_key_groups, entry_keys),
scoring (score_pair), the whole screening of a batch's rows (screen_records, in the index plan) and
output rows (output_rows).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd  # type: ignore[import-untyped]

from subtier.core.screen import Match, Record, RiskList, score_pair
from subtier.core.screen.engine import rank_in_place
from subtier.core.screen.keys import entry_keys, query_key_groups
from subtier.formats.roster import Row, output_rows, row_record
from subtier.parallel.rows import screen_records
from subtier.spark.problems import PROBLEMS_SHOWN, task_tally
from subtier.spark.shipped import ShippedList

QUERY_KEYS = "ordinal long, grp int, key string"
ENTRY_KEYS = "list_no int, position int, key string"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _records(batch: Any, known: dict[str, str]) -> Iterator[tuple[int, Record | str | None]]:
    """Each row's record; the reason it has none; None for a row with a bad field count."""
    compact = {name: i for i, name in enumerate(known)}
    cells = [batch[column].tolist() for column in known.values()]
    for ordinal, line, bad, *values in zip(
        batch["ordinal"].tolist(), batch["line"].tolist(), batch["bad"].tolist(), *cells,
        strict=True,
    ):  # fmt: skip
        if isinstance(bad, str):
            yield ordinal, None
            continue
        try:
            yield ordinal, row_record(Row(line, [_text(v) for v in values]), compact)
        except Exception as error:  # one odd row must not stop the run, as in the local engine
            yield ordinal, f"cannot read row: {error}"


def query_keys(batches: Iterator[Any], known: dict[str, str]) -> Iterator[Any]:
    """(ordinal, group, key) for every key each row looks up, grouped as Index.candidates does."""
    for batch in batches:
        ordinals: list[int] = []
        groups: list[int] = []
        keys: list[str] = []
        for ordinal, record in _records(batch, known):
            if not isinstance(record, Record):
                continue
            for number, group in enumerate(query_key_groups(record)):
                for key in group:
                    ordinals.append(ordinal)
                    groups.append(number)
                    keys.append(key)
        yield pd.DataFrame({"ordinal": ordinals, "grp": groups, "key": keys})


def list_keys(batches: Iterator[Any], lists: Any) -> Iterator[Any]:
    """(list, position, key) for every key a list entry is indexed under."""
    shipped: Sequence[ShippedList] = lists.value
    for batch in batches:
        numbers: list[int] = []
        positions: list[int] = []
        keys: list[str] = []
        for number, position in zip(
            batch["list_no"].tolist(), batch["position"].tolist(), strict=True
        ):
            for key in sorted(entry_keys(shipped[number].records[position])):
                numbers.append(number)
                positions.append(position)
                keys.append(key)
        yield pd.DataFrame({"list_no": numbers, "position": positions, "key": keys})


def rank_matches(scored: list[Match], top: int, threshold: float) -> list[Match]:
    """Screener.rank's order, then Screener.screen's threshold when one match is asked for."""
    rank_in_place(scored)
    if top > 1:
        return scored[:top]
    return [m for m in scored[:1] if m.score >= threshold]


def csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()[:-1]


Results = Callable[[int, Record], "list[Match]"]
# A batch's rows, each with its record, the reason it has none, or None (see _records).
Recorded = list[tuple[int, Record | str | None]]


@dataclass(frozen=True)
class Pass:
    """What a screening pass needs, in either plan: the input's columns (``known`` maps id,
    name, ... to frame columns), the output's shape and cut, the run (so that a reused Python
    worker unpacks a run's lists once) and the accumulator rows with problems are tallied in."""

    known: dict[str, str]
    width: int
    out_width: int
    top: int
    threshold: float
    as_text: bool
    run: str
    problems: Any


def screen_rows(batches: Iterator[Any], lists: Any, job: Pass) -> Iterator[Any]:
    """Each input row with its candidates (``cands``, from the join plan) in, its output row(s)
    out: the candidates scored with score_pair and ranked as Screener.rank ranks them."""
    from subtier.spark.shipped import scoring_lists

    risk_lists: list[RiskList] = scoring_lists(job.run, lists.value)

    def results(batch: Any, recorded: Recorded) -> Results:
        candidates = batch["cands"].tolist()

        def scored(i: int, record: Record) -> list[Match]:
            pairs = sorted(
                (int(c["list_no"]), int(c["crank"]), int(c["position"]))
                for c in (candidates[i] if candidates[i] is not None else ())
            )
            found = [
                score_pair(record, risk_lists[n].records[p], risk_lists[n]) for n, _, p in pairs
            ]
            return rank_matches(found, job.top, job.threshold)

        return scored

    yield from _outputs(batches, job, results)


def screen_indexed(batches: Iterator[Any], lists: Any, job: Pass) -> Iterator[Any]:
    """Each input row in, its output row(s) out, screened by the local engine's own Screener
    over the broadcast lists and their indexes (the index plan)."""
    from subtier.spark.shipped import screener

    local = screener(job.run, lists.value, job.threshold)

    def results(batch: Any, recorded: Recorded) -> Results:
        # The batch's rows at once: candidates for many queries cost a fraction of one each.
        records = [record for _, record in recorded if isinstance(record, Record)]
        screened = iter(screen_records(records, local, job.top))
        by_row = [next(screened) if isinstance(r, Record) else [] for _, r in recorded]
        return lambda i, _: by_row[i]

    yield from _outputs(batches, job, results)


def _outputs(
    batches: Iterator[Any], job: Pass, results: Callable[[Any, Recorded], Results]
) -> Iterator[Any]:
    """Output frames: ordinal, rank (of the output row within the input row), and either the
    CSV line or the cells o0, o1, ..., as roster.output_rows writes them. Rows that could
    not be screened are tallied in ``job.problems``, an accumulator of Tally."""
    width = job.width
    columns = [f"c{i}" for i in range(width)]
    count = 0
    first: list[tuple[int, str]] = []
    for batch in batches:
        out_ordinals: list[int] = []
        out_ranks: list[int] = []
        out_cells: list[list[str]] = []
        lines = batch["line"].tolist()
        bads = batch["bad"].tolist()
        rows = [batch[c].tolist() for c in columns]
        recorded: Recorded = list(_records(batch, job.known))
        result_of = results(batch, recorded)
        for i, (ordinal, record) in enumerate(recorded):
            cells = [_text(column[i]) for column in rows]
            problem = None
            if isinstance(bads[i], str):
                parsed = next(csv.reader([bads[i]]), [])
                problem = f"expected {width} fields, found {len(parsed)}"
                cells = (parsed + [""] * width)[:width]
            row = Row(lines[i], cells, problem)
            result = result_of(i, record) if isinstance(record, Record) else (record or "")
            reason = row.problem or (result if isinstance(result, str) else None)
            if reason is not None:
                count += 1
                if len(first) < PROBLEMS_SHOWN:
                    first.append((ordinal, reason))
            for rank, cells_out in enumerate(output_rows(row, result, job.top, job.threshold)):
                out_ordinals.append(ordinal)
                out_ranks.append(rank)
                out_cells.append(cells_out)
        frame: dict[str, Any] = {"ordinal": out_ordinals, "rank": out_ranks}
        if job.as_text:
            frame["value"] = [csv_line(c) for c in out_cells]
        else:
            for j in range(job.out_width):
                frame[f"o{j}"] = [c[j] for c in out_cells]
        yield pd.DataFrame(frame)
    job.problems.add(task_tally(count, first))
