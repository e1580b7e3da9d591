"""FEC bulk operating-expenditure files read by Spark, each line parsed by fec.bulk.parse_line.

Every committee of several cycles is hundreds of millions of lines: Spark reads them where they
are (a folder, a glob, s3a://, hdfs://), numbers each file's lines, and Python executors turn
each line into a Disbursement with the same function as the local reader. A bad line stops the
read with its file and line, as it does locally.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd  # type: ignore[import-untyped]

from subtier.errors import InputError
from subtier.fec.bulk import parse_line
from subtier.fec.records import Disbursement

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# records.py postpones annotations, so the field types are their names.
_TYPES = {"int": "long", "bool": "boolean", "str": "string"}
FIELDS = [(f.name, _TYPES[str(f.type)]) for f in dataclasses.fields(Disbursement)]
SCHEMA = ", ".join(f"{name} {kind}" for name, kind in [*FIELDS, ("error", "string")])


def _source(uri: str) -> str:
    # Local files are named as the local reader names them: by path, not by URI.
    return uri[len("file://") :] if uri.startswith("file://") else uri


def numbered_lines(spark: SparkSession, sources: Sequence[str]) -> DataFrame:
    """(source, line, value): every line of every file, numbered from 1 within its file."""
    from pyspark.sql import functions as fn

    for source in sources:
        if source.lower().endswith(".zip"):
            raise InputError("Spark reads plain or gzipped text: unzip the bulk file", file=source)
    text = spark.read.text(list(sources)).select(
        fn.input_file_name().alias("uri"),
        fn.spark_partition_id().alias("part"),
        fn.monotonically_increasing_id().alias("mono"),
        "value",
    )
    # A file may span partitions and a partition hold several files: per (file, partition),
    # the line count and the first id; a file's partitions come in the file's order.
    stats = text.groupBy("uri", "part").agg(fn.count("*").alias("n"), fn.min("mono").alias("first"))
    offsets: list[tuple[str, int, int, int]] = []
    done: dict[str, int] = {}
    for row in sorted(stats.collect(), key=lambda r: (r["uri"], r["part"])):
        offsets.append((row["uri"], row["part"], done.get(row["uri"], 0), row["first"]))
        done[row["uri"]] = done.get(row["uri"], 0) + row["n"]
    table = spark.createDataFrame(offsets, "uri string, part int, offset long, first long")
    return text.join(fn.broadcast(table), ["uri", "part"]).select(
        "uri",
        (fn.col("offset") + fn.col("mono") - fn.col("first") + 1).alias("line"),
        "value",
    )


def parse_lines(batches: Iterator[Any]) -> Iterator[Any]:
    """Each line as a Disbursement's fields, or the reason it is not one (``error``)."""
    names = [name for name, _ in FIELDS]
    for batch in batches:
        out: list[list[Any]] = []
        for uri, line, value in zip(
            batch["uri"].tolist(), batch["line"].tolist(), batch["value"].tolist(), strict=True
        ):
            source = _source(uri)
            try:
                row = parse_line(value, source, line)
            except InputError as error:
                out.append([source, line, *[None] * (len(names) - 2), str(error)])
                continue
            if row is not None:
                out.append([*dataclasses.astuple(row), None])
        yield pd.DataFrame(out, columns=[*names, "error"])


def read_bulk(spark: SparkSession, sources: Sequence[str], committee: str | None) -> DataFrame:
    """The disbursements of the bulk files (of one committee if given), as a DataFrame.

    Raises the first bad line's error, by file and line, before returning.
    """
    from pyspark.sql import functions as fn

    try:
        parsed = numbered_lines(spark, sources).mapInPandas(parse_lines, SCHEMA)
        bad = parsed.where(fn.col("error").isNotNull()).orderBy("source", "line").limit(1)
        first = bad.select("error").collect()
    except InputError:
        raise
    except Exception as error:  # a path Spark cannot read
        text = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise InputError(f"cannot read with Spark: {text}") from None
    if first:
        raise InputError(str(first[0]["error"]))
    rows = parsed.drop("error")
    if committee:
        rows = rows.where(fn.col("committee") == committee.strip().upper())
    return rows


def disbursements(frame: DataFrame) -> list[Disbursement]:
    """Collect disbursements to the driver, in file and line order (one committee's, say)."""
    return [
        Disbursement(**row.asDict()) for row in frame.orderBy("source", "line").toLocalIterator()
    ]


def committee_rows(
    spark: SparkSession, sources: Sequence[str], committee: str | None
) -> list[Disbursement]:
    """One committee's disbursements from bulk files of any size, collected to the driver.

    Without ``committee`` the files must hold one committee only; otherwise the error lists
    the largest ones, as the local reader's does.
    """
    from pyspark.sql import functions as fn

    rows = read_bulk(spark, sources, committee)
    if committee is None:
        counts = rows.groupBy("committee").count().orderBy(fn.desc("count")).limit(11).collect()
        if not counts:
            raise InputError("the files hold no Schedule B rows")
        if len(counts) > 1:
            shown = ", ".join(f"{r['committee']} ({r['count']:,} rows)" for r in counts[:10])
            raise InputError(
                f"the files hold several committees: choose one with --committee ({shown})"
            )
    return disbursements(rows)
