"""The JSON API of notifications: a buyer's hooks, and every delivery with how it went."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from pydantic import Field

from subtier.app.service import NotFoundError
from subtier.store.notify import Delivery, Hook
from subtier.web.api import ERRORS, Buyer, _In, _Out
from subtier.web.common import on_loop, service

router = APIRouter(prefix="/api")
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="A row id.")]


class HookIn(_In):
    target: str = Field(
        min_length=3, max_length=2000, description="A webhook URL, or an e-mail address."
    )
    min_severity: str = Field(default="high", description="Findings at or above it are sent.")


class HookOut(_Out):
    id: int
    kind: str
    target: str
    secret: str | None = Field(description="Signs the webhook's payloads (X-Subtier-Signature).")
    min_severity: str
    created_at: datetime
    created_by: str


class DeliveryOut(_Out):
    id: int
    kind: str
    target: str
    event: str
    subject: str
    chain: str | None
    status: str = Field(description="pending, sending, delivered or failed.")
    attempts: int
    last_error: str | None
    next_at: datetime
    created_at: datetime
    delivered_at: datetime | None


def _hook(h: Hook) -> HookOut:
    return HookOut(
        id=h.id, kind=h.kind, target=h.target, secret=h.secret, min_severity=h.min_severity,
        created_at=h.created_at, created_by=h.created_by,
    )  # fmt: skip


def _delivery(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id, kind=d.kind, target=d.target, event=d.event, subject=d.subject,
        chain=d.chain_key, status=d.status, attempts=d.attempts, last_error=d.last_error,
        next_at=d.next_at, created_at=d.created_at, delivered_at=d.delivered_at,
    )  # fmt: skip


@router.get("/hooks", responses=ERRORS)
@on_loop
def hooks(request: Request, _p: Buyer) -> list[HookOut]:
    """The webhooks and e-mail addresses told of submissions and new findings."""
    return [_hook(h) for h in service(request).notifier.outbox.hooks()]


@router.post("/hooks", status_code=201, responses=ERRORS)
@on_loop
def add_hook(request: Request, body: HookIn, p: Buyer) -> HookOut:
    """Add a webhook (it gets a new secret) or an e-mail address."""
    svc = service(request)
    hook = svc.notifier.add_hook(body.target, body.min_severity, p.name)
    svc.workspace.log(
        "notify.hook", hook.target,
        {"hook": hook.id, "kind": hook.kind, "min_severity": hook.min_severity}, by=p.name,
    )  # fmt: skip
    return _hook(hook)


@router.delete("/hooks/{ident}", status_code=204, responses=ERRORS)
@on_loop
def remove_hook(request: Request, ident: RowId, p: Buyer) -> None:
    """Stop telling a hook; what was sent to it stays on record."""
    svc = service(request)
    if not svc.notifier.outbox.remove_hook(ident, svc.now()):
        raise NotFoundError("no such hook")
    svc.workspace.log("notify.unhook", str(ident), {"hook": ident}, by=p.name)


@router.get("/deliveries", responses=ERRORS)
@on_loop
def deliveries(request: Request, _p: Buyer, limit: int = 100) -> list[DeliveryOut]:
    """The latest deliveries (webhooks and e-mails), newest first."""
    return [
        _delivery(d) for d in service(request).notifier.outbox.deliveries(max(1, min(limit, 1000)))
    ]
