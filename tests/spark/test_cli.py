"""`subtier screen --engine spark` from the command line: same rows, clear errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from subtier.cli import app

from .conftest import FIXTURES

pytestmark = pytest.mark.slow

ROSTER = str(FIXTURES / "roster.csv")


def test_engine_spark_writes_what_the_local_engine_writes(spark: SparkSession) -> None:
    runner = CliRunner()
    local = runner.invoke(app, ["screen", ROSTER, "--list", "facilities"])
    done = runner.invoke(app, ["screen", ROSTER, "-l", "facilities", "--engine", "spark"])
    assert done.exit_code == 0, done.output
    assert done.stdout == local.stdout
    assert f"{ROSTER}:8: expected 8 fields, found 3" in done.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: no such file"),
        ("roster.xlsx", b"PK", "screen XLSX with --engine local"),
        ("empty.csv", b"", "file is empty; expected a header row"),
        ("bad.csv", b"id,colour\n1,red\n", "neither a 'name' nor an 'address' column"),
    ],
)
def test_user_errors_exit_2_without_a_traceback(
    spark: SparkSession, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    done = CliRunner().invoke(app, ["screen", str(source), "-l", "facilities", "--engine", "spark"])
    assert done.exit_code == 2
    assert message in done.stderr
    assert "Traceback" not in done.output


def test_an_output_folder_that_does_not_exist_is_refused(
    spark: SparkSession, tmp_path: Path
) -> None:
    out = tmp_path / "nowhere" / "out.csv"
    args = ["screen", ROSTER, "-l", "facilities", "--engine", "spark", "-o", str(out)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 2
    assert "no such folder for the output" in done.stderr
