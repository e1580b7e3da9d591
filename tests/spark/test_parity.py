"""The Spark engine gives the local engine's answers: same output rows, byte for byte."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from rich.console import Console

from subtier.app.screen import screen_file as local_screen_file
from subtier.core.screen import RiskList
from subtier.core.screen.engine import SCORED
from subtier.formats.roster import open_roster, row_record
from subtier.lists import load_list
from subtier.spark import screen_file
from subtier.spark.candidates import candidates, keyed_list
from subtier.spark.files import read_roster

from .conftest import FIXTURES

pytestmark = pytest.mark.slow

WATCH = str(FIXTURES / "watch.csv")


def local(source: Path, lists: list[str], out: Path, top: int = 1) -> list[tuple[int, str]]:
    return local_screen_file(source, lists, out, None, top, Console(stderr=True, quiet=True))


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


PLANS = pytest.mark.parametrize("indexed", [True, False], ids=["index-plan", "join-plan"])


@PLANS
def test_same_output_as_the_local_engine(
    spark: SparkSession, sample: Path, tmp_path: Path, indexed: bool
) -> None:
    expected, got = tmp_path / "local.csv", tmp_path / "spark.csv"
    problems = local(sample, ["facilities"], expected)
    screened = screen_file(str(sample), ["facilities"], str(got), None, 1, indexed=indexed)
    assert got.read_bytes() == expected.read_bytes()
    assert screened.rows == len(read_rows(sample)) - 1
    assert screened.problems == problems == []
    matched = [r for r in read_rows(got)[1:] if r[8]]
    assert len(matched) > 100  # the sample does find facilities


@PLANS
def test_edge_rows_two_lists_and_top_k(spark: SparkSession, tmp_path: Path, indexed: bool) -> None:
    roster = FIXTURES / "roster.csv"
    for top in (1, 3):
        expected, got = tmp_path / f"local{top}.csv", tmp_path / f"spark{top}.csv"
        problems = local(roster, ["facilities", WATCH], expected, top)
        screened = screen_file(
            str(roster), ["facilities", WATCH], str(got), None, top, indexed=indexed
        )
        assert got.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
        assert screened.problems == problems
        assert screened.problem_count == len(problems) == 2  # the short row and the long one
    by_id = {r[0]: r for r in read_rows(tmp_path / "spark1.csv")[1:]}
    assert by_id["r1"][9] == "10003571"  # Dr. Eddie Warrior Correctional Center
    assert by_id["r12"][9] == "W1"
    assert by_id["r7"][12].startswith("error: expected 8 fields, found 3")


@PLANS
def test_parquet_in_and_out(
    spark: SparkSession, sample: Path, tmp_path: Path, indexed: bool
) -> None:
    expected = tmp_path / "local.csv"
    local(sample, ["facilities"], expected)
    source = tmp_path / "sample.parquet"
    spark.read.option("header", "true").csv(str(sample)).coalesce(1).write.parquet(str(source))
    out = tmp_path / "out.parquet"
    screen_file(str(source), ["facilities"], str(out), None, 1, indexed=indexed)
    # Part files hold the rows in input order; Spark's reader would take them largest first.
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    parts = [pq.read_table(p) for p in sorted(out.glob("part-*.parquet"))]
    want = read_rows(expected)
    assert parts[0].column_names == want[0]
    assert [row for t in parts for row in zip(*t.to_pydict().values(), strict=True)] == [
        tuple(r) for r in want[1:]
    ]


def test_candidates_are_the_local_index_candidates(spark: SparkSession, sample: Path) -> None:
    """The join plan finds each row's candidates in the local index's order, common words too."""
    from functools import partial

    from subtier.spark import rows as udfs
    from subtier.spark.shipped import ship

    risk_list: RiskList = load_list("facilities")
    roster = read_roster(spark, str(sample))
    shipped = spark.sparkContext.broadcast((ship(risk_list),))
    positions = spark.createDataFrame(
        [(0, p) for p in range(len(risk_list.records))], "list_no int, position int"
    )
    keys = positions.mapInPandas(partial(udfs.list_keys, lists=shipped), udfs.ENTRY_KEYS)
    keyed = keyed_list(spark, keys).cache()
    query_keys = roster.frame.select("ordinal", "line", "bad", *roster.known.values())
    query_keys = query_keys.mapInPandas(
        partial(udfs.query_keys, known=roster.known), udfs.QUERY_KEYS
    )
    info = keyed.select("list_no", "key", "size", "weight", "common").distinct()
    hits = query_keys.join(info, "key").cache()
    found: dict[int, list[tuple[int, int]]] = {}
    for r in candidates(hits, keyed, SCORED, small=True).collect():
        found.setdefault(r["ordinal"], []).append((r["crank"], r["position"]))
    common = {r["key"] for r in keyed.where("common AND key LIKE 'n:%'").select("key").collect()}
    opened = open_roster(sample)
    index = risk_list.index
    commons = 0
    for ordinal, row in enumerate(opened.rows):
        record = row_record(row, opened.columns)
        want = index.candidates(record, SCORED)
        assert [p for _, p in sorted(found.get(ordinal, []))] == want, row.values
        commons += any(f"n:{t}" in common for n in record.names for t in n.tokens)
    assert commons > 10  # rows with words too common to look up, whose weight still counts
    shipped.destroy()
