"""One Spark session (local mode, 2 cores) for every Spark test; skipped without PySpark."""

from __future__ import annotations

import csv
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..conftest import ROOT

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Without the spark extra these tests are not collected at all (they import pyspark).
collect_ignore_glob = (
    []
    if all(importlib.util.find_spec(m) for m in ("pyspark", "pyarrow", "pandas"))
    else ["test_*.py"]
)
FIXTURES = Path(__file__).parent / "fixtures"
FACILITIES_CSV = ROOT / "src" / "subtier" / "data" / "facilities.csv"
# Small partitions and no UI: the tests' data is tiny, and a run pays per task and per job.
CONFIG = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    from subtier.spark import spark_session

    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = spark_session("local[2]", CONFIG)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A roster made from every 25th bundled facility: at its address under its own name or
    another, on its street at another number, by name in its town, and a business nearby;
    then the hand-written edge cases (bad rows, quotes, no id, another country)."""
    with FACILITIES_CSV.open(newline="", encoding="utf-8") as handle:
        facilities = list(csv.DictReader(handle))[::25]
    rows: list[list[str]] = []
    for i, f in enumerate(facilities):
        number = f["number"] or "1"
        rest = " ".join(f["address"].split()[1:]) if f["number"] else f["address"]
        other = str(int(number) + 40) if number.isdigit() else number
        town = [f["city"].title(), f["state"], f["zip"]]
        rows += [
            [f"a{i}", f["name"], f["address"], *town, ""],
            [
                f"b{i}",
                f"{rest.title()} Staffing LLC",
                f["address"].lower(),
                town[0],
                town[1],
                "",
                "",
            ],
            [f"c{i}", f["name"].title(), f"{other} {rest}", *town, "US"],
            [f"d{i}", f["name"], "", town[0], town[1], "", ""],
            [f"e{i}", "Main Street Printing Inc", f"{17 + i} Main St", *town, ""],
        ]
    path = tmp_path_factory.mktemp("spark") / "sample.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "address", "city", "state", "zip", "country"])
        writer.writerows(rows)
    return path
