"""subtier audit verify and export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    DatabaseOption,
    app,
    errors,
    open_workspace,
)
from subtier.output import write_output

audit_app = typer.Typer(help="The workspace's tamper-evident audit trail.", no_args_is_help=True)


app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(database: DatabaseOption = None) -> None:
    """Check the audit trail and the data it vouches for; exit 1 and name the first broken record.

    The hash chain of the records, then every stored chain version, check run with its
    findings, review decision, disclosure and signature, recomputed from its rows: an edited
    row names the record that vouched for it, a row that no record vouches for is named.
    """
    with open_workspace(database) as workspace:
        count, broken = workspace.verify_audit()
    if broken is not None:
        errors.print(f"[bold red]broken:[/] {escape(str(broken))}", highlight=False)
        raise typer.Exit(1)
    print(f"audit trail intact: {count} record(s)")


@audit_app.command("export")
def audit_export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="JSON lines file; standard output if omitted or '-'."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the audit trail as JSON lines, one record per line, oldest first."""
    with open_workspace(database) as workspace:
        lines = [
            json.dumps(r.as_dict(), ensure_ascii=False, sort_keys=True) + "\n"
            for r in workspace.audit_records()
        ]
    write_output(output, "".join(lines))
