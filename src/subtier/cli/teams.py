"""subtier teams and subtier accounts: who may see which chains in the web app."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.markup import escape

from subtier.cli.common import (
    DatabaseOption,
    app,
    errors,
    fail,
)
from subtier.errors import InputError

teams_app = typer.Typer(
    help="Teams of buyer accounts: each team sees and acts on its own chains only.",
    no_args_is_help=True,
)


app.add_typer(teams_app, name="teams")


accounts_app = typer.Typer(help="Buyer accounts of the web app.", no_args_is_help=True)


app.add_typer(accounts_app, name="accounts")


def _service(database: str | None) -> Any:
    """The web app's service over the workspace (the web extra is needed)."""
    from sqlalchemy.exc import SQLAlchemyError

    from subtier.extras import MissingExtraError, require_extra

    try:
        require_extra("web")
    except MissingExtraError as error:
        raise fail(error) from None
    from subtier.web import Service, Settings

    try:
        return Service(Settings(database=database))
    except SQLAlchemyError as error:
        errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None


@teams_app.command("add")
def teams_add(
    name: Annotated[str, typer.Argument(help="The team's name.")],
    database: DatabaseOption = None,
) -> None:
    """Add a team. Accounts and chains join the team named `default` unless told otherwise.

    Example:

        subtier teams add client-b
    """
    service = _service(database)
    from subtier.store import actor

    try:
        service.add_team(name, by=actor())
    except InputError as error:
        raise fail(error) from None
    finally:
        service.close()
    print(f"added team {name!r}")


@teams_app.command("list")
def teams_list(database: DatabaseOption = None) -> None:
    """Each team with its accounts and chains."""
    service = _service(database)
    try:
        for team in service.portal.teams():
            accounts = ", ".join(team.accounts) or "no accounts"
            chains = ", ".join(team.chains) or "no chains"
            print(f"{team.name}: {accounts}; chains: {chains}")
    finally:
        service.close()


@teams_app.command("move-account")
def teams_move_account(
    username: Annotated[str, typer.Argument(help="The buyer account.")],
    team: Annotated[str, typer.Argument(help="The team it moves to.")],
    database: DatabaseOption = None,
) -> None:
    """Move a buyer account to another team: it sees that team's chains from its next request."""
    service = _service(database)
    from subtier.store import actor

    try:
        service.move_user(username, team, by=actor())
    except InputError as error:
        raise fail(error) from None
    finally:
        service.close()
    print(f"account {username!r} is in team {team!r}")


@teams_app.command("move-chain")
def teams_move_chain(
    key: Annotated[str, typer.Argument(help="The chain's key in the workspace.")],
    team: Annotated[str, typer.Argument(help="The team it moves to.")],
    database: DatabaseOption = None,
) -> None:
    """Give a chain to another team, with its invitations and history."""
    service = _service(database)
    from subtier.store import actor

    try:
        service.move_chain(key, team, by=actor())
    except InputError as error:
        raise fail(error) from None
    finally:
        service.close()
    print(f"chain {key!r} is in team {team!r}")


@accounts_app.command("add")
def accounts_add(
    username: Annotated[str, typer.Argument(help="The account's user name.")],
    team: Annotated[
        str | None,
        typer.Option(
            "--team", help="The team it joins (default: the default team).", show_default=False
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Add a buyer account; the password comes from $SUBTIER_PASSWORD or a prompt.

    Example:

        subtier accounts add bob --team client-b
    """
    password = os.environ.get("SUBTIER_PASSWORD") or typer.prompt(
        f"password for {username}", hide_input=True, confirmation_prompt=True
    )
    service = _service(database)
    try:
        service.add_user(username, password, team=team)
    except InputError as error:
        raise fail(error) from None
    finally:
        service.close()
    print(f"added buyer account {username!r}" + (f" to team {team!r}" if team else ""))
