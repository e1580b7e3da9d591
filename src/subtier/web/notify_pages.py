"""Pages for notifications (hooks and their deliveries) and attached documents.

The buyer sets up webhooks and e-mail addresses to be told of submissions and findings, and
sees every delivery with its attempts and last error. A vendor attaches documents to its
disclosure; the buyer and that vendor can download them, nobody else.
"""

from __future__ import annotations

from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from subtier.app.service import LockedError, NotFoundError, Principal
from subtier.core.disclosure.answers import FormError
from subtier.core.severity import Severity
from subtier.store.attachments import Attachment
from subtier.web.common import on_loop, service
from subtier.web.pages import Buyer, Form, _buyer_context, _check_csrf, _portal, render, vendor

router = APIRouter(include_in_schema=False)


def _notifications(
    request: Request, p: Buyer, status: int = 200, **extra: object
) -> Response:  # fmt: skip
    svc = service(request)
    outbox = svc.notifier.outbox
    return render(
        request, "notifications.html",
        {**_buyer_context(p), "hooks": outbox.hooks(), "deliveries": outbox.deliveries(),
         "severities": [(s.value, s.value) for s in reversed(Severity)],
         "smtp": svc.settings.notify.smtp, **extra},
        status,
    )  # fmt: skip


@router.get("/notifications")
@on_loop
def notifications_page(request: Request, p: Buyer) -> Response:
    return _notifications(request, p)


@router.post("/notifications/hooks")
@on_loop
def add_hook(request: Request, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    try:
        hook = svc.notifier.add_hook(
            values.get("target", ""), values.get("min_severity", "high"), p.name
        )
    except FormError as error:
        return _notifications(
            request, p, 422, errors={"hook": error.errors}, values={"hook": values}
        )
    svc.workspace.log(
        "notify.hook", hook.target, {"hook": hook.id, "kind": hook.kind,
                                     "min_severity": hook.min_severity}, by=p.name,
    )  # fmt: skip
    return RedirectResponse(f"/notifications#hook-{hook.id}", 303)


@router.post("/notifications/hooks/{ident}/delete")
@on_loop
def remove_hook(request: Request, ident: str, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    if svc.notifier.outbox.remove_hook(_number(ident), svc.now()):
        svc.workspace.log("notify.unhook", str(ident), {"hook": ident}, by=p.name)
    return RedirectResponse("/notifications", 303)


@router.post("/notifications/deliveries/{ident}/retry")
@on_loop
def retry_delivery(request: Request, ident: str, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    svc = service(request)
    if not svc.notifier.outbox.retry_now(_number(ident), svc.now()):
        return _notifications(
            request, p, 409,
            errors={"deliveries": {"form": "only a failed delivery that still has its message can be sent again"}},
        )  # fmt: skip
    return RedirectResponse(f"/notifications#delivery-{ident}", 303)


# Documents ------------------------------------------------------------------------------------


@router.get("/chains/{key}/documents")
@on_loop
def documents_page(request: Request, key: str, p: Buyer) -> Response:
    svc = service(request)
    view = svc.view(key)
    by_invitation = {row.invitation.id: row for row in view.invitations}
    docs = [(a, by_invitation.get(a.invitation_id)) for a in svc.attachments.of_chain(key)]
    return render(request, "documents.html", {**_buyer_context(p), "view": view, "docs": docs})


# In the thread pool, not on the loop (common.on_loop): it reads a file.
@router.get("/chains/{key}/documents/{ident}")
def buyer_download(request: Request, key: str, ident: str, p: Buyer) -> Response:
    found, content = service(request).attachment(_number(ident), chain=key)
    return _download(found, content)


@router.post("/portal/attachments")
async def upload(request: Request) -> Response:
    p = await to_thread.run_sync(vendor, request)  # before a byte of the body is read
    # Read here, not through the Form dependency: the file is kept whole, and only one.
    data = await request.form(max_files=1, max_fields=10)
    values = {k: v.strip() for k, v in data.items() if isinstance(v, str)}
    upload = data.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    await data.close()
    return await to_thread.run_sync(_attach, request, p, values, filename, content)


def _attach(
    request: Request, p: Principal, values: dict[str, str], filename: str, content: bytes
) -> Response:
    assert p.invitation is not None
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    try:
        if not filename and not content:
            raise FormError({"file": "choose a file to attach"})
        service(request).attach(p.invitation, values.get("kind", ""), filename, content)
    except FormError as error:
        return _portal(request, p, 422, errors={"attach": error.errors}, values={"attach": values})
    except LockedError as error:
        return _portal(request, p, 409, errors={"attach": {"form": str(error)}})
    return RedirectResponse("/portal#documents", 303)


# In the thread pool, not on the loop (common.on_loop): it reads a file.
@router.get("/portal/attachments/{ident}")
def vendor_download(request: Request, ident: str) -> Response:
    p = vendor(request)
    found, content = service(request).attachment(_number(ident), invitation=p.invitation)
    return _download(found, content)


def _download(found: Attachment, content: bytes) -> Response:
    # Always a download, never shown inline: a document is not a page of this site.
    return Response(
        content, media_type=found.media_type,
        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
                 "x-content-sha256": found.sha256},
    )  # fmt: skip


def _number(ident: str) -> int:
    """A row id from the path; anything else is not found (checked after the session is)."""
    if not ident.isdigit() or not 0 < int(ident) < 2**31:
        raise NotFoundError("not found")
    return int(ident)
