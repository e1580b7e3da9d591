"""The JSON API. Callers authenticate with a bearer token, never a cookie, so no request can be
forged from another site. Buyers use the admin token or a token from ``POST /api/sessions``;
vendors use the token ``POST /api/portal/claim`` gives for an invitation.

One file because every route of the API is declared here beside the others, so that their
authentication and error shapes are seen together; what the routes do is in ``subtier.app``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Query as Query_
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from subtier.app.dashboard import (
    Query,
    parse_chain_query,
    parse_query,
    rows,
    select,
    select_chains,
)
from subtier.app.service import ChainView, InvitationRow, NotFoundError, Principal
from subtier.core.disclosure import answers as dis
from subtier.core.disclosure.answers import Disclosure
from subtier.core.model import Per
from subtier.core.review import Decision
from subtier.report.json import finding_dict, wage_dict
from subtier.store.portal import Attestation, VersionRow
from subtier.web import exports
from subtier.web.common import on_loop, service

T = TypeVar("T")
router = APIRouter(prefix="/api")
bearer = HTTPBearer(auto_error=False, description="A buyer's or a vendor's session token.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token for this kind of caller."},
    404: {"description": "No such object, or not yours."},
    422: {"description": "Invalid input: a message per field."},
}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignIn(_In):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class Claim(_In):
    token: str = Field(min_length=1, max_length=200, description="The invitation link's token.")


class TokenOut(_Out):
    token: str
    kind: str


class ChainIn(_In):
    name: str = Field(min_length=1, max_length=200)
    buyer: str = Field(min_length=1, max_length=200, description="Your organization's name.")
    key: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")


class ChainOut(_Out):
    key: str
    name: str
    version: int
    updated: datetime
    findings: dict[str, int]
    new: int = Field(0, description="Open findings new since this account last opened it.")


class PriceIn(_In):
    """The buyer's own price to one of its tier-1 vendors."""

    amount: float = Field(ge=0, lt=1e12)
    per: Per = Per.TOTAL
    currency: str = Field("USD", pattern=r"^[A-Za-z]{3}$")


class InviteIn(_In):
    """Either an existing engagement, or a new supplier of the root buyer with its service."""

    engagement: str | None = Field(default=None, max_length=200)
    supplier: str | None = Field(default=None, max_length=200)
    service: str | None = Field(default=None, max_length=200)
    email: str | None = Field(
        default=None, max_length=254, description="E-mail the link here (needs --smtp-host)."
    )


class MailOut(_Out):
    """How the e-mail with the link went: delivered, or pending a retry, or failed."""

    to: str
    status: str
    attempts: int
    error: str | None


class InvitationOut(_Out):
    id: int
    engagement: str
    supplier: str
    supplier_name: str
    buyer_name: str
    service: str
    status: str
    parent: int | None
    expires_at: datetime
    due_at: datetime
    opened_at: datetime | None
    submitted_at: datetime | None
    signed_by: str | None
    attested_hash: str | None


class LinkOut(_Out):
    invitation: InvitationOut
    token: str = Field(description="Shown once: only its hash is kept.")
    path: str
    mail: MailOut | None = None


class ReviewOut(_Out):
    """The review decision in force on a finding (made on the evidence it has now)."""

    decision: str = Field(description="dismiss or confirm")
    reason: str
    by: str
    at: str


class FindingOut(_Out):
    ref: str = Field(description="The finding's short handle, stable across runs.")
    rule: str
    severity: str
    subject: dict[str, str]
    path: list[str]
    path_names: list[str]
    summary: str
    evidence: list[dict[str, Any]]
    new: bool = Field(description="New since this account last opened the chain's page.")
    review: ReviewOut | None = Field(description="Dismissed or confirmed, if it is.")
    tier: int = Field(0, description="Engagements between the root buyer and the subject.")
    vendor: str = Field("", description="The tier-1 vendor it is reached through, by name.")
    first_seen: datetime | None = Field(None, description="When it was first found.")


class ReviewIn(_In):
    decision: Literal["dismiss", "confirm"]
    reason: str = Field(min_length=1, max_length=2000)


class VersionOut(_Out):
    version: int
    created_at: datetime
    created_by: str
    source: str | None
    content_hash: str
    findings: int | None


class DashboardOut(_Out):
    key: str
    name: str
    version: int
    findings: list[FindingOut]
    wages: list[dict[str, Any]]
    invitations: list[InvitationOut]
    history: list[VersionOut]


class SignedOut(_Out):
    name: str
    title: str
    signed_on: str
    statement: str
    content_hash: str
    at: datetime


class PortalOut(_Out):
    buyer: str
    supplier: str
    service: str
    status: str
    due_at: datetime
    disclosure: Disclosure
    missing: dict[str, str]
    statement: str
    signed: SignedOut | None
    subcontractor_invitations: list[InvitationOut]


def api_buyer(request: Request, credentials: Credentials) -> Principal:
    """The buyer; on a chain's route (``{key}``), only for a chain of its team (else 404)."""
    svc = service(request)
    found = svc.buyer(credentials.credentials if credentials else None, bearer=True)
    if found is None:
        raise HTTPException(401, "a buyer's token is needed", {"WWW-Authenticate": "Bearer"})
    key = request.path_params.get("key")
    if key is not None:
        svc.may_see(found, str(key))
    return found


def api_vendor(request: Request, credentials: Credentials) -> Principal:
    found = service(request).vendor(credentials.credentials if credentials else None)
    if found is None or found.invitation is None:
        raise HTTPException(401, "a vendor's token is needed", {"WWW-Authenticate": "Bearer"})
    return found


Buyer = Annotated[Principal, Depends(on_loop(api_buyer))]
Vendor = Annotated[Principal, Depends(on_loop(api_vendor))]


def _invitation(row: InvitationRow) -> InvitationOut:
    inv = row.invitation
    return InvitationOut(
        id=inv.id, engagement=inv.engagement, supplier=inv.supplier, supplier_name=row.supplier,
        buyer_name=row.buyer, service=row.service, status=row.status, parent=inv.parent_id,
        expires_at=inv.expires_at, due_at=inv.due_at, opened_at=inv.opened_at,
        submitted_at=inv.submitted_at, signed_by=row.signed.name if row.signed else None,
        attested_hash=row.signed.content_hash if row.signed else None,
    )  # fmt: skip


def _version(v: VersionRow) -> VersionOut:
    return VersionOut(
        version=v.version, created_at=v.created_at, created_by=v.created_by, source=v.source,
        content_hash=v.content_hash, findings=v.findings,
    )  # fmt: skip


def _signed(a: Attestation | None) -> SignedOut | None:
    if a is None:
        return None
    return SignedOut(
        name=a.name, title=a.title, signed_on=a.signed_on, statement=a.statement,
        content_hash=a.content_hash, at=a.at,
    )  # fmt: skip


def _review(d: Decision | None) -> ReviewOut | None:
    if d is None:
        return None
    return ReviewOut(decision=d.decision, reason=d.reason, by=d.by, at=d.at)


def _dashboard(view: ChainView, query: Query | None = None) -> DashboardOut:
    findings = [
        FindingOut(
            **finding_dict(r.finding),
            ref=r.ref,
            path_names=[view.name(n) for n in r.finding.path],
            new=r.new,
            review=_review(view.reviews.get(r.index)),
            tier=r.tier,
            vendor=r.vendor,
            first_seen=r.first_seen,
        )
        for r in (select(view, query) if query is not None else rows(view))
    ]
    return DashboardOut(
        key=view.key, name=view.chain.name, version=view.version.version, findings=findings,
        wages=[wage_dict(w) for w in view.wages],
        invitations=[_invitation(r) for r in view.invitations],
        history=[_version(v) for v in view.history],
    )  # fmt: skip


# Buyers ---------------------------------------------------------------------------------------


# In the thread pool, not on the loop (common.on_loop): scrypt waits without the GIL.
@router.post("/sessions", status_code=201, responses={401: ERRORS[401], 429: {}})
def sign_in(request: Request, body: SignIn) -> TokenOut:
    """A buyer's session token for a user name and password."""
    token = service(request).sign_in(body.username, body.password)
    if token is None:
        raise HTTPException(401, "wrong user name or password")
    return TokenOut(token=token, kind="buyer")


def _query(request: Request, parse: Callable[[Iterable[tuple[str, str]]], T]) -> T:
    return parse(request.query_params.multi_items())


@router.get("/chains", responses={401: ERRORS[401], 422: ERRORS[422]})
@on_loop
def chains(
    request: Request, p: Buyer, q: str = "", severity: str = "", rule: str = "",
    vendor: str = "", new: str = "", sort: Literal["severity", "name", "date", "new"] = "severity",
) -> list[ChainOut]:  # fmt: skip
    """Your team's chains (every chain, for the admin token), with the latest version and
    findings by severity. ``q`` searches names and keys; ``severity`` keeps chains with open
    findings at or above it, ``rule`` those with an open finding of the rule, ``vendor`` those
    with an organization whose name or id has the text; ``new=1`` those with findings new
    since this account last opened them."""
    query = _query(request, parse_chain_query)
    svc = service(request)
    return [
        ChainOut(key=c.key, name=c.name, version=c.version, updated=c.updated, findings=c.counts,
                 new=c.new)
        for c in select_chains(svc.chains(viewer=p.viewer, principal=p), query, svc.parties)
    ]  # fmt: skip


@router.post("/chains", status_code=201, responses=ERRORS)
@on_loop
def create_chain(request: Request, body: ChainIn, p: Buyer) -> DashboardOut:
    """Start a chain with your organization as its root buyer."""
    svc = service(request)
    key = svc.create_chain(body.name, body.buyer, body.key, p.name, team=p.team)
    return _dashboard(svc.view(key))


@router.get("/chains/{key}", responses=ERRORS)
@on_loop
def chain(
    request: Request, key: str, p: Buyer, q: str = "",
    severity: Annotated[list[str] | None, Query_()] = None, rule: str = "", vendor: str = "",
    new: str = "", sort: Literal["severity", "tier", "vendor", "date"] = "severity",
    since: Annotated[int | None, Query_(ge=0)] = None,
) -> DashboardOut:  # fmt: skip
    """The dashboard of a chain: findings with their paths, review decisions, money flow,
    disclosure, history. ``new`` is against this account's last visit to the chain's page
    (or against run ``since``). The findings can be searched (``q``), filtered (``severity``,
    repeated or comma-separated; ``rule``; ``vendor``, an organization id on the path;
    ``new=1``) and sorted (``sort``), as on the page."""
    query = _query(request, parse_query)
    return _dashboard(service(request).view(key, viewer=p.viewer, since=since), query)


@router.get(
    "/chains/{key}/findings.csv", responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
    response_class=Response,
)  # fmt: skip
@on_loop
def findings_csv(request: Request, key: str, p: Buyer) -> Response:
    """The chain's findings as CSV, with the filters of ``GET /api/chains/{key}``; cells that
    a spreadsheet would run as formulas are quoted."""
    return exports.csv_response(service(request), p, key, request)


# In the thread pool, not on the loop (common.on_loop): rendering a PDF takes long.
@router.get(
    "/chains/{key}/report.pdf", responses={**ERRORS, 200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)  # fmt: skip
def report_pdf(request: Request, key: str, p: Buyer) -> Response:
    """The chain's report as PDF, as `subtier report --format pdf` renders it."""
    return exports.pdf_response(service(request), key, p.name)


@router.put("/chains/{key}/engagements/{engagement}/price", responses=ERRORS)
@on_loop
def set_price(request: Request, key: str, engagement: str, body: PriceIn, p: Buyer) -> DashboardOut:
    """Your own price to one of your tier-1 vendors: a new version of the chain, checked, with
    the engagement's source saying it was entered by your account."""
    svc = service(request)
    svc.set_price(key, engagement, body.amount, body.per, body.currency.upper(), p.name)
    return _dashboard(svc.view(key, viewer=p.viewer))


@router.post("/chains/{key}/findings/{ref}/review", status_code=201, responses=ERRORS)
@on_loop
def review(request: Request, key: str, ref: str, body: ReviewIn, p: Buyer) -> DashboardOut:
    """Dismiss or confirm a finding of the chain's latest run, with a reason, as `subtier
    review` does; a dismissed finding is no longer counted until its evidence changes."""
    svc = service(request)
    svc.decide(key, ref, body.decision, body.reason, p.name)
    return _dashboard(svc.view(key, viewer=p.viewer))


# In the thread pool, not on the loop (common.on_loop): it may wait on the mail server.
@router.post("/chains/{key}/invitations", status_code=201, responses=ERRORS)
def invite(request: Request, key: str, body: InviteIn, p: Buyer) -> LinkOut:
    """Invite the supplier of an engagement (or add a supplier and invite it). Inviting again
    issues a new link; the old one stops working."""
    svc = service(request)
    base, email = str(request.base_url).rstrip("/"), body.email or None
    if body.engagement:
        invitation, token = svc.invite(key, body.engagement, p.name, email=email, base_url=base)
    else:
        invitation, token = svc.add_supplier(
            key, body.supplier or "", body.service or "", p.name, email=email, base_url=base
        )
    row = next(r for r in svc.view(key).invitations if r.invitation.id == invitation.id)
    sent = svc.invitation_mail(invitation.id) if email else None
    mail = MailOut(to=sent.target, status=sent.status, attempts=sent.attempts,
                   error=sent.last_error) if sent else None  # fmt: skip
    return LinkOut(invitation=_invitation(row), token=token, path=f"/invite/{token}", mail=mail)


# Vendors --------------------------------------------------------------------------------------


@router.post("/portal/claim", status_code=201, responses={404: ERRORS[404], 429: {}})
@on_loop
def claim(request: Request, body: Claim) -> TokenOut:
    """Use an invitation token, once: a vendor session token for its portal."""
    token = service(request).claim(body.token)
    if token is None:
        raise HTTPException(404, "this invitation cannot be used: expired, used or replaced")
    return TokenOut(token=token, kind="vendor")


def _portal(request: Request, p: Principal) -> PortalOut:
    assert p.invitation is not None
    svc = service(request)
    v = svc.portal_view(p.invitation)
    return PortalOut(
        buyer=v.buyer, supplier=v.supplier, service=v.service, status=v.status,
        due_at=v.invitation.due_at, disclosure=v.disclosure, missing=v.missing,
        statement=v.statement, signed=_signed(v.attestation),
        subcontractor_invitations=[_invitation(r) for r in v.children.values()],
    )  # fmt: skip


def _edit(request: Request, p: Principal, edit: dis.Edit) -> PortalOut:
    assert p.invitation is not None
    service(request).change(p.invitation, edit)
    return _portal(request, p)


@router.get("/portal", responses=ERRORS)
@on_loop
def portal(request: Request, p: Vendor) -> PortalOut:
    """Your engagement and your disclosure so far."""
    return _portal(request, p)


@router.post("/portal/subcontractors", responses={**ERRORS, 409: {}})
@on_loop
def add_subcontractor(request: Request, body: dis.SubcontractorIn, p: Vendor) -> PortalOut:
    """Add a subcontractor; the chain gains a version and is checked."""
    return _edit(request, p, lambda d, _s, taken: dis.add_subcontractor(d, body, taken))


@router.delete("/portal/subcontractors/{ident}", responses={**ERRORS, 403: {}, 409: {}})
@on_loop
def remove_subcontractor(request: Request, ident: str, p: Vendor) -> PortalOut:
    """Take a subcontractor out (404 if there is none such). One that was invited goes only
    if you invited it and no one has opened its link: then the invitation goes too."""
    assert p.invitation is not None
    service(request).remove_subcontractor(p.invitation, ident)
    return _portal(request, p)


@router.post("/portal/no-subcontractors", responses={**ERRORS, 409: {}})
@on_loop
def no_subcontractors(request: Request, p: Vendor) -> PortalOut:
    """Answer that you have no subcontractors for this work."""
    return _edit(request, p, lambda d, _s, _t: dis.declare_none(d))


# In the thread pool, not on the loop (common.on_loop): it may wait on the mail server.
@router.post(
    "/portal/subcontractors/{ident}/invitation", status_code=201, responses={**ERRORS, 403: {}}
)
def invite_subcontractor(request: Request, ident: str, p: Vendor) -> LinkOut:
    """The cascade: invite one of your subcontractors to disclose its own part. A new link
    for one you invited ends the old one, until the subcontractor opens it; 403 after that,
    or for one the buyer invited."""
    assert p.invitation is not None
    svc = service(request)
    invitation, token = svc.invite_subcontractor(p.invitation, ident)
    row = svc.portal_view(p.invitation).children[invitation.supplier]
    return LinkOut(invitation=_invitation(row), token=token, path=f"/invite/{token}")


@router.post("/portal/sites", responses={**ERRORS, 409: {}})
@on_loop
def add_site(request: Request, body: dis.SiteIn, p: Vendor) -> PortalOut:
    return _edit(request, p, lambda d, _s, taken: dis.add_site(d, body, taken))


def _exists(request: Request, p: Principal, kind: str, ident: str) -> None:
    """A DELETE of something not in your disclosure is not found (404), not invalid."""
    assert p.invitation is not None
    d = service(request).disclosure(p.invitation)
    held = {"site": {s.id for s in d.sites}, "workforce": {w.id for w in d.workforces}}[kind]
    if ident not in held:
        raise NotFoundError(f"no such {kind}")


@router.delete("/portal/sites/{ident}", responses={**ERRORS, 409: {}})
@on_loop
def remove_site(request: Request, ident: str, p: Vendor) -> PortalOut:
    _exists(request, p, "site", ident)
    return _edit(request, p, lambda d, _s, _t: dis.remove_site(d, ident))


@router.post("/portal/workforces", responses={**ERRORS, 409: {}})
@on_loop
def add_workforce(request: Request, body: dis.WorkforceIn, p: Vendor) -> PortalOut:
    return _edit(request, p, lambda d, scope, taken: dis.add_workforce(d, body, scope, taken))


@router.delete("/portal/workforces/{ident}", responses={**ERRORS, 409: {}})
@on_loop
def remove_workforce(request: Request, ident: str, p: Vendor) -> PortalOut:
    _exists(request, p, "workforce", ident)
    return _edit(request, p, lambda d, _s, _t: dis.remove_workforce(d, ident))


@router.post("/portal/attestation", status_code=201, responses={**ERRORS, 409: {}})
@on_loop
def attest(request: Request, body: dis.AttestationIn, p: Vendor) -> SignedOut:
    """Sign the disclosure. Stored with the SHA-256 of what was signed; no change after."""
    assert p.invitation is not None
    signed = _signed(service(request).attest(p.invitation, body))
    assert signed is not None
    return signed
