"""subtier serve: the web app."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import DatabaseOption, PolicyOption, app, err, errors, fail
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
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes; one a core serves more readers at once. Rate limits are "
            "shared and chain writes take turns across them.",
        ),
    ] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For is believed, comma-separated ('*': any); "
            "default none, so clients are told apart by their own address.",
        ),
    ] = "",
    add_user: Annotated[
        str | None,
        typer.Option(
            "--add-user",
            help="Add a buyer account and exit; the password comes from $SUBTIER_PASSWORD or a prompt.",
            show_default=False,
        ),
    ] = None,
    smtp_host: Annotated[
        str | None,
        typer.Option(
            "--smtp-host",
            envvar="SUBTIER_SMTP_HOST",
            help="SMTP server for invitation and notification e-mails (none: links to copy only).",
            show_default=False,
        ),
    ] = None,
    smtp_port: Annotated[
        int | None,
        typer.Option(
            "--smtp-port",
            envvar="SUBTIER_SMTP_PORT",
            min=1,
            max=65535,
            help="SMTP port (default 25, or 587 with --smtp-starttls).",
            show_default=False,
        ),
    ] = None,
    smtp_from: Annotated[
        str | None,
        typer.Option(
            "--smtp-from",
            envvar="SUBTIER_SMTP_FROM",
            help="From address of the e-mails.",
            show_default=False,
        ),
    ] = None,
    smtp_starttls: Annotated[
        bool | None,
        typer.Option(
            "--smtp-starttls/--no-smtp-starttls",
            help="Upgrade the SMTP connection with STARTTLS (or set SUBTIER_SMTP_STARTTLS=1).",
            show_default=False,
        ),
    ] = None,
    smtp_user: Annotated[
        str | None,
        typer.Option(
            "--smtp-user",
            envvar="SUBTIER_SMTP_USER",
            help="SMTP user name; the password comes from $SUBTIER_SMTP_PASSWORD.",
            show_default=False,
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            envvar="SUBTIER_PUBLIC_URL",
            help="Where buyers reach the app, for the dashboard links in notifications.",
            show_default=False,
        ),
    ] = None,
    notify_attempts: Annotated[
        int,
        typer.Option(
            "--notify-attempts",
            min=1,
            max=50,
            help="Tries per webhook or e-mail before it is marked failed (backoff 30 s, doubling).",
        ),
    ] = 8,
    attachment_mb: Annotated[
        float,
        typer.Option(
            "--attachment-mb",
            min=0.01,
            max=1024,
            help="Largest document a vendor may attach, in MB.",
        ),
    ] = 10.0,
    team: Annotated[
        str | None,
        typer.Option(
            "--team",
            help="With --add-user: the team the account joins (default: the default team).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web app: the buyer's dashboard, the vendor portal and the JSON API (/api/docs).

    With no buyer account and no admin token, it prints a one-time admin token to sign in with.

    Examples:

        subtier serve                                 # http://127.0.0.1:8000/, workspace subtier.db

        subtier serve --add-user alice                # add a buyer account, then exit

        SUBTIER_ADMIN_TOKEN=... subtier serve --host 0.0.0.0 --port 8080 --workers 4

        subtier serve --smtp-host mail.example.com --smtp-starttls --smtp-from portal@example.com
        subtier serve --forwarded-allow-ips 10.0.0.5  # behind a reverse proxy at 10.0.0.5
    """
    from sqlalchemy.exc import SQLAlchemyError

    from subtier.extras import MissingExtraError, require_extra

    try:
        require_extra("web")
    except MissingExtraError as error:
        raise fail(error) from None
    from subtier.app.mail import smtp_from_environment
    from subtier.app.notify import NotifySettings
    from subtier.web import Settings
    from subtier.web import serve as run_server

    if team is not None and add_user is None:
        raise fail(InputError("--team goes with --add-user: the team the new account joins"))
    account = None
    if add_user is not None:
        password = os.environ.get("SUBTIER_PASSWORD") or typer.prompt(
            f"password for {add_user}", hide_input=True, confirmation_prompt=True
        )
        account = (add_user, password)
    try:
        smtp = smtp_from_environment(smtp_host, smtp_port, smtp_from, smtp_starttls, smtp_user)
    except InputError as error:
        raise fail(error) from None
    settings = Settings(
        database=database,
        policy=policy,
        admin_token=admin_token,
        secure_cookies=secure_cookies,
        threads=threads,
        workers=workers,
        notify=NotifySettings(smtp=smtp, attempts=notify_attempts, public_url=public_url),
        attachment_limit=int(attachment_mb * 1024 * 1024),
        forwarded_allow_ips=tuple(p.strip() for p in forwarded_allow_ips.split(",") if p.strip()),
    )
    try:
        run_server(settings, host=host, port=port, say=err.print, add_user=account, team=team)
    except InputError as error:
        raise fail(error) from None
    except SQLAlchemyError as error:
        errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None
