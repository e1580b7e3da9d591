"""The worklist page of a chain on the dashboard (``subtier.app.worklist`` builds it), and
inviting the vendors chosen on it in one step."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from subtier.app.worklist import Invited, invite_vendors, worklist
from subtier.core.disclosure.answers import FormError
from subtier.web.common import on_loop, service
from subtier.web.pages import Buyer, Form, _buyer_context, _check_csrf, render

router = APIRouter(include_in_schema=False)


def _context(request: Request, p: Any, key: str, **extra: Any) -> dict[str, Any]:
    svc = service(request)
    return {**_buyer_context(p), "view": svc.view(key), "rows": worklist(svc, key), **extra}


@router.get("/chains/{key}/worklist")
@on_loop
def worklist_page(request: Request, key: str, p: Buyer) -> Response:
    return render(request, "worklist.html", _context(request, p, key))


# In the thread pool, not on the loop (common.on_loop): it may wait on the mail server.
@router.post("/chains/{key}/worklist")
def invite_selected(request: Request, key: str, values: Form, p: Buyer) -> Response:
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    chosen = [k.removeprefix("invite:") for k, v in values.items() if k.startswith("invite:") and v]
    emails = {k.removeprefix("email:"): v for k, v in values.items() if k.startswith("email:")}
    svc = service(request)
    base = str(request.base_url).rstrip("/")
    try:
        done = invite_vendors(svc, key, chosen, p.name, emails, base)
    except FormError as error:
        return render(
            request,
            "worklist.html",
            _context(request, p, key, errors={"worklist": error.errors}),
            422,
        )
    invited = [
        Invited(row.name, row.supplier, f"{base}/invite/{token}", emails.get(row.engagement, ""))
        for row, _inv, token in done
    ]
    return render(request, "worklist.html", _context(request, p, key, invited=invited))
