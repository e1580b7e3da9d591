"""The outbox and the attachments on SQLite and PostgreSQL: leases, retries, files and audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from subtier.app.security import token_hash
from subtier.core.model import Chain
from subtier.store import Workspace
from subtier.store.attachments import Attachments
from subtier.store.notify import DELIVERED, FAILED, PENDING, SENDING, WEBHOOK, Outbox
from subtier.store.portal import Portal

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def test_a_delivery_is_leased_to_one_worker_retried_and_given_up(database_url: str) -> None:
    with Workspace(database_url) as workspace:
        outbox = Outbox(workspace.engine)
        hook = outbox.add_hook(WEBHOOK, "http://127.0.0.1:9/h", "s3cret", "high", "alice", NOW)
        ident = outbox.enqueue(WEBHOOK, "http://127.0.0.1:9/h", "finding.new", "about", "{}",
                               NOW, chain_key="c", hook_id=hook)  # fmt: skip
        [taken] = outbox.take(NOW, LEASE)
        assert (taken.id, taken.status) == (ident, SENDING)
        assert outbox.take(NOW, LEASE) == []  # leased: no second worker gets it
        outbox.failed(ident, "HTTP 500", NOW + timedelta(seconds=30))
        assert outbox.take(NOW, LEASE) == []  # not due yet
        [again] = outbox.take(NOW + timedelta(seconds=30), LEASE)
        assert (again.attempts, again.last_error) == (1, "HTTP 500")
        # Its worker dies: the lease runs out and another worker takes it.
        [third] = outbox.take(NOW + timedelta(minutes=6), LEASE)
        assert third.id == ident
        outbox.failed(ident, "gave up", None)
        found = outbox.delivery(ident)
        assert found is not None
        assert (found.status, found.attempts) == (FAILED, 2)
        assert outbox.retry_now(ident, NOW)
        assert outbox.delivery(ident).status == PENDING  # type: ignore[union-attr]
        [last] = outbox.take(NOW, LEASE, ident)
        outbox.delivered(last.id, NOW)
        assert outbox.delivery(ident).status == DELIVERED  # type: ignore[union-attr]
        assert outbox.remove_hook(hook, NOW)
        assert outbox.hooks() == []


def test_an_attachment_is_recorded_and_verified(database_url: str, tmp_path: Path) -> None:
    chain = Chain.model_validate(
        {"subtier": 1, "name": "c", "root": "a",
         "organizations": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
         "engagements": [{"id": "e", "buyer": "a", "supplier": "b"}]}
    )  # fmt: skip
    with Workspace(database_url) as workspace:
        workspace.add_chain(chain, key="c", by="t")
        portal = Portal(workspace.engine)
        chain_id = portal.chain_id("c")
        assert chain_id is not None
        week = NOW + timedelta(days=7)
        inv = portal.invite(chain_id, "e", "b", token_hash("one"), "t", NOW, week, week)
        files = Attachments(workspace.engine, tmp_path)
        found = files.add(inv, "contract", "c.pdf", "application/pdf", b"%PDF-1.4 x", "portal:b",
                          "c e", NOW)  # fmt: skip
        assert files.of_chain("c") == [found]
        assert files.content(found) == b"%PDF-1.4 x"
        from subtier.store.integrity import verify_data

        with workspace.engine.connect() as conn:
            records = list(workspace.audit_records())
            assert verify_data(conn, records, tmp_path) is None
            (tmp_path / found.sha256[:2] / found.sha256).unlink()
            broken = verify_data(conn, records, tmp_path)
        assert broken is not None
        assert "is missing" in broken.reason
