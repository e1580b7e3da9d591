"""Notification records: the hooks buyers set up, and the deliveries owed to them.

A delivery is written as soon as what it reports on is saved, and a worker sends it later: it
survives a restart, and no request waits on a receiver. A worker takes a delivery by leasing
it; one whose worker died is taken again when the lease runs out, so nothing stays half-sent.
Time is passed in, so that retries can be tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, insert, or_, select, update

from subtier.store import tables as t
from subtier.store.portal import _transaction

WEBHOOK, EMAIL = "webhook", "email"
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
# An invitation's e-mail is sent from the request that makes it, so the buyer sees at once
# whether it went; the worker retries it if it did not.
INVITATION = "invitation"
SUBMITTED, FINDING = "disclosure.submitted", "finding.new"
EVENTS = (SUBMITTED, FINDING)


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# Read after every check run, to know whom to tell: built once.
_HOOKS = select(t.hooks).where(t.hooks.c.removed_at.is_(None)).order_by(t.hooks.c.id)


@dataclass(frozen=True)
class Hook:
    """Where a buyer wants to be told: a webhook URL or an e-mail address."""

    id: int
    kind: str
    target: str
    secret: str | None
    min_severity: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Delivery:
    """One message owed to one receiver, and how sending it has gone."""

    id: int
    kind: str
    target: str
    event: str
    subject: str
    payload: str
    chain_key: str | None
    hook_id: int | None
    invitation_id: int | None
    status: str
    attempts: int
    last_error: str | None
    next_at: datetime
    created_at: datetime
    delivered_at: datetime | None


class Outbox:
    """Reads and writes hooks and deliveries. Each method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Hooks ------------------------------------------------------------------------------------

    def add_hook(
        self, kind: str, target: str, secret: str | None, min_severity: str, by: str,
        now: datetime,
    ) -> int:  # fmt: skip
        with _transaction(self.engine) as conn:
            result = conn.execute(
                insert(t.hooks).values(
                    kind=kind, target=target, secret=secret, min_severity=min_severity,
                    created_at=now, created_by=by,
                )
            )  # fmt: skip
            return _key(result)

    def hooks(self) -> list[Hook]:
        """The hooks in force, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(_HOOKS).all()
        return [_hook(r) for r in rows]

    def remove_hook(self, ident: int, now: datetime) -> bool:
        """Stop a hook; its deliveries stay on record. False if there is no such hook."""
        with _transaction(self.engine) as conn:
            done = conn.execute(
                update(t.hooks)
                .where(t.hooks.c.id == ident, t.hooks.c.removed_at.is_(None))
                .values(removed_at=now)
            )
            return bool(done.rowcount)

    # Deliveries -------------------------------------------------------------------------------

    def enqueue(
        self, kind: str, target: str, event: str, subject: str, payload: str, now: datetime,
        *, chain_key: str | None = None, hook_id: int | None = None,
        invitation_id: int | None = None,
    ) -> int:  # fmt: skip
        with _transaction(self.engine) as conn:
            result = conn.execute(
                insert(t.deliveries).values(
                    kind=kind, target=target, event=event, subject=subject, payload=payload,
                    chain_key=chain_key, hook_id=hook_id, invitation_id=invitation_id,
                    status=PENDING, attempts=0, next_at=now, created_at=now,
                )
            )  # fmt: skip
            return _key(result)

    def take(
        self, now: datetime, lease: timedelta, ident: int | None = None, limit: int = 20
    ) -> list[Delivery]:
        """Lease the deliveries due now (or the one ``ident``, if due) to the caller: no other
        worker takes them until they are finished or the lease runs out."""
        c = t.deliveries.c
        due = or_(
            and_(c.status == PENDING, c.next_at <= now),
            and_(c.status == SENDING, c.lease_until < now),
        )
        query = select(c.id).where(due).order_by(c.next_at, c.id).limit(limit)
        if ident is not None:
            query = query.where(c.id == ident)
        taken: list[Delivery] = []
        with _transaction(self.engine) as conn:
            for (found,) in conn.execute(query).all():
                # Conditional, so that of two workers racing for a row only one gets it.
                done = conn.execute(
                    update(t.deliveries)
                    .where(c.id == found, due)
                    .values(status=SENDING, lease_until=now + lease)
                )
                if done.rowcount:
                    row = conn.execute(select(t.deliveries).where(c.id == found)).one()
                    taken.append(_delivery(row))
        return taken

    def delivered(self, ident: int, now: datetime, keep_payload: bool = True) -> None:
        values: dict[str, Any] = {
            "status": DELIVERED, "attempts": t.deliveries.c.attempts + 1, "last_error": None,
            "delivered_at": now, "lease_until": None,
        }  # fmt: skip
        if not keep_payload:
            values["payload"] = ""  # it held a one-time link, which is not kept once sent
        with _transaction(self.engine) as conn:
            conn.execute(update(t.deliveries).where(t.deliveries.c.id == ident).values(**values))

    def failed(
        self, ident: int, error: str, retry_at: datetime | None, keep_payload: bool = True
    ) -> None:
        """Record a failed attempt: to be tried again at ``retry_at``, or given up (None)."""
        values: dict[str, Any] = {
            "attempts": t.deliveries.c.attempts + 1, "last_error": error[:2000],
            "lease_until": None,
        }  # fmt: skip
        if retry_at is None:
            values["status"] = FAILED
            if not keep_payload:
                values["payload"] = ""
        else:
            values.update(status=PENDING, next_at=retry_at)
        with _transaction(self.engine) as conn:
            conn.execute(update(t.deliveries).where(t.deliveries.c.id == ident).values(**values))

    def retry_now(self, ident: int, now: datetime) -> bool:
        """Send a failed delivery again from the start; False if it cannot be (none such, or
        its payload is gone)."""
        c = t.deliveries.c
        with _transaction(self.engine) as conn:
            done = conn.execute(
                update(t.deliveries)
                .where(c.id == ident, c.status == FAILED, c.payload != "")
                .values(status=PENDING, next_at=now, attempts=0)
            )
            return bool(done.rowcount)

    def delivery(self, ident: int) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.deliveries).where(t.deliveries.c.id == ident)).first()
        return None if row is None else _delivery(row)

    def deliveries(self, limit: int = 100) -> list[Delivery]:
        """The latest deliveries, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.deliveries).order_by(t.deliveries.c.id.desc()).limit(limit)
            ).all()
        return [_delivery(r) for r in rows]

    def invitation_mail(self, invitation_id: int) -> Delivery | None:
        """The latest e-mail sent with an invitation's link, if any."""
        c = t.deliveries.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.deliveries)
                .where(c.invitation_id == invitation_id, c.event == INVITATION)
                .order_by(c.id.desc())
                .limit(1)
            ).first()
        return None if row is None else _delivery(row)


def _hook(r: Any) -> Hook:
    created = _utc(r.created_at)
    assert created is not None
    return Hook(r.id, r.kind, r.target, r.secret, r.min_severity, created, r.created_by)


def _delivery(r: Any) -> Delivery:
    next_at, created = _utc(r.next_at), _utc(r.created_at)
    assert next_at is not None
    assert created is not None
    return Delivery(
        id=r.id, kind=r.kind, target=r.target, event=r.event, subject=r.subject,
        payload=r.payload, chain_key=r.chain_key, hook_id=r.hook_id,
        invitation_id=r.invitation_id, status=r.status, attempts=r.attempts,
        last_error=r.last_error, next_at=next_at, created_at=created,
        delivered_at=_utc(r.delivered_at),
    )  # fmt: skip


def _key(result: Any) -> int:
    """The id of the row an insert made."""
    return int(result.inserted_primary_key[0])
