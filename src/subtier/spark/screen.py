"""`subtier screen --engine spark`: the local engine's matching as a Spark plan.

Two plans, with the same answers (the local engine's):

- **The index plan**, for lists of up to INDEX_ENTRIES entries in all (the facility list has
  about 6,700): each list goes to every executor with its index, as bytes, and one Python pass
  (mapInPandas) screens each row with the local engine's own Screener. Rows never move: the
  output is in input order as read.
- **The join plan**, for larger lists, whose index would not fit in every Python worker:
  1. Rows are read by Spark (CSV or Parquet) and numbered in input order.
  2. Python executors turn each row into its record and its candidate keys (mapInPandas).
  3. Lists are loaded on the driver, as the local engine loads them, and broadcast; executors
     derive each entry's keys, and Spark counts entries per key for the keys' weights.
  4. Query keys join list keys; Spark sums the weights and keeps the best candidates per row.
  5. Each row meets its candidates; Python executors score them with score_pair and write the
     output row(s) with roster.output_rows.
  6. Rows are written in input order: CSV (one file on a local disk) or Parquet.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from subtier.core.screen import DEFAULT_THRESHOLD, RiskList
from subtier.core.screen.engine import SCORED
from subtier.errors import InputError
from subtier.formats.roster import Roster as LocalRoster
from subtier.formats.roster import output_header
from subtier.spark import rows as udfs
from subtier.spark.candidates import candidates, keyed_list
from subtier.spark.files import (
    Roster,
    check_target,
    is_parquet,
    line_of,
    read_roster,
    write_result,
)
from subtier.spark.problems import Tally, tally_accumulator
from subtier.spark.session import spark_session
from subtier.spark.shipped import ship, ship_indexed

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Input rows per partition of the Python passes (normalize and key; score and write).
ROWS_PER_PART = 100_000
# Lists with at most this many keys (about 50,000 entries) go to every executor whole.
BROADCAST_KEYS = 2_000_000
# Lists of up to this many entries in all go to executors with their index (the index plan):
# an index takes about 3 KB of a Python worker's memory per entry.
INDEX_ENTRIES = 200_000


@dataclass
class Screened:
    """What a Spark screening run reports back: the rows it read and the first problems."""

    rows: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    problem_count: int = 0


@dataclass(frozen=True)
class Plan:
    """A screening plan: output rows (ordinal, rank, value | o0 ...), their header, whether
    they come in input order already, what to release when done (cached frames, broadcast
    lists), and the accumulator its rows' problems are tallied in."""

    result: DataFrame
    header: list[str]
    ordered: bool
    held: list[object]
    problems: Any


def index_plan(lists: Sequence[RiskList]) -> bool:
    """Whether the lists are small enough to go to every executor with their index."""
    return sum(len(r.records) for r in lists) <= INDEX_ENTRIES


def screen_frame(
    spark: SparkSession,
    roster: Roster,
    lists: Sequence[RiskList],
    threshold: float = DEFAULT_THRESHOLD,
    top: int = 1,
    as_text: bool = True,
    indexed: bool | None = None,
) -> Plan:
    """The plan for screening ``roster``: the index plan when the lists are small enough (or
    ``indexed`` says so), else the join plan."""
    header = output_header(LocalRoster(roster.header, {}, iter(()), None), top)
    payload = "value string" if as_text else ", ".join(f"o{i} string" for i in range(len(header)))
    schema = f"ordinal long, rank int, {payload}"
    problems = tally_accumulator(spark)
    job = udfs.Pass(
        known=roster.known,
        width=roster.width,
        out_width=len(header),
        top=top,
        threshold=threshold,
        as_text=as_text,
        run=uuid.uuid4().hex,
        problems=problems,
    )
    if indexed if indexed is not None else index_plan(lists):
        shipped = spark.sparkContext.broadcast(tuple(ship_indexed(r) for r in lists))
        screen = partial(udfs.screen_indexed, lists=shipped, job=job)
        result = _in_order(spark, roster).mapInPandas(screen, schema)
        return Plan(result, header, True, [shipped], problems)
    result, held = _join_plan(spark, roster, lists, job, schema)
    return Plan(result, header, False, held, problems)


def _cells(roster: Roster) -> DataFrame:
    """The rows as the screening passes read them: ordinal, line, bad, c0 ... c{width-1}."""
    return roster.frame.select("ordinal", "line", "bad", *[f"c{i}" for i in range(roster.width)])


def _in_order(spark: SparkSession, roster: Roster) -> DataFrame:
    """The rows in enough partitions for every core, in input order across and within them.

    Spark splits a large file by size, and numbering keeps its order; a file of a few
    megabytes comes as one partition, and is split by ordinal ranges.
    """
    rows = _cells(roster)
    parts = partitions(spark, roster.rows)
    if rows.rdd.getNumPartitions() >= 2 * spark.sparkContext.defaultParallelism:
        return rows
    return rows.repartitionByRange(parts, "ordinal").sortWithinPartitions("ordinal")


def _join_plan(
    spark: SparkSession,
    roster: Roster,
    lists: Sequence[RiskList],
    job: udfs.Pass,
    schema: str,
) -> tuple[DataFrame, list[object]]:
    from pyspark import StorageLevel
    from pyspark.sql import functions as fn

    shipped = spark.sparkContext.broadcast(tuple(ship(r) for r in lists))
    limit = SCORED if job.top == 1 else max(50, job.top)

    positions = spark.createDataFrame(
        [(n, p) for n, r in enumerate(lists) for p in range(len(r.records))],
        "list_no int, position int",
    )
    entry_keys = positions.mapInPandas(
        partial(udfs.list_keys, lists=shipped), udfs.ENTRY_KEYS
    ).persist(StorageLevel.MEMORY_AND_DISK)
    keyed = keyed_list(spark, entry_keys).persist(StorageLevel.MEMORY_AND_DISK)
    # A list's keys are small next to an input's: sent to every executor, they let the input's
    # keys stay where they are. Spark's own size estimates cannot tell which side is larger
    # before the Python passes have run.
    small = keyed.count() <= BROADCAST_KEYS

    # Python does most of the work, a few hundred microseconds a row: Spark's size-based
    # partitioning would put a small input's rows on one core. Both Python passes read the
    # same exchange, so the input is read and shuffled once.
    spread = _cells(roster).repartition(partitions(spark, roster.rows), "ordinal")
    known_cells = ["ordinal", "line", "bad", *roster.known.values()]
    query_keys = spread.select(*known_cells).mapInPandas(
        partial(udfs.query_keys, known=roster.known), udfs.QUERY_KEYS
    )
    key_info = keyed.select("list_no", "key", "size", "weight", "common").distinct()
    hits = query_keys.join(fn.broadcast(key_info) if small else key_info, "key")
    hits = hits.persist(StorageLevel.MEMORY_AND_DISK)
    found = candidates(hits, keyed, limit, small)
    grouped = found.groupBy("ordinal").agg(
        fn.collect_list(fn.struct("list_no", "crank", "position")).alias("cands")
    )
    joined = spread.join(grouped, "ordinal", "left")
    screen = partial(udfs.screen_rows, lists=shipped, job=job)
    result = joined.mapInPandas(screen, schema)
    return result, [entry_keys, keyed, hits, shipped]


def partitions(spark: SparkSession, rows: int) -> int:
    """Partitions for the Python passes: at least two per core, about ROWS_PER_PART rows each."""
    return max(2 * spark.sparkContext.defaultParallelism, -(-rows // ROWS_PER_PART))


def screen_file(
    source: str,
    list_specs: Sequence[str],
    output: str | None,
    threshold: float | None,
    top: int,
    master: str | None = None,
    stdout: IO[str] | None = None,
    config: dict[str, str] | None = None,
    indexed: bool | None = None,
) -> Screened:
    """Screen a roster with Spark and write the result; returns the rows that had problems.

    ``indexed`` chooses the plan (index or join); by default the lists' size does.
    """
    from subtier.lists import load_list

    if not list_specs:
        raise InputError("give at least one --list (for example: --list facilities)")
    check_target(output)
    lists = [load_list(spec) for spec in list_specs]
    cutoff = DEFAULT_THRESHOLD if threshold is None else threshold
    spark = spark_session(master, config)
    roster = read_roster(spark, source)
    as_text = output is None or not is_parquet(output)
    # Spark's default (200 partitions per shuffle) costs more in tasks than this job's shuffles
    # carry, and a Python task has a fixed cost; one given to spark-submit is kept.
    shuffles = "spark.sql.shuffle.partitions"
    chosen = spark.sparkContext.getConf().contains(shuffles)
    if not chosen:
        spark.conf.set(shuffles, str(partitions(spark, roster.rows)))
    held: list[object] = []
    try:
        plan = screen_frame(spark, roster, lists, cutoff, top, as_text, indexed)
        held = plan.held
        write_result(plan.result, plan.header, output, stdout or sys.stdout, plan.ordered)
        tally: Tally = plan.problems.value
        return Screened(
            rows=roster.rows,
            problems=[(line_of(ordinal), problem) for ordinal, problem in tally.first],
            problem_count=tally.count,
        )
    finally:
        release(held)
        if not chosen:
            spark.conf.unset(shuffles)


def release(held: Sequence[object]) -> None:
    """Unpersist cached frames and destroy broadcasts made for one run."""
    from pyspark import Broadcast
    from pyspark.sql import DataFrame

    for thing in held:
        if isinstance(thing, DataFrame):
            thing.unpersist()
        elif isinstance(thing, Broadcast):
            thing.destroy()
