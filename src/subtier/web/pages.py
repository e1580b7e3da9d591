"""Server-rendered pages: the buyer's dashboard and the vendor portal. No JavaScript.

Every form carries a CSRF token: the session's own once signed in, else one bound to a cookie.
Handlers are plain functions run in the thread pool, since the store is synchronous.

One file because the routes share the sign-in, CSRF and error handling declared at its top; what
they do is in ``subtier.app``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from subtier.app.dashboard import (
    ChainQuery,
    Query,
    Row,
    filter_context,
    parse_chain_query,
    parse_query,
    select_chains,
    since_param,
)
from subtier.app.security import new_token, same
from subtier.app.service import ChainView, LockedError, NotFoundError, Principal, Service
from subtier.core.disclosure import answers as dis
from subtier.core.disclosure.answers import FormError
from subtier.core.disclosure.authority import NotYoursError
from subtier.core.model import WORKER, Labor, Per
from subtier.store.attachments import KINDS
from subtier.store.portal import Invitation, VersionRow
from subtier.web.common import cookie_name, on_loop, secure, service
from subtier.web.flash import Links, NewLink

SESSION, PORTAL, CSRF = "subtier_session", "subtier_portal", "subtier_csrf"
BAD_LINK = (
    "This invitation link cannot be used: it has expired, it was used already, or a newer "
    "link replaced it. Ask whoever invited you for a new one."
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("subtier.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


# Stand for the session's CSRF token and the run "new" is measured against in a cached page;
# random, so they never occur by chance.
CSRF_MARK = new_token()
SINCE_MARK = new_token()
FINDINGS_MARK = new_token()  # where the findings go in a kept page
_rows: dict[int, tuple[VersionRow, str]] = {}  # a history row's HTML, by the row's id()
_rows_lock = threading.Lock()
V = TypeVar("V")


class PageCache(Generic[V]):
    """Rendered pages (or parts of them) by what they were rendered from; the least recently
    used go first."""

    def __init__(self, size: int = 48) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, key: Hashable, parts: V) -> None:
        with self._lock:
            self._pages[key] = parts
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


# Each finding's article as rendered, by what it shows (``finding_article``).
_articles: PageCache[Markup] = PageCache(4096)


@pass_context
def finding_article(context: Context, r: Row) -> Markup:
    """One finding of the chain page. A new version re-renders the page, but most of its
    findings are as they were: each one's article is kept by what it shows, the finding whole,
    the names it is shown with, its row and its review. A page answering a form (errors, or a
    session's own CSRF token in place of the mark) renders its findings afresh."""
    view: ChainView = context["view"]
    errors, values, csrf = context.get("errors") or {}, context.get("values") or {}, context["csrf"]
    t, f = view.tracked[r.index], r.finding
    local = {"view": view, "r": r, "errors": errors, "values": values, "csrf": csrf}
    form = f"review-{t.ref}"
    kept = csrf == CSRF_MARK and not errors.get(form) and not values.get(form)
    key = (
        view.key, t.ref, orjson.dumps(t.body, option=orjson.OPT_SORT_KEYS),
        view.name(f.subject_id), view.path(f.path), r.new, r.tier, r.vendor, r.first_seen,
        view.reviews.get(r.index),
    ) if kept else None  # fmt: skip
    found = _articles.get(key) if key is not None else None
    if found is None:
        found = Markup(templates.get_template("_finding.html").render(local).strip())
        if key is not None:
            _articles.put(key, found)
    return found


templates.env.globals["finding_article"] = finding_article


class SignInRequiredError(Exception):
    """A buyer page without a buyer session: GET goes to the sign-in page, anything else 401."""


class PortalSessionRequiredError(Exception):
    """A vendor page without a vendor session."""


async def form_values(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v.strip() for k, v in data.items() if isinstance(v, str)}


Form = Annotated[dict[str, str], Depends(form_values)]


def _check_csrf(values: dict[str, str], expected: str | None) -> None:
    if not same(values.pop("csrf", None), expected):
        raise HTTPException(403, "The form expired or did not come from this site; reload the page and try again.")  # fmt: skip


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {"errors": {}, "values": {}, **context}
    set_cookie = None
    if "csrf" not in context:
        # Before a session exists, the token is tied to a cookie (double submit).
        set_cookie = request.cookies.get(cookie_name(request, CSRF)) or new_token()
        context["csrf"] = set_cookie
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if set_cookie is not None:
        response.set_cookie(
            cookie_name(request, CSRF), set_cookie, httponly=True, secure=secure(request),
            samesite="strict", path="/",
        )  # fmt: skip
    return response


def message(
    request: Request, status: int, heading: str, text: str, link: str = "", link_text: str = ""
) -> Response:
    return render(
        request, "message.html",
        {"heading": heading, "message": text, "link": link, "link_text": link_text,
         "csrf": ""},
        status,
    )  # fmt: skip


# Buyers ---------------------------------------------------------------------------------------


def buyer(request: Request) -> Principal:
    """The buyer signed in; on a chain's route (``{key}``), only for a chain of its team."""
    svc = service(request)
    found = svc.buyer(request.cookies.get(cookie_name(request, SESSION)))
    if found is None or found.session is None:
        raise SignInRequiredError()
    key = request.path_params.get("key")
    if key is not None:
        svc.may_see(found, str(key))
    return found


Buyer = Annotated[Principal, Depends(on_loop(buyer))]


def _buyer_context(p: Principal) -> dict[str, Any]:
    assert p.session is not None
    return {"principal": p, "csrf": p.session.csrf, "home": "/chains"}


@router.get("/")
@on_loop
def home() -> Response:
    return RedirectResponse("/chains", 303)


@router.get("/signin")
@on_loop
def signin_page(request: Request, next: str = "/chains") -> Response:
    return render(request, "signin.html", {"next": _local(next)})


# In the thread pool, not on the loop (common.on_loop): scrypt waits without the GIL.
@router.post("/signin")
def signin(request: Request, values: Form) -> Response:
    _check_csrf(values, request.cookies.get(cookie_name(request, CSRF)))
    svc = service(request)
    token = None
    if values.get("admin_token"):
        token = svc.sign_in_admin(values["admin_token"])
    elif values.get("username") and values.get("password"):
        token = svc.sign_in(values["username"], values["password"])
    if token is None:
        return render(
            request, "signin.html",
            {"next": _local(values.get("next", "")),
             "errors": {"signin": {"form": "Wrong user name, password or token."}},
             "values": {"signin": {"username": values.get("username", "")}}},
            401,
        )  # fmt: skip
    response = RedirectResponse(_local(values.get("next", "")), 303)
    response.set_cookie(
        cookie_name(request, SESSION), token, httponly=True, secure=secure(request),
        samesite="lax", path="/", max_age=int(svc.settings.session_hours * 3600),
    )  # fmt: skip
    return response


@router.post("/signout")
@on_loop
def signout(request: Request, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    service(request).sign_out(request.cookies.get(cookie_name(request, SESSION), ""))
    response = RedirectResponse("/signin", 303)
    response.delete_cookie(cookie_name(request, SESSION), path="/", secure=secure(request))
    return response


def _chains_context(request: Request, p: Principal) -> dict[str, Any]:
    """The chain list, searched, filtered and sorted as the GET parameters ask."""
    errors = {}
    try:
        query = parse_chain_query(request.query_params.multi_items())
    except FormError as error:
        query, errors = ChainQuery(), {"filter": error.errors}
    svc = service(request)
    every = svc.chains(viewer=p.viewer, principal=p)
    return {
        **_buyer_context(p), "chains": select_chains(every, query, svc.parties),
        "total": len(every), "query": query, "errors": errors,
        "rules": sorted({r for c in every for r in c.rules}),
    }  # fmt: skip


@router.get("/chains")
@on_loop
def chains_page(request: Request, p: Buyer) -> Response:
    context = _chains_context(request, p)
    return render(request, "chains.html", context, 422 if context["errors"] else 200)


@router.post("/chains")
@on_loop
def create_chain(request: Request, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    try:
        key = svc.create_chain(
            values.get("name", ""), values.get("buyer", ""), values.get("key"), p.name,
            team=p.team,
        )  # fmt: skip
    except FormError as error:
        return render(
            request, "chains.html",
            {**_chains_context(request, p), "errors": {"chain": error.errors},
             "values": {"chain": values}},
            422,
        )  # fmt: skip
    return RedirectResponse(f"/chains/{quote(key)}", 303)


# Versions listed on the dashboard, newest first; the history page lists them all. A chain
# disclosed to by many vendors gathers thousands, and the page would carry them all each time.
HISTORY_SHOWN = 20


def _dashboard(
    request: Request, p: Principal, key: str, status: int = 200, **extra: Any
) -> Response:
    assert p.session is not None
    try:
        query = parse_query(request.query_params.multi_items())
        since = since_param(request.query_params.get("since"))
    except FormError as error:
        query, since = Query(), None
        status, extra = 422, {**extra, "errors": {"filter": error.errors}}
    # Findings are new since this account last saw the chain, and it now has.
    view = service(request).view(key, viewer=p.viewer, mark_seen=True, since=since)
    if status != 200 or extra:  # a form's answer: rendered for this one response
        return render(request, "chain.html", _dashboard_context(p, view, query, extra), status)
    # The page is the same for every buyer of the same name, but for the session's CSRF token:
    # it is rendered once per state of the chain and query with a marker in the token's place.
    # So is the run "new" was measured against, which changes on every visit after a new run
    # while the findings new on the page stay the same. The findings, which the query selects,
    # are kept apart from the rest of the page, which is the same for every query.
    pages: PageCache[list[bytes]] = request.app.state.pages
    shell_key = ("page", view.stamp, tuple(view.invitations), p.name)
    shell = pages.get(shell_key)
    if shell is None:
        context = {"errors": {}, "values": {},
                   **_dashboard_context(p, view, None, {}),
                   "findings_section": Markup(FINDINGS_MARK), "csrf": CSRF_MARK,
                   "request": request}  # fmt: skip
        shell = _parts(templates.get_template("chain.html").render(context))
        pages.put(shell_key, shell)
    findings_key = ("findings", view.stamp, p.name, query)
    findings = pages.get(findings_key)
    if findings is None:
        context = {"errors": {}, "values": {}, "view": view,
                   **filter_context(view, query, SINCE_MARK), "csrf": CSRF_MARK}  # fmt: skip
        findings = _parts(templates.get_template("_findings.html").render(context))
        pages.put(findings_key, findings)
    csrf = p.session.csrf.encode("ascii")
    page = csrf.join(shell).replace(FINDINGS_MARK.encode("ascii"), csrf.join(findings), 1)
    return Response(
        page.replace(SINCE_MARK.encode("ascii"), str(view.since or 0).encode("ascii")),
        media_type="text/html",
    )


def _parts(html: str) -> list[bytes]:
    """A page kept, split where the session's CSRF token goes."""
    return html.encode("utf-8").split(CSRF_MARK.encode("ascii"))


def _dashboard_context(
    p: Principal, view: ChainView, query: Query | None, extra: dict[str, Any]
) -> dict[str, Any]:
    """The chain page's context; with no ``query``, without its findings (rendered apart)."""
    counts = view.counts()
    open_options = [
        (e.id, f"{view.name(e.buyer)} → {view.name(e.supplier)}: {e.service or e.id}")
        for e in view.uninvited()
    ]
    return {
        **_buyer_context(p), "view": view, "svg": Markup(view.svg), "counts": counts,
        "open_options": open_options,
        **(filter_context(view, query) if query is not None else {}),
        # The buyer's own engagements, which it prices itself.
        "own_engagements": [e for e in view.chain.engagements if e.buyer == view.chain.root],
        "per_options": [x.value for x in Per],
        "history_rows": _history_rows(view.history[:HISTORY_SHOWN]),
        "history_more": max(0, len(view.history) - HISTORY_SHOWN), **extra,
    }  # fmt: skip


def _history_rows(history: Sequence[VersionRow]) -> Markup:
    macro = templates.get_template("_history_row.html").module.row  # type: ignore[attr-defined]
    rows = []
    with _rows_lock:
        for v in history:
            # By identity: the service hands out the same row objects until a row changes, and
            # an entry holds its row, so its id cannot be taken by another object meanwhile.
            found = _rows.get(id(v))
            if found is None or found[0] is not v:
                found = _rows[id(v)] = (v, str(macro(v)))
            rows.append(found[1])
        while len(_rows) > 20_000:  # bounded: the oldest first
            del _rows[next(iter(_rows))]
    # Laid out as the template's loop would: one row a line, indented.
    return Markup("\n    ".join(rows))


@router.get("/chains/{key}/history")
@on_loop
def history_page(request: Request, key: str, p: Buyer) -> Response:
    view = service(request).view(key)
    return render(
        request, "history.html",
        {**_buyer_context(p), "view": view, "history_rows": _history_rows(view.history)},
    )  # fmt: skip


@router.get("/chains/{key}")
@on_loop
def dashboard(request: Request, key: str) -> Response:
    # The session is looked up here rather than as a dependency: a sync dependency is one more
    # trip through the thread pool, on the busiest page.
    p = buyer(request)
    link = new_link(request, p)
    if link is not None:
        return _dashboard(request, p, key, new_link=link)
    return _dashboard(request, p, key)


@router.post("/chains/{key}/findings/{ref}/review")
@on_loop
def review(request: Request, key: str, ref: str, values: Form, p: Buyer) -> Response:
    """Dismiss or confirm a finding, with a reason: as `subtier review` does."""
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    try:
        service(request).decide(
            key, ref, values.get("decision", ""), values.get("reason", ""), p.name
        )
    except FormError as error:
        return _dashboard(
            request, p, key, 422, errors={f"review-{ref}": error.errors},
            values={f"review-{ref}": values},
        )  # fmt: skip
    return RedirectResponse(f"/chains/{key}#finding-{ref}", 303)


# In the thread pool, not on the loop (common.on_loop): it may wait on the mail server.
@router.post("/chains/{key}/invitations")
def invite(request: Request, key: str, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    base, email = str(request.base_url).rstrip("/"), values.get("email") or None
    try:
        if values.get("engagement"):
            invitation, token = svc.invite(
                key, values["engagement"], p.name, email=email, base_url=base
            )
        else:
            invitation, token = svc.add_supplier(
                key, values.get("supplier", ""), values.get("service", ""), p.name,
                email=email, base_url=base,
            )  # fmt: skip
    except FormError as error:
        return _dashboard(
            request, p, key, 422, errors={"invite": error.errors}, values={"invite": values}
        )
    view = svc.view(key)
    keep_link(
        request, p, invitation, f"{base}/invite/{token}", view.name(invitation.supplier), email
    )
    # Redirected, so that reloading the page shows the link again and makes no other one.
    return RedirectResponse(f"/chains/{quote(key)}?invited={invitation.id}#disclosure", 303)


# Vendors --------------------------------------------------------------------------------------


@router.get("/invite/{token}")
@on_loop
def landing(request: Request, token: str) -> Response:
    row = service(request).landing(token)
    if row is None:
        return message(request, 404, "Link not valid", BAD_LINK)
    return render(request, "invite.html", {"row": row, "token": token})


@router.post("/invite/{token}")
@on_loop
def claim(request: Request, token: str, values: Form) -> Response:
    _check_csrf(values, request.cookies.get(cookie_name(request, CSRF)))
    svc = service(request)
    session = svc.claim(token)
    if session is None:
        return message(request, 404, "Link not valid", BAD_LINK)
    response = RedirectResponse("/portal", 303)
    response.set_cookie(
        cookie_name(request, PORTAL), session, httponly=True, secure=secure(request),
        samesite="lax", path="/", max_age=int(svc.settings.vendor_session_days * 86400),
    )  # fmt: skip
    return response


def vendor(request: Request) -> Principal:
    """The vendor's session. Called by each portal route itself, not as a dependency: a sync
    dependency is one more trip through the thread pool, and the portal's forms are busy."""
    found = service(request).vendor(request.cookies.get(cookie_name(request, PORTAL)))
    if found is None or found.invitation is None or found.session is None:
        raise PortalSessionRequiredError()
    return found


def _portal(request: Request, p: Principal, status: int = 200, **extra: Any) -> Response:
    assert p.invitation is not None
    assert p.session is not None
    svc = service(request)
    v = svc.portal_view(p.invitation)
    d = v.disclosure
    per = [(x.value, x.value) for x in Per]
    payees = [(WORKER, "the worker"), (v.scope.supplier, f"{v.supplier} (you)")]
    payees += [(s.id, s.name) for s in d.subcontractors]
    return render(
        request, "portal.html",
        {"v": v, "csrf": p.session.csrf, "home": "/portal", "per_options": per,
         "labor_options": [(x.value, x.value) for x in Labor],
         "site_options": [(s.id, s.name) for s in d.sites],
         "payee_options": payees, "payee_names": dict(payees),
         "site_names": {s.id: s.name for s in d.sites},
         "attachments": svc.attachments.of_invitation(p.invitation.id),
         "kind_options": [(k, k) for k in KINDS], "mail": svc.settings.notify.smtp is not None,
         "limit_mb": f"{svc.settings.attachment_limit / 1024 / 1024:g}",
         "remote_options": [("", "not answered"), ("no", "no"), ("yes", "yes")], **extra},
        status,
    )  # fmt: skip


@router.get("/portal")
@on_loop
def portal_page(request: Request, saved: str = "") -> Response:
    p = vendor(request)
    link = new_link(request, p)
    extra: dict[str, Any] = {"new_link": link} if link is not None else {}
    return _portal(request, p, saved=saved if saved in STEPS else "", **extra)


Edit = dis.Edit


def _submit(
    request: Request, p: Principal, values: dict[str, str], form: str, make: Callable[[], Edit]
) -> Response:
    """Validate and apply one portal form; on any error, show it again with what was typed."""
    assert p.invitation is not None
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    try:
        # A draft: the step becomes a chain version when the vendor saves it.
        service(request).change(p.invitation, make(), save=False)
    except FormError as error:
        return _portal(request, p, 422, errors={form: error.errors}, values={form: values})
    except LockedError as error:
        return _portal(request, p, 409, errors={form: {"form": str(error)}})
    return RedirectResponse(f"/portal#{_anchor(form)}", 303)


def _anchor(form: str) -> str:
    return {"subcontractor": "subcontractors", "site": "sites", "workforce": "workforce"}.get(
        form, form
    )


# The portal's steps, in order, and where the page goes once one is saved.
STEPS = {"subcontractors": "sites", "sites": "workforce", "workforce": "attest"}


@router.post("/portal/steps/{step}")
@on_loop
def save_step(request: Request, step: str, values: Form) -> Response:
    """Save a step: what the vendor entered in it becomes one chain version, checked."""
    p = vendor(request)
    assert p.invitation is not None
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    if step not in STEPS:
        raise HTTPException(404, "no such step")
    try:
        service(request).save_step(p.invitation, step)
    except FormError as error:
        return _portal(request, p, 422, errors={step: error.errors})
    except LockedError as error:
        return _portal(request, p, 409, errors={step: {"form": str(error)}})
    return RedirectResponse(f"/portal?saved={step}#{STEPS[step]}", 303)


@router.post("/portal/subcontractors")
@on_loop
def add_subcontractor(request: Request, values: Form) -> Response:
    p = vendor(request)

    def make() -> Edit:
        form = dis.parse_form(dis.SubcontractorIn, values)
        return lambda d, _s, taken: dis.add_subcontractor(d, form, taken)

    return _submit(request, p, values, "subcontractor", make)


@router.post("/portal/subcontractors/{ident}/delete")
@on_loop
def remove_subcontractor(request: Request, ident: str, values: Form) -> Response:
    p = vendor(request)
    assert p.invitation is not None
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    try:
        service(request).remove_subcontractor(p.invitation, ident, save=False)  # a draft
    except (FormError, NotFoundError) as error:
        errors = error.errors if isinstance(error, FormError) else {"subcontractor": str(error)}
        return _portal(request, p, 422, errors={"subcontractors": errors})
    except NotYoursError as error:
        return _portal(request, p, 403, errors={"subcontractors": {"subcontractor": str(error)}})
    except LockedError as error:
        return _portal(request, p, 409, errors={"subcontractors": {"form": str(error)}})
    return RedirectResponse("/portal#subcontractors", 303)


@router.post("/portal/no-subcontractors")
@on_loop
def no_subcontractors(request: Request, values: Form) -> Response:
    p = vendor(request)
    return _submit(
        request, p, values, "subcontractors", lambda: lambda d, _s, _t: dis.declare_none(d)
    )


# In the thread pool, not on the loop (common.on_loop): it may wait on the mail server.
@router.post("/portal/subcontractors/{ident}/invite")
def invite_subcontractor(request: Request, ident: str, values: Form) -> Response:
    p = vendor(request)
    assert p.invitation is not None
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    base, email = str(request.base_url).rstrip("/"), values.get("email") or None
    try:
        invitation, token = svc.invite_subcontractor(
            p.invitation, ident, email=email, base_url=base
        )
    except FormError as error:
        return _portal(
            request, p, 422, errors={"subcontractors": error.errors},
            values={f"invite-{ident}": values},
        )  # fmt: skip
    except NotYoursError as error:
        return _portal(request, p, 403, errors={"subcontractors": {"subcontractor": str(error)}})
    names = {s.id: s.name for s in svc.portal_view(p.invitation).disclosure.subcontractors}
    name = names.get(invitation.supplier, invitation.supplier)
    keep_link(request, p, invitation, f"{base}/invite/{token}", name, email)
    return RedirectResponse(f"/portal?invited={invitation.id}#subcontractors", 303)


def keep_link(
    request: Request, p: Principal, invitation: Invitation, url: str, supplier: str,
    email: str | None,
) -> None:  # fmt: skip
    """Hold a new link for the page the invite form redirects to."""
    assert p.session is not None
    links: Links = request.app.state.links
    links.put(p.session.id, invitation.id, NewLink(url, supplier, invitation.expires_at, email))


def new_link(request: Request, p: Principal) -> dict[str, Any] | None:
    """The new link the page was redirected with (``?invited=``), with how its e-mail went."""
    invited = request.query_params.get("invited", "")
    if not invited.isdigit() or p.session is None:
        return None
    links: Links = request.app.state.links
    found = links.get(p.session.id, int(invited))
    if found is None:
        return None
    mail = service(request).invitation_mail(int(invited)) if found.email else None
    return {"url": found.url, "supplier": found.supplier, "expires": found.expires,
            "email": found.email, "mail": mail}  # fmt: skip


@router.post("/portal/sites")
@on_loop
def add_site(request: Request, values: Form) -> Response:
    p = vendor(request)

    def make() -> Edit:
        form = dis.parse_form(dis.SiteIn, values)
        return lambda d, _s, taken: dis.add_site(d, form, taken)

    return _submit(request, p, values, "site", make)


@router.post("/portal/sites/{ident}/delete")
@on_loop
def remove_site(request: Request, ident: str, values: Form) -> Response:
    p = vendor(request)
    return _submit(request, p, values, "site", lambda: lambda d, _s, _t: dis.remove_site(d, ident))


@router.post("/portal/workforces")
@on_loop
def add_workforce(request: Request, values: Form) -> Response:
    p = vendor(request)

    def make() -> Edit:
        form = dis.parse_form(dis.WorkforceIn, values)
        return lambda d, scope, taken: dis.add_workforce(d, form, scope, taken)

    return _submit(request, p, values, "workforce", make)


@router.post("/portal/workforces/{ident}/delete")
@on_loop
def remove_workforce(request: Request, ident: str, values: Form) -> Response:
    p = vendor(request)
    return _submit(
        request, p, values, "workforce", lambda: lambda d, _s, _t: dis.remove_workforce(d, ident)
    )


@router.post("/portal/attestation")
@on_loop
def attest(request: Request, values: Form) -> Response:
    p = vendor(request)
    assert p.invitation is not None
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    data: dict[str, Any] = dict(values)
    if data.get("certify") in ("true", "on", "1"):
        data["certify"] = True
    try:
        form = dis.parse_form(dis.AttestationIn, data)
        service(request).attest(p.invitation, form)
    except FormError as error:
        return _portal(request, p, 422, errors={"attest": error.errors}, values={"attest": values})
    except LockedError as error:
        return _portal(request, p, 409, errors={"attest": {"form": str(error)}})
    return RedirectResponse("/portal#attest", 303)


@router.post("/portal/signout")
@on_loop
def portal_signout(request: Request, values: Form) -> Response:
    p = vendor(request)
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    response = message(request, 200, "You have left the portal", _leaving(svc, p))
    svc.sign_out(request.cookies.get(cookie_name(request, PORTAL), ""))
    response.delete_cookie(cookie_name(request, PORTAL), path="/", secure=secure(request))
    return response


def _leaving(svc: Service, p: Principal) -> str:
    """What is true of the vendor's answers as it leaves: signed, all shared, or not."""
    assert p.invitation is not None
    v = svc.portal_view(p.invitation)
    if v.attestation is not None:
        return f"Your signed disclosure is with {v.buyer}."
    if v.unsaved:
        return (
            f"Your answers are kept, but {v.buyer} does not see the steps you did not save. "
            f"This link no longer opens the portal: ask {v.buyer} for a new link to save them."
        )
    return (
        f"{v.buyer} sees every answer you saved. To change them or to sign, ask {v.buyer} "
        "for a new link."
    )


def _local(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/chains"
    return target
