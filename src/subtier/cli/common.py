"""What every command shares: the app, its consoles, its options and its way of failing."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from subtier.errors import InputError

if TYPE_CHECKING:
    from subtier.store import Workspace


app = typer.Typer(
    name="subtier",
    help="Who really does our work, where, and for what pay? Map, screen and judge service chains.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Notes on standard error ("wrote report.pdf", warnings); --quiet silences them, not errors.
err = Console(stderr=True, soft_wrap=True, emoji=False)


errors = Console(stderr=True, soft_wrap=True, emoji=False)


STARTED = time.perf_counter()


VERBOSE: list[bool] = []


PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", "-p", help="Policy file; the bundled default if omitted."),
]


DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="Workspace database URL (default: $SUBTIER_DATABASE_URL, else sqlite:///subtier.db).",
        show_default=False,
    ),
]


ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who is acting (default: $SUBTIER_USER, else the login name).",
        show_default=False,
    ),
]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


class Engine(StrEnum):
    LOCAL = "local"
    SPARK = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine", help="local (this machine) or spark (a Spark cluster, or local mode)."
    ),
]


SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        envvar="SPARK_MASTER",
        help="Spark master URL for --engine spark, e.g. spark://host:7077 (default: local[*]).",
        show_default=False,
    ),
]


def fail(error: InputError) -> typer.Exit:
    errors.print("[bold red]error:[/] " + escape(str(error)), highlight=False, soft_wrap=True)
    return typer.Exit(2)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def open_workspace(database: str | None) -> Workspace:
    from subtier.store import Workspace

    try:
        return Workspace(database)
    except Exception as error:  # a bad URL or an unreachable server is the user's to fix
        if isinstance(error, InputError):
            raise fail(error) from None
        errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None
