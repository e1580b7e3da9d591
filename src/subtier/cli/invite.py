"""subtier invite."""

from __future__ import annotations

from typing import Annotated

import typer

from subtier.cli.common import (
    ByOption,
    DatabaseOption,
    PolicyOption,
    app,
    err,
    fail,
)
from subtier.errors import InputError


@app.command()
def invite(
    key: Annotated[str, typer.Argument(help="A saved chain's key.", show_default=False)],
    vendors: Annotated[
        list[str],
        typer.Argument(help="Vendors to invite: organization ids or names.", show_default=False),
    ],
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            help="The vendor's e-mail address, in the order of the vendors; recorded with the "
            "invitation (no mail is sent).",
        ),
    ] = None,
    url: Annotated[
        str, typer.Option("--url", help="Where `subtier serve` is reached, for the links.")
    ] = "http://127.0.0.1:8000",
    database: DatabaseOption = None,
    policy: PolicyOption = None,
    by: ByOption = None,
) -> None:
    """Invite vendors of a saved chain to the disclosure portal: one single-use link each.

    Each vendor is invited for its largest engagement by the chain's buyer (one it is asked
    to disclose for, if it has one), as the dashboard's worklist does. The links are printed
    once; an e-mail address given is recorded with the invitation, and no mail is sent.

    Examples:

        subtier invite biden-q2 acme-voter-contact-llc "LIVE CALLS CO"

        subtier invite biden-q2 acme-voter-contact-llc --email ops@acme.example
    """
    from subtier.app.service import Settings
    from subtier.app.worklist import invite_named
    from subtier.store import actor

    settings = Settings(database=database, policy=policy)
    try:
        done = invite_named(settings, key, vendors, email or [], actor(by))
    except InputError as error:
        raise fail(error) from None
    base = url.rstrip("/")
    for sent in done:
        recorded = f" (e-mail {sent.email} recorded, not sent)" if sent.email else ""
        print(f"{sent.row.name}: {base}/invite/{sent.token}{recorded}")
        invitation = sent.invitation
        err.print(
            f"  until {invitation.expires_at:%Y-%m-%d %H:%M} UTC; due {invitation.due_at:%Y-%m-%d}",
            highlight=False,
        )
