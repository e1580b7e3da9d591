"""subtier fec."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    ByOption,
    DatabaseOption,
    Engine,
    EngineOption,
    PolicyOption,
    SparkMasterOption,
    app,
    err,
    fail,
)
from subtier.errors import InputError


class FecFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


@app.command("fec")
def fec_command(
    files: Annotated[
        list[str],
        typer.Argument(
            help="FEC electronic filings (.fec) or bulk operating-expenditure files (.txt, .zip).",
            show_default=False,
        ),
    ],
    committee: Annotated[
        str | None,
        typer.Option(
            "--committee", "-c", help="FEC committee id; needed if the files hold several."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the chain here (YAML, or JSON if .json)."),
    ] = None,
    fmt: Annotated[
        FecFormat, typer.Option("--format", "-f", help="Report format.")
    ] = FecFormat.TEXT,
    policy: PolicyOption = None,
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list", "-l", help="Extra list: a registered name or a path (CSV or FtM); repeatable."
        ),
    ] = None,
    engine: EngineOption = Engine.LOCAL,
    spark_master: SparkMasterOption = None,
    save: Annotated[
        bool, typer.Option("--save", help="Save the chain in the workspace, for the dashboard.")
    ] = False,
    key: Annotated[
        str | None,
        typer.Option("--as", help="Key to save it under (with --save; default: from its name)."),
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Turn a committee's FEC disbursements into a screened chain and a vetting worklist.

    Schedule B rows by line beside the filing's own totals, memo sub-itemizations as tier 2,
    money by service category, findings (same screening and policy as `subtier check`), and the
    payees bought labor-intensive services from, with what to ask them for.

    Examples:

        subtier fec 1527862.fec --output chain.yaml

        subtier fec oppexp24.zip --committee C00703975 --format csv > payees.csv

        subtier fec 's3a://bucket/oppexp/*.txt' --committee C00703975 --engine spark

        subtier fec 1527862.fec --save --as biden-q2   # then: subtier serve, or subtier invite
    """
    from subtier.app.fec import SaveTo, fec_report

    if key is not None and not save:
        raise fail(InputError("--as names the saved chain: give --save with it"))
    target = SaveTo(key, database, by) if save else None
    try:
        data = fec_report(
            files,
            committee,
            policy,
            lists or [],
            output,
            fmt.value,
            err,
            engine.value,
            spark_master,
            target,
        )
    except InputError as error:
        raise fail(error) from None
    sys.stdout.buffer.write(data)
    if output is not None:
        err.print(f"wrote {escape(str(output))}", highlight=False)
    if target is not None:
        err.print(escape(target.message), highlight=False)
