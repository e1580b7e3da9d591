"""subtier serve: the web app."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    DatabaseOption,
    PolicyOption,
    app,
    err,
    errors,
    fail,
)
from subtier.errors import InputError


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    database: DatabaseOption = None,
    policy: PolicyOption = None,
    admin_token: Annotated[
        str | None,
        typer.Option(
            "--admin-token",
            envvar="SUBTIER_ADMIN_TOKEN",
            help="A single token that signs a buyer in (one-person installs).",
            show_default=False,
        ),
    ] = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--insecure-cookies",
            help="Mark cookies Secure (default: yes, except plain http on a loopback address).",
            show_default=False,
        ),
    ] = None,
    threads: Annotated[
        int,
        typer.Option(
            "--threads",
            min=1,
            max=64,
            help="Requests handled at once (more may pay with a database across a network).",
        ),
    ] = 1,
    add_user: Annotated[
        str | None,
        typer.Option(
            "--add-user",
            help="Add a buyer account and exit; the password comes from $SUBTIER_PASSWORD or a prompt.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web app: the buyer's dashboard, the vendor portal and the JSON API (/api/docs).

    With no buyer account and no admin token, it prints a one-time admin token to sign in with.

    Examples:

        subtier serve                                 # http://127.0.0.1:8000/, workspace subtier.db

        subtier serve --add-user alice                # add a buyer account, then exit

        SUBTIER_ADMIN_TOKEN=... subtier serve --host 0.0.0.0 --port 8080
    """
    from sqlalchemy.exc import SQLAlchemyError

    from subtier.extras import MissingExtraError, require_extra

    try:
        require_extra("web")
    except MissingExtraError as error:
        raise fail(error) from None
    from subtier.web import Settings
    from subtier.web import serve as run_server

    account = None
    if add_user is not None:
        password = os.environ.get("SUBTIER_PASSWORD") or typer.prompt(
            f"password for {add_user}", hide_input=True, confirmation_prompt=True
        )
        account = (add_user, password)
    settings = Settings(
        database=database,
        policy=policy,
        admin_token=admin_token,
        secure_cookies=secure_cookies,
        threads=threads,
    )
    try:
        run_server(settings, host=host, port=port, say=err.print, add_user=account)
    except InputError as error:
        raise fail(error) from None
    except SQLAlchemyError as error:
        errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None
