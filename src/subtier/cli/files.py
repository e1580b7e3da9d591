"""subtier template, import and sites: chain files from spreadsheets and other sources."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    app,
    err,
    fail,
)
from subtier.errors import InputError


class SheetFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@app.command()
def template(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write (default: chain-template.xlsx; with --format csv, the folder chain-template).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        SheetFormat,
        typer.Option(
            "--format", "-f", help="xlsx: one workbook; csv: a folder, one CSV per sheet."
        ),
    ] = SheetFormat.XLSX,
    example: Annotated[
        bool, typer.Option("--example", help="Fill it with the ProCom example chain.")
    ] = False,
    source: Annotated[
        Path | None,
        typer.Option("--from", help="Fill it with this chain file.", show_default=False),
    ] = None,
) -> None:
    """Write a spreadsheet template of the chain for vendors and buyers to fill in.

    One sheet per part of the chain (chain, organizations, sites, engagements, workforces) with
    a header row of field names, drop-downs for fixed values, and an instructions sheet that
    explains every column. `subtier import` turns the filled template into a chain file.

    Examples:

        subtier template --output suppliers.xlsx

        subtier template --example --format csv --output procom
    """
    from subtier.report.template import TemplateFormat, example_chain, write_template

    try:
        if example and source is not None:
            raise InputError("give --example or --from, not both")
        chain = None
        if example:
            chain = example_chain()
        elif source is not None:
            from subtier.formats import load_chain

            chain = load_chain(source)
        written = write_template(output, TemplateFormat(fmt.value), chain)
    except InputError as error:
        raise fail(error) from None
    err.print(f"wrote {escape(str(written))}", highlight=False)


@app.command("import")
def import_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="A filled template (.xlsx or a folder of CSV files), FtM entities (.ftm.json) "
            "or an OCDS release or record package (.json).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Chain file to write: YAML, or JSON if it ends in .json."
        ),
    ] = Path("chain.yaml"),
    root: Annotated[
        str | None,
        typer.Option(
            "--root", help="FtM or OCDS input: the root buyer's id, when it cannot be told."
        ),
    ] = None,
) -> None:
    """Turn a filled template into a chain file, checked like any chain file.

    Every problem is listed with its sheet (or CSV file), row and column; nothing is written
    until the whole template is valid.

    Examples:

        subtier import suppliers.xlsx --output chain.yaml

        subtier import chain-template/ --output chain.json

        subtier import chain.ftm.json --output chain.yaml

        subtier import awards.ocds.json --root ministry-of-health --output chain.yaml
    """
    from subtier.formats.spreadsheet import import_spreadsheet

    try:
        chain = import_spreadsheet(source, output, root=root)
    except InputError as error:
        raise fail(error) from None
    counts = ", ".join(
        f"{len(getattr(chain, section))} {section}"
        for section in ("organizations", "sites", "engagements", "workforces")
    )
    err.print(f"wrote {escape(str(output))}: {counts}", highlight=False)


@app.command("sites")
def sites_command(
    chain: Annotated[
        Path, typer.Argument(help="The chain file to add sites to.", show_default=False)
    ],
    source: Annotated[
        Path, typer.Option("--from", help="An Open Supply Hub facility CSV.", show_default=False)
    ],
    engagement: Annotated[
        str | None,
        typer.Option("--engagement", help="Engagement whose work is done at these sites."),
    ] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Operator for sites without a parent company.")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Chain file to write (YAML, or JSON if .json).")
    ] = Path("chain-with-sites.yaml"),
) -> None:
    """Add the facilities of an Open Supply Hub CSV to a chain as work sites.

    Closed facilities are skipped; parent companies become organizations and operators.

    Examples:

        subtier sites chain.yaml --from osh-facilities.csv --engagement callcenter
    """
    from subtier.formats import load_chain
    from subtier.formats.osh import merge_sites, read_osh
    from subtier.formats.spreadsheet import dump_chain, write_text_atomic

    try:
        found = read_osh(source, operator)
        merged = merge_sites(load_chain(chain), found.sites, found.organizations, engagement)
        write_text_atomic(output, dump_chain(merged, as_json=output.suffix.lower() == ".json"))
    except InputError as error:
        raise fail(error) from None
    err.print(
        f"wrote {escape(str(output))}: {len(found.sites)} site(s) added, "
        f"{len(found.closed)} closed facilit{'y' if len(found.closed) == 1 else 'ies'} skipped",
        highlight=False,
    )
