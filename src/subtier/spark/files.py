"""Reading rosters into Spark and writing results out: CSV or Parquet, local paths or any URI."""

from __future__ import annotations

import csv
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from subtier.errors import InputError
from subtier.formats.roster import header_columns
from subtier.output import check_not_suffix, is_stdout, open_text

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# "s3a://bucket/x.csv", "hdfs:///data", "file:/tmp/x": anything but a plain (or Windows) path.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")
# The line of the first row: after the header, one line per row.
FIRST_LINE = 2
# monotonically_increasing_id puts the partition index above this many bits.
_PARTITION_SHIFT = 33


@dataclass(frozen=True)
class Roster:
    """An input as a DataFrame: ordinal (input order), line, bad, c0 ... c{width-1}.

    ``bad`` holds the raw text of a CSV row whose field count is not the header's.
    ``known`` maps each recognized column (id, name, ...) to its frame column.
    """

    header: list[str]
    known: dict[str, str]
    frame: DataFrame
    rows: int

    @property
    def width(self) -> int:
        return len(self.header)


def is_uri(target: str) -> bool:
    return bool(_URI.match(target))


def local_path(target: str) -> Path | None:
    """The local file a target names, or None for a URI Spark resolves (s3a://, hdfs://, ...)."""
    if target.startswith("file:"):
        return Path(re.sub(r"^file:(//)?", "", target))
    return None if is_uri(target) else Path(target)


def is_parquet(target: str) -> bool:
    return target.rstrip("/").lower().endswith((".parquet", ".pq"))


def read_roster(spark: SparkSession, source: str) -> Roster:
    """Open a CSV or Parquet roster; the header is checked as the local engine checks it."""
    path = local_path(source)
    if path is not None and not path.exists():
        raise InputError("no such file", file=source)
    if source.rstrip("/").lower().endswith((".xlsx", ".xlsm")):
        raise InputError(
            "the Spark engine reads CSV or Parquet; screen XLSX with --engine local",
            file=source,
        )
    try:
        if is_parquet(source):
            header, frame = _parquet(spark, source)
        else:
            header, frame = _csv(spark, source)
    except InputError:
        raise
    except Exception as error:  # AnalysisException and the like: a path Spark cannot read
        raise InputError(f"cannot read with Spark: {_first_line(error)}", file=source) from None
    columns = header_columns(header, source)
    known = {name: f"c{position}" for name, position in columns.items()}
    frame, rows = _number(frame)
    return Roster(header, known, frame, rows)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _csv(spark: SparkSession, source: str) -> tuple[list[str], DataFrame]:
    from pyspark.sql import functions as fn
    from pyspark.sql.types import StringType, StructField, StructType

    first = spark.read.text(source).limit(1).collect()
    if not first or not first[0][0]:
        raise InputError("file is empty; expected a header row", file=source)
    header = next(csv.reader([first[0][0].lstrip("\ufeff")]))
    width = len(header)
    schema = StructType(
        [StructField(f"c{i}", StringType()) for i in range(width)]
        + [StructField("bad", StringType())]
    )
    frame = (
        spark.read.schema(schema)
        .option("header", "true")
        .option("enforceSchema", "true")
        .option("escape", '"')  # RFC 4180: a quote inside quotes is doubled, as csv reads it
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", "bad")
        .option("encoding", "UTF-8")
        .csv(source)
    )
    cells = [fn.coalesce(fn.col(f"c{i}"), fn.lit("")).alias(f"c{i}") for i in range(width)]
    return header, frame.select(*cells, "bad")


def _parquet(spark: SparkSession, source: str) -> tuple[list[str], DataFrame]:
    from pyspark.sql import functions as fn

    frame = spark.read.parquet(source)
    header = list(frame.columns)
    cells = [
        fn.coalesce(fn.col(f"`{name}`").cast("string"), fn.lit("")).alias(f"c{i}")
        for i, name in enumerate(header)
    ]
    return header, frame.select(*cells, fn.lit(None).cast("string").alias("bad"))


def _number(frame: DataFrame) -> tuple[DataFrame, int]:
    """Number rows in input order without moving them: a count per partition, then offsets.

    A roster has a header line, so row n (from 0) is line n + 2 when no cell spans lines.
    """
    from pyspark.sql import functions as fn

    tagged = frame.withColumn("_part", fn.spark_partition_id()).withColumn(
        "_mono", fn.monotonically_increasing_id()
    )
    counts: dict[int, int] = {
        int(r[0]): int(r[1]) for r in tagged.groupBy("_part").count().collect()
    }
    offsets: list[int] = []
    total = 0
    for part in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(part, 0)
    start = fn.element_at(fn.array(*[fn.lit(o) for o in offsets or [0]]), fn.col("_part") + 1)
    local = fn.col("_mono") - fn.shiftleft(fn.col("_part").cast("long"), _PARTITION_SHIFT)
    numbered = tagged.withColumn("ordinal", start + local).withColumn(
        "line", fn.col("ordinal") + FIRST_LINE
    )
    return numbered.drop("_part", "_mono"), total


def line_of(ordinal: int) -> int:
    """The line of row ``ordinal`` (from 0), when no cell spans lines."""
    return ordinal + FIRST_LINE


def unique_names(header: list[str]) -> list[str]:
    """Column names Parquet accepts: blanks named by position, repeats numbered."""
    seen: set[str] = set()
    names: list[str] = []
    for position, name in enumerate(header):
        name = name or f"column_{position + 1}"
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        names.append(candidate)
    return names


def _header_line(header: list[str]) -> str:
    from subtier.spark.rows import csv_line

    return csv_line(header)


NOT_WRITTEN = {
    suffix: "the output is CSV or Parquet; give a name ending in .csv or .parquet"
    for suffix in (".xlsx", ".xlsm", ".xls", ".json", ".jsonl")
}


def check_target(target: str | None) -> None:
    """Refuse an output in a local folder that does not exist, or in a format this engine does
    not write, before any screening is done."""
    check_not_suffix(target, NOT_WRITTEN)
    path = local_path(target) if target and not is_stdout(target) else None
    if path is not None and not path.resolve().parent.is_dir():
        raise InputError("no such folder for the output", file=target)


def write_result(
    result: DataFrame,
    header: list[str],
    target: str | None,
    stdout: IO[str],
    in_order: bool = False,
) -> None:
    """Write screened rows in input order: Parquet or CSV by the target's suffix, or CSV out.

    A CSV on the local file system is one file, as the local engine writes it; elsewhere
    (s3a://, hdfs://) it is a directory of part files, the header at the top of the first.
    Rows ``in_order`` already (by partition, then within) are not sorted again.
    """
    ordered = result if in_order else result.orderBy("ordinal", "rank")
    if target is None or is_stdout(target):
        stdout.write(_header_line(header) + "\n")
        for row in ordered.select("value").toLocalIterator():
            stdout.write(row[0] + "\n")
        return
    if is_parquet(target):
        names = unique_names(header)
        cells = [ordered[f"o{i}"].alias(name) for i, name in enumerate(names)]
        ordered.select(*cells).write.mode("overwrite").parquet(target)
        return
    path = local_path(target)
    if path is None:
        _write_csv_parts(ordered, header, target, in_order)
        return
    _write_local_csv(ordered, header, path)


def _write_csv_parts(result: DataFrame, header: list[str], target: str, in_order: bool) -> None:
    from pyspark.sql import functions as fn

    top = result.sparkSession.createDataFrame(
        [(-1, 0, _header_line(header))], "ordinal long, rank int, value string"
    )
    # The header is a partition of its own, ahead of the rows' partitions in a union.
    lines = top.union(result.select("ordinal", "rank", "value"))
    if not in_order:
        lines = lines.orderBy("ordinal", "rank")
    lines.select(fn.col("value")).write.mode("overwrite").text(target)


def _write_local_csv(ordered: DataFrame, header: list[str], path: Path) -> None:
    folder = Path(os.path.realpath(path)).parent
    parts = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.parts"
    try:
        ordered.select("value").write.text(str(parts.resolve()))
        # The output appears whole or not at all, as every writer's (subtier.output).
        with open_text(path, newline="") as out:
            out.write(_header_line(header) + "\n")
            for part in _part_files(parts):
                with part.open("r", encoding="utf-8", newline="") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
    finally:
        shutil.rmtree(parts, ignore_errors=True)


def _part_files(folder: Path) -> Iterator[Path]:
    # Spark numbers part files by partition; sorted names are the sorted rows' order.
    yield from sorted(folder.glob("part-*"))
