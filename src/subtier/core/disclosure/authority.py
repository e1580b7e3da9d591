"""The portal's authority rule: who may issue, re-issue or withdraw an invitation, and whose
answers a party may change or sign.

Written once, here, and asked by the service for the pages and the API alike:

- An invitation belongs to whoever issued it: the buyer, or the supplier that listed the
  subcontractor it invites.
- Only its issuer, or the buyer (for an invitation at any tier), may issue it again or
  withdraw it.
- A supplier never issues again or withdraws an invitation once the link has been opened: from
  then on the link is the subcontractor's.
- The buyer may issue a new link for an invitation that was opened or claimed: the answers
  saved with it are kept, and whoever opens the new link is told.
- No one issues a new link for a signed disclosure: there is nothing left to answer.
- A party changes and signs only its own answers: those of the invitation its session was
  opened with.

Pure: no HTTP, no database. Each check returns a :class:`Verdict` whose reason is the text
the refused party is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from subtier.errors import SubtierError


class NotYoursError(SubtierError):
    """The caller may not do this to an invitation or answers that are not its own."""


@dataclass(frozen=True)
class Party:
    """Who acts: the buyer (``invitation`` None), or the supplier holding a session of one
    invitation."""

    invitation: int | None = None

    @property
    def is_buyer(self) -> bool:
        return self.invitation is None


BUYER = Party()


def vendor(invitation_id: int) -> Party:
    """The supplier that holds a session of invitation ``invitation_id``."""
    return Party(invitation_id)


@dataclass(frozen=True)
class Link:
    """What the rule needs to know of an invitation that exists."""

    id: int
    issuer: Party  # the buyer, or the supplier whose subcontractor it invites
    opened: bool  # the link was opened or claimed
    claimed: bool
    signed: bool


@dataclass(frozen=True)
class Verdict:
    """Allowed or not, and why in words the party is shown. ``keeps_answers`` says a new link
    replaces one that was claimed: the answers stay, and the next claimant is told."""

    allowed: bool
    reason: str
    keeps_answers: bool = False


def _yes(reason: str, keeps_answers: bool = False) -> Verdict:
    return Verdict(True, reason, keeps_answers)


def _no(reason: str) -> Verdict:
    return Verdict(False, reason)


def issued_by(actor: Party, link: Link) -> bool:
    """The actor issued this invitation."""
    return link.issuer == actor


def may_issue(actor: Party, existing: Link | None, parent: int | None) -> Verdict:
    """A new invitation link, or a new link for an existing invitation.

    The buyer may invite any supplier of its chain, at any tier, and issue a new link for any
    invitation that is not signed; a new link for one that was claimed keeps its answers. A
    supplier may invite its own subcontractors, and issue a new link only for an invitation it
    issued itself that no one has opened yet."""
    if not actor.is_buyer and parent != actor.invitation:
        return _no("only the supplier that listed a subcontractor, or the buyer, can invite it")
    if existing is None:
        return _yes("a first invitation")
    if existing.signed:
        return _no("this disclosure is signed: there is nothing left to answer")
    if actor.is_buyer:
        if existing.claimed or existing.opened:
            return _yes("the buyer replaces a link that was opened; the answers are kept", True)
        return _yes("the buyer replaces a link")
    if not issued_by(actor, existing):
        return _no("the buyer invited this subcontractor: only the buyer can send it a new link")
    if existing.opened or existing.claimed:
        return _no(
            "it has opened its invitation already: a new link would end its session; ask the "
            "buyer if it has lost its link"
        )
    return _yes("its issuer replaces a link that no one has opened")


def may_withdraw(actor: Party, link: Link) -> Verdict:
    """Taking a subcontractor out of one's answers when it has an invitation of its own.

    Only the invitation's issuer (or the buyer) may withdraw it, and never once the link has
    been opened: the subcontractor's own answers are not its buyer's to delete."""
    if not (actor.is_buyer or issued_by(actor, link)):
        return _no("it has been invited by the buyer: it discloses its own part")
    if link.opened or link.claimed or link.signed:
        return _no("it has been invited and has opened its link: it discloses its own part")
    return _yes("its issuer withdraws a link that no one has opened")


def may_change(actor: Party, link: Link) -> Verdict:
    """Changing or signing a disclosure: only the answers of the actor's own invitation, and
    only until they are signed."""
    if actor.invitation != link.id:
        return _no("these answers belong to another party")
    if link.signed:
        return _no("this disclosure is signed; it can no longer change")
    return _yes("its own answers")


def require(verdict: Verdict) -> Verdict:
    """The verdict, if allowed; else :class:`NotYoursError` with its reason."""
    if not verdict.allowed:
        raise NotYoursError(verdict.reason)
    return verdict


__all__ = [
    "BUYER",
    "Link",
    "NotYoursError",
    "Party",
    "Verdict",
    "issued_by",
    "may_change",
    "may_issue",
    "may_withdraw",
    "require",
    "vendor",
]
