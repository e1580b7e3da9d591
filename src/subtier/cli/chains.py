"""subtier add, history and diff: chain versions kept in the workspace."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from subtier.cli.common import (
    ByOption,
    DatabaseOption,
    Format,
    FormatOption,
    app,
    fail,
    open_workspace,
    print_json,
)
from subtier.errors import InputError


@app.command()
def add(
    chain: Annotated[
        Path, typer.Argument(help="Chain file to save (YAML or JSON).", show_default=False)
    ],
    key: Annotated[
        str | None, typer.Option("--as", help="Key to save it under (default: from its name).")
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Save a new version of a chain in the workspace. Versions are immutable.

    Examples:

        subtier add examples/procom-2019.yaml

        subtier add chain.yaml --as acme-calls --by "J. Doe"
    """
    from subtier.formats import load_chain

    try:
        loaded = load_chain(chain)
    except InputError as error:
        raise fail(error) from None
    with open_workspace(database) as workspace:
        saved, new = workspace.add_chain(loaded, key=key, source=str(chain), by=by)
    if new:
        print(f"saved {saved.label()} ({saved.content_hash[:12]})")
    else:
        print(f"unchanged: {saved.label()} already holds this content ({saved.content_hash[:12]})")


@app.command()
def history(
    key: Annotated[
        str | None, typer.Argument(help="A saved chain's key; all chains if omitted.")
    ] = None,
    database: DatabaseOption = None,
    fmt: FormatOption = Format.TEXT,
) -> None:
    """List saved chain versions: key, version, when, by whom, content hash and source."""
    from rich.table import Table

    with open_workspace(database) as workspace:
        found = workspace.versions(key)
    if key and not found:
        raise fail(InputError(f"no saved chain {key!r}"))
    if fmt is Format.JSON:
        print_json(
            [
                {"chain": v.key, "version": v.version, "saved": v.created_at.isoformat(),
                 "by": v.created_by, "hash": v.content_hash, "source": v.source}
                for v in found
            ]
        )  # fmt: skip
        return
    table = Table("chain", "version", "saved", "by", "hash", "source")
    for v in found:
        table.add_row(v.key, str(v.version), v.created_at.isoformat(timespec="seconds"), v.created_by,
                      v.content_hash[:12], v.source or "")  # fmt: skip
    Console(highlight=False, width=None if sys.stdout.isatty() else 240).print(table)


@app.command()
def diff(
    key: Annotated[str, typer.Argument(help="A saved chain's key.", show_default=False)],
    old: Annotated[
        int | None, typer.Argument(help="Older version (default: the one before NEW).")
    ] = None,
    new: Annotated[int | None, typer.Argument(help="Newer version (default: the latest).")] = None,
    database: DatabaseOption = None,
    fmt: FormatOption = Format.TEXT,
) -> None:
    """Show what changed between two saved versions of a chain.

    Examples:

        subtier diff acme-calls          # latest against the one before

        subtier diff acme-calls 1 3
    """
    from subtier.app.chains import compare

    with open_workspace(database) as workspace:
        try:
            found = compare(workspace, key, old, new)
        except InputError as error:
            raise fail(error) from None
    older, newer, changes = found.older, found.newer, found.changes
    if fmt is Format.JSON:
        print_json(
            {
                "chain": key,
                "old": older.version,
                "new": newer.version,
                "changes": [
                    {"kind": c.kind, "section": c.section, "id": c.id,
                     "fields": {n: {"before": b, "after": a} for n, (b, a) in c.fields.items()}}
                    for c in changes
                ],
            }
        )  # fmt: skip
        return
    print(f"{older.label()} → {newer.label()}: {len(changes)} change(s)")
    for change in changes:
        sign = {"added": "+", "removed": "-", "changed": "~"}[change.kind]
        print(f"  {sign} {change.section} {change.id}")
        for name, (before, after) in change.fields.items():
            print(f"      {name}: {before!r} → {after!r}")
