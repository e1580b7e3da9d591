"""FEC bulk files read by Spark give the local reader's disbursements, and its errors."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from subtier.errors import InputError
from subtier.fec import bulk
from subtier.spark.fec import disbursements, read_bulk

from .conftest import FIXTURES

pytestmark = pytest.mark.slow

BULK = FIXTURES / "oppexp.txt"


def test_same_disbursements_as_the_local_reader(spark: SparkSession) -> None:
    local = list(itertools.chain.from_iterable(bulk.read_bulk(BULK)))
    assert disbursements(read_bulk(spark, [str(BULK)], None)) == local
    one = disbursements(read_bulk(spark, [str(BULK)], "c00703975"))
    assert one == [r for r in local if r.committee == "C00703975"]
    assert [r.line for r in one] == [1, 2, 5]  # a blank line still counts


def test_a_bad_line_stops_the_read_with_its_line(spark: SparkSession, tmp_path: Path) -> None:
    broken = tmp_path / "oppexp.txt"
    lines = BULK.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("|-15.25|", "|ten dollars|")
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as local:
        list(bulk.read_bulk(broken))
    with pytest.raises(InputError) as spark_error:
        read_bulk(spark, [str(broken)], None)
    assert str(spark_error.value) == str(local.value)
    assert ":4: " in str(spark_error.value)


def test_fec_engine_spark_reports_what_the_local_engine_reports(
    spark: SparkSession, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from subtier.cli import app

    runner = CliRunner()
    args = ["fec", str(BULK), "--committee", "C00703975", "--format", "json"]
    local = runner.invoke(app, [*args, "-o", str(tmp_path / "local.yaml")])
    done = runner.invoke(app, [*args, "-o", str(tmp_path / "spark.yaml"), "--engine", "spark"])
    assert local.exit_code == 0, local.output
    assert done.exit_code == 0, done.output
    assert done.stdout == local.stdout
    assert (tmp_path / "spark.yaml").read_text() == (tmp_path / "local.yaml").read_text()
    several = runner.invoke(app, ["fec", str(BULK), "--engine", "spark"])
    assert several.exit_code == 2
    assert "choose one with --committee" in several.stderr
