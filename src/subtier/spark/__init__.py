"""The Spark engine: the local engine's matching as a Spark plan, for inputs of any size.

PySpark, pyarrow and pandas are imported only when the engine runs, so subtier works without
the ``spark`` extra, and says what to install when the engine is asked for without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from subtier.spark.session import require_pyspark, spark_session

if TYPE_CHECKING:
    from subtier.spark.screen import Screened

__all__ = ["require_pyspark", "screen_file", "spark_session"]


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
    """Screen a roster (CSV or Parquet, a path or URI) on Spark and write the result.

    The output is what `subtier screen` writes with the local engine: CSV (one file on a local
    disk, part files elsewhere) or Parquet when ``output`` ends in .parquet; standard output
    when it is None. Returns the row count and the first problem rows with their count.
    ``indexed`` chooses the plan (lists sent with their index, or candidates by joins); by
    default, the lists' size does.
    """
    require_pyspark()
    from subtier.spark.screen import screen_file as run

    return run(source, list_specs, output, threshold, top, master, stdout, config, indexed)
