"""subtier lists: show, add, update, remove."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from subtier.cli.common import (
    ByOption,
    DatabaseOption,
    Format,
    FormatOption,
    app,
    err,
    fail,
    open_workspace,
    print_json,
)
from subtier.errors import InputError

lists_app = typer.Typer(
    help="The lists subtier screens against: the bundled facilities and your own.",
    invoke_without_command=True,
    no_args_is_help=False,
)


app.add_typer(lists_app, name="lists")


@lists_app.callback()
def lists_show(ctx: typer.Context, fmt: FormatOption = Format.TEXT) -> None:
    """Show each list: name, version, entries and source.

    Examples:

        subtier lists

        subtier lists --format json

        subtier lists add suppliers-watch watch.csv

        subtier lists remove suppliers-watch
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from subtier.lists import all_lists

    try:
        infos = all_lists()
    except InputError as error:
        raise fail(error) from None
    today = date.today()
    if fmt is Format.JSON:
        keys = ("name", "version", "entries", "data_date", "source", "license")
        print_json(
            [
                {**{k: getattr(i, k) for k in keys}, "kind": i.kind.value, "stale": i.stale(today)}
                for i in infos
            ]
        )
        return
    table = Table("name", "kind", "version", "entries", "data of", "source", "license")
    for info in infos:
        dated = info.data_date + (" (over a year old)" if info.stale(today) else "")
        table.add_row(
            info.name, info.kind.value, info.version, f"{info.entries:,}", dated, info.source,
            info.license,
        )  # fmt: skip
    # Piped output keeps each list on one line.
    Console(highlight=False, width=None if sys.stdout.isatty() else 240).print(table)


@lists_app.command("add")
def lists_add(
    name: Annotated[
        str, typer.Argument(help="Name to screen with: --list NAME.", show_default=False)
    ],
    path: Annotated[
        Path,
        typer.Argument(help="A CSV list or a FollowTheMoney entities file.", show_default=False),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="What the list holds: facilities, correctional-industries, sanctions,"
            " forced-labor, pep or watch (default: what its content says, else watch).",
        ),
    ] = None,
) -> None:
    """Register a list under a name (a new version if the name exists). It is checked first.

    Its kind decides what a match on it means: a site at an entry of a `facilities` list is
    prison labor; a party on a `sanctions`, `forced-labor`, `pep` or `watch` list is a
    listed-party finding at the severity the policy gives that kind.
    """
    from subtier.core.screen.kinds import parse_kind
    from subtier.lists import register_list

    try:
        chosen = parse_kind(kind) if kind is not None else None
    except ValueError as error:
        raise fail(InputError(str(error))) from None
    try:
        info = register_list(name, path, chosen)
    except InputError as error:
        raise fail(error) from None
    err.print(
        f"registered {escape(info.name)} ({info.kind.value}) {info.version}"
        f" ({info.entries:,} entries)",
        highlight=False,
    )


@lists_app.command("update")
def lists_update(
    source: Annotated[
        Path, typer.Option("--from", help="The new version: a CSV list or FtM entities.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="The list it updates (default: the file's name).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="What the list holds (see `subtier lists add --help`)."),
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Bring a new version of a list into force; every command uses it from then on.

    `subtier lists`, `check`, `screen`, `monitor` and the web app all screen against it, and
    the workspace keeps the version in its audit trail. The file is checked whole first: a bad
    or partial file keeps the old version in force. Use `--name facilities` to update the
    bundled facility list.
    """
    from subtier.core.screen.kinds import parse_kind

    list_name = name or source.name.split(".")[0].lower()
    with open_workspace(database) as workspace:
        try:
            chosen = parse_kind(kind) if kind is not None else None
            info = workspace.add_list_version(list_name, source, by=by, kind=chosen)
        except ValueError as error:
            raise fail(InputError(str(error))) from None
        except InputError as error:
            raise fail(error) from None
    print(f"{info.name} ({info.kind.value}) is now {info.version} ({info.entries:,} entries)")


@lists_app.command("remove")
def lists_remove(
    name: Annotated[str, typer.Argument(help="A registered list name.", show_default=False)],
) -> None:
    """Remove a registered list."""
    from subtier.lists import remove_list

    try:
        remove_list(name)
    except InputError as error:
        raise fail(error) from None
