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
    from subtier.app.service import NotFoundError
    from subtier.core.disclosure.answers import FormError
    from subtier.store import actor
    from subtier.web import Service, Settings
    from subtier.web.worklist import engagements_for, invite_vendors

    addresses = email or []
    if len(addresses) > len(vendors):
        raise fail(InputError("more --email addresses than vendors"))
    svc = Service(Settings(database=database, policy=policy))
    try:
        chosen = engagements_for(svc, key, vendors)
        emails = dict(zip(chosen, addresses, strict=False))
        done = invite_vendors(svc, key, chosen, actor(by), emails)
    except (NotFoundError, InputError) as error:
        raise fail(InputError(str(error))) from None
    except FormError as error:
        raise fail(InputError("; ".join(error.errors.values()))) from None
    finally:
        svc.close()
    base = url.rstrip("/")
    for row, invitation, token in done:
        to = emails.get(row.engagement)
        sent = f" (e-mail {to} recorded, not sent)" if to else ""
        print(f"{row.name}: {base}/invite/{token}{sent}")
        err.print(
            f"  until {invitation.expires_at:%Y-%m-%d %H:%M} UTC; due {invitation.due_at:%Y-%m-%d}",
            highlight=False,
        )
