"""subtier schema and subtier riders: what a chain file is, and what a contract binds."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    PolicyOption,
    app,
    err,
    fail,
)
from subtier.errors import InputError


@app.command()
def schema() -> None:
    """Print the chain file's JSON Schema (generated from the model)."""
    from subtier.core.model.schema import chain_schema

    sys.stdout.write(json.dumps(chain_schema(), indent=2) + "\n")


class RiderFormat(StrEnum):
    MD = "md"
    HTML = "html"
    DOCX = "docx"


@app.command()
def riders(
    policy: PolicyOption = None,
    fmt: Annotated[
        RiderFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RiderFormat.MD,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (md: standard output if omitted; html, docx: riders.html, riders.docx).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the contract clauses that match a policy, to paste into vendor contracts.

    One numbered clause per enabled rule, after a preamble saying the terms flow down to every
    subcontractor. The clauses come from the same place as the checks, so they say what
    `subtier check` verifies.

    Examples:

        subtier riders --policy policy.yaml

        subtier riders --policy policy.yaml --format docx --output rider.docx
    """
    from subtier.report.riders import write_riders

    try:
        rider, path = write_riders(policy, fmt.value, output)
    except InputError as error:
        raise fail(error) from None
    if path is not None:
        err.print(
            f"wrote {escape(str(path))}: {len(rider.clauses)} clause(s) from policy "
            f"{escape(rider.policy)}",
            highlight=False,
        )
