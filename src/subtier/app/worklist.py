"""The worklist of a saved chain: its vendors with what is missing from each, and inviting the
ones chosen in one step.

Built on :class:`~subtier.app.service.Service` without changing it: the rows come from the
saved chain (:func:`subtier.fec.worklist.from_chain`), each invitation is the service's own
(:meth:`Service.invite`), and an e-mail address given for a vendor is recorded in the audit
trail beside the link. No mail is sent: the link is shown, to be sent by the buyer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from subtier.app.service import InvitationRow, NotFoundError, Service, Settings
from subtier.core.disclosure.answers import FormError
from subtier.errors import InputError
from subtier.fec.records import money
from subtier.fec.worklist import ChainRow, from_chain
from subtier.store.portal import Invitation

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class WorkRow:
    row: ChainRow
    invitation: InvitationRow | None  # the latest invitation for its engagement, if any

    @property
    def paid(self) -> str:
        return money(self.row.cents) if self.row.cents is not None else "-"

    @property
    def missing(self) -> tuple[str, ...]:
        signed = self.invitation is not None and self.invitation.signed is not None
        extra = () if signed or not self.row.asked else ("signed attestation",)
        return (*self.row.missing, *extra)


@dataclass(frozen=True)
class Invited:
    name: str
    supplier: str
    url: str
    email: str


def worklist(svc: Service, key: str) -> list[WorkRow]:
    """The chain's worklist, each row with its latest invitation."""
    view = svc.view(key)
    latest: dict[str, InvitationRow] = {}
    for inv in view.invitations:
        latest[inv.invitation.engagement] = inv
    return [WorkRow(r, latest.get(r.engagement)) for r in from_chain(view.chain)]


def invite_vendors(
    svc: Service, key: str, engagements: list[str], by: str,
    emails: dict[str, str] | None = None, base_url: str = "",
) -> list[tuple[ChainRow, Invitation, str]]:  # fmt: skip
    """Invite the suppliers of the engagements given; the tokens are returned once.

    With a mail server set up and the address the links start with (``base_url``), each link
    given an address is e-mailed there, as the chain page's invitation form does; without
    either, the address is recorded in the audit trail as not sent. Every address is checked
    before anyone is invited."""
    rows = {r.engagement: r for r in from_chain(svc.view(key).chain)}
    unknown = [e for e in engagements if e not in rows]
    if not engagements or unknown:
        raise FormError({"engagement": "choose vendors of this chain's worklist"})
    addresses = {e: a for e, a in (emails or {}).items() if a}
    for address in addresses.values():
        if not EMAIL.fullmatch(address):
            raise FormError({"engagement": f"not an e-mail address: {address!r}"})
    send = svc.settings.notify.smtp is not None and bool(base_url)
    if send:
        for address in addresses.values():
            svc.notifier.check_invitation_address(address)
    out = []
    for engagement in dict.fromkeys(engagements):
        address = addresses.get(engagement, "")
        if send and address:
            invitation, token = svc.invite(key, engagement, by, email=address, base_url=base_url)
        else:
            invitation, token = svc.invite(key, engagement, by)
            if address:
                svc.workspace.log(
                    "portal.invite.email", f"{key} {engagement}",
                    {"invitation": invitation.id, "to": address, "sent": False}, by=by,
                )  # fmt: skip
        out.append((rows[engagement], invitation, token))
    return out


def engagements_for(svc: Service, key: str, vendors: list[str]) -> list[str]:
    """Each vendor (an organization id or name) as the engagement to invite it for: its
    largest engagement by the chain's buyer, one it is asked for if it has one."""
    rows = from_chain(svc.view(key).chain)
    out: list[str] = []
    for vendor in vendors:
        wanted = vendor.strip().casefold()
        found = [r for r in rows if wanted in (r.supplier.casefold(), r.name.casefold())]
        if not found:
            raise NotFoundError(f"no vendor {vendor!r} on the worklist of {key!r}")
        out.append(found[0].engagement)  # rows are asked first, then by money
    return out


@dataclass(frozen=True)
class Sent:
    """One vendor invited from the command line: its worklist row, invitation, link token and
    the e-mail address recorded with it."""

    row: ChainRow
    invitation: Invitation
    token: str
    email: str | None


def invite_named(
    settings: Settings, key: str, vendors: list[str], emails: list[str], by: str
) -> list[Sent]:
    """``subtier invite``: each named vendor of a saved chain invited for its largest
    engagement by the chain's buyer, the e-mail addresses (in the vendors' order) recorded."""
    if len(emails) > len(vendors):
        raise InputError("more --email addresses than vendors")
    svc = Service(settings)
    try:
        chosen = engagements_for(svc, key, vendors)
        by_engagement = dict(zip(chosen, emails, strict=False))
        done = invite_vendors(svc, key, chosen, by, by_engagement, settings.notify.public_url or "")
    except NotFoundError as error:
        raise InputError(str(error)) from None
    except FormError as error:
        raise InputError("; ".join(error.errors.values())) from None
    finally:
        svc.close()
    return [Sent(row, inv, token, by_engagement.get(row.engagement)) for row, inv, token in done]
