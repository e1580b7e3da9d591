"""subtier screen."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    Engine,
    EngineOption,
    SparkMasterOption,
    app,
    err,
    fail,
)
from subtier.errors import InputError


@app.command()
def screen(
    roster: Annotated[
        str,
        typer.Argument(
            help="Roster to screen: CSV or XLSX with a header (--engine spark: CSV or Parquet, "
            "any path or URI Spark reads).",
            show_default=False,
        ),
    ],
    lists: Annotated[
        list[str],
        typer.Option(
            "--list",
            "-l",
            help="facilities, a registered list name, or a path (CSV or FtM .json/.jsonl/.ijson); repeatable.",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Output CSV (--engine spark: .csv or .parquet, a path or URI); standard output if omitted.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            "-t",
            min=0,
            max=1,
            help="Score a match must reach (default: the calibrated one).",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-k", min=1, max=1000, help="Candidates per row, ranked.")
    ] = 1,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            "-c",
            help="NAME=HEADER: read the column headed HEADER as NAME (id, name, address, city, "
            "state, zip, country); repeatable.",
            show_default=False,
        ),
    ] = None,
    columns_file: Annotated[
        Path | None,
        typer.Option(
            "--columns",
            help="A file of NAME=HEADER lines (or YAML name: header) mapping the roster's headers.",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="The CSV's text encoding, e.g. latin-1 or cp1252.")
    ] = "utf-8",
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            help="The CSV's field delimiter, e.g. ';' or '\\t' (default ',').",
            show_default=False,
        ),
    ] = None,
    engine: EngineOption = Engine.LOCAL,
    spark_master: SparkMasterOption = None,
) -> None:
    """Screen every row of a roster against one or more lists.

    Recognized columns (any case): id, name, address, city, state, zip, country; others pass
    through. A column under another header is read with `--column address=street_address`
    (or a `--columns` file); a header that looks like an address part but is not read is
    warned about, since the rows are then screened without it. The output has one row per input row, in input order, followed by match_list,
    match_id (blank below the threshold), match_name, score (0 to 1), reasons and the
    list_version that matched. With `--top K`
    each row gets up to K ranked candidates, with `rank` and `matched` columns; a row with no
    candidate at all gets one line with a blank rank.

    Examples:

        subtier screen payees.csv --list facilities --output screened.csv

        subtier screen suppliers.xlsx --list facilities --list sanctions.ftm.json --top 5

        subtier screen payees.csv -l facilities -c address=street_address -c zip=zip_code

        subtier screen export.csv -l facilities --encoding latin-1 --delimiter ';'

        subtier screen s3a://bucket/payees.csv --list facilities -o s3a://bucket/out.parquet --engine spark --spark-master spark://head:7077
    """
    from subtier.app.screen import screen_file
    from subtier.formats.roster import RosterFormat, parse_columns

    try:
        sep = "\t" if delimiter in ("\\t", "tab") else delimiter
        fmt = RosterFormat(parse_columns(column or [], columns_file), encoding, sep)
        if engine is Engine.SPARK and fmt != RosterFormat():
            raise InputError(
                "--column, --columns, --encoding and --delimiter are for the local engine; "
                "with --engine spark, name the columns in the roster's header"
            )
        if engine is Engine.SPARK:
            from subtier.spark import screen_file as spark_screen_file

            screened = spark_screen_file(roster, lists, output, threshold, top, spark_master)
            problems, count = screened.problems, screened.problem_count
        else:
            out = Path(output) if output else None
            problems = screen_file(Path(roster), lists, out, threshold, top, err, fmt)
            count = len(problems)
    except InputError as error:
        raise fail(error) from None
    for line, problem in problems[:20]:
        err.print(
            f"[yellow]warning:[/] {escape(str(roster))}:{line}: {escape(problem)}", highlight=False
        )
    if count > 20:
        err.print(
            f"[yellow]warning:[/] ... and {count - 20} more rows with problems",
            highlight=False,
        )
