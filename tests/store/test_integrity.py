"""The audit trail vouches for the data, not only for itself: edit, insert or delete a stored
chain version, run, finding or review decision in the database, and `audit verify` names the
record whose data no longer matches (or the row no record vouches for)."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml
from sqlalchemy import create_engine, select, text, update

from subtier.app.monitor import monitor
from subtier.core.model import Chain
from subtier.formats import load_policy
from subtier.store import Workspace
from subtier.store import tables as t
from subtier.store.audit import GENESIS, record_hash

from ..conftest import EXAMPLE
from ..conftest import run_cli as run


def _chain(address: str = "601 N Oak St") -> Chain:
    data = yaml.safe_load(EXAMPLE.read_text())
    for site in data["sites"]:
        if site["id"] == "taft":
            site["address"] = address
    return Chain.model_validate(data)


def _workspace(database_url: str) -> None:
    """Two versions, each checked, and one decision: records 1 to 5."""
    policy = load_policy()
    with Workspace(database_url) as ws:
        ws.add_chain(_chain("12 Elm St"), key="procom", by="alice")  # 1
        monitor(ws, policy, by="alice")  # 2
        ws.add_chain(_chain(), key="procom", by="alice")  # 3
        monitor(ws, policy, by="alice")  # 4
        prison = next(
            t for t in ws.latest_findings("procom") or [] if t.body["rule"] == "no-prison-labor"
        )
        ws.decide("procom", prison.ref, "dismiss", "visited", by="bob")  # 5
        assert ws.verify_audit()[1] is None


def _tamper(database_url: str, *statements: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


LATEST = "(SELECT max(id) FROM chain_versions)"
LATEST_RUN = "(SELECT max(id) FROM runs)"


@pytest.mark.parametrize(
    ("statements", "seq", "reason"),
    [
        ((f"UPDATE chain_versions SET content = replace(content, '601 N Oak St', "
          f"'1 Forged Rd') WHERE id = {LATEST}",), 3, "content no longer matches"),
        ((f"UPDATE chain_versions SET content = replace(content, '601 N Oak St', "
          f"'1 Forged Rd'), content_hash = 'f00d' WHERE id = {LATEST}",), 3, "no longer matches"),
        ((f"UPDATE chain_versions SET created_by = 'mallory' WHERE id = {LATEST}",), 3,
         "author"),
        (("UPDATE decisions SET reason = 'forged', by = 'mallory'",), 5, "decision"),
        (("UPDATE decisions SET decision = 'confirm'",), 5, "decision"),
        (("DELETE FROM decisions",), 5, "gone"),
        ((f"UPDATE findings SET severity = 'low' WHERE run_id = {LATEST_RUN} AND "
          "rule = 'no-prison-labor'",), 4, "findings no longer match"),
        (("DELETE FROM findings WHERE id = (SELECT max(id) FROM findings)",), 4, "finding(s)"),
        (("DELETE FROM seen", f"DELETE FROM findings WHERE run_id = {LATEST_RUN}",
          f"DELETE FROM runs WHERE id = {LATEST_RUN}",
          f"DELETE FROM chain_versions WHERE id = {LATEST}"), 3, "gone"),
        (("INSERT INTO decisions (chain_id, finding_key, evidence_hash, decision, reason, by, at)"
          " SELECT chain_id, finding_key, evidence_hash, 'dismiss', 'x', 'mallory', at"
          " FROM decisions",), None, "review decision 2 is in no audit record"),
    ],
    ids=[
        "version-content", "version-content-and-hash", "version-author", "decision-reason",
        "decision-kind", "decision-deleted", "finding-severity", "finding-deleted",
        "latest-version-deleted", "decision-inserted",
    ],
)  # fmt: skip
def test_edited_data_is_named(
    database_url: str, statements: tuple[str, ...], seq: int | None, reason: str
) -> None:
    _workspace(database_url)
    _tamper(database_url, *statements)
    with Workspace(database_url) as ws:
        _count, broken = ws.verify_audit()
    assert broken is not None
    assert broken.seq == seq, broken
    assert reason in broken.reason, broken


def test_the_cli_names_the_forged_version(database_url: str) -> None:
    _workspace(database_url)
    _tamper(
        database_url,
        f"UPDATE chain_versions SET content = replace(content, '601 N Oak St', '1 Forged Rd') "
        f"WHERE id = {LATEST}",
    )
    done = run("audit", "verify", "--database", database_url)
    assert done.returncode == 1
    assert "audit record 3: chain.add procom v2" in done.stderr
    assert "content no longer matches (edited)" in done.stderr


def _as_before(database_url: str) -> None:
    """Rewrite the trail as it was written before it covered the data: check.run hashed the
    finding keys and evidence only, decisions did not name their row."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        rows = conn.execute(select(t.audit).order_by(t.audit.c.seq)).all()
        prev = GENESIS
        for r in rows:
            details = dict(r.details)
            content_hash = r.content_hash
            if r.action == "check.run":
                details.pop("covers")
                keys = conn.execute(
                    select(t.findings.c.key, t.findings.c.evidence_hash).where(
                        t.findings.c.run_id == details["run"]
                    )
                ).all()
                content_hash = hashlib.sha256(
                    json.dumps(sorted((k, e) for k, e in keys)).encode()
                ).hexdigest()
            if r.action.startswith("review."):
                details.pop("id")
            digest = record_hash(
                r.seq, r.at, r.actor, r.action, r.subject, details, content_hash, prev
            )
            conn.execute(
                update(t.audit)
                .where(t.audit.c.seq == r.seq)
                .values(details=details, content_hash=content_hash, prev_hash=prev, hash=digest)
            )
            prev = digest
    engine.dispose()


def test_a_trail_written_before_still_verifies_and_still_catches(database_url: str) -> None:
    _workspace(database_url)
    _as_before(database_url)
    with Workspace(database_url) as ws:
        assert ws.verify_audit() == (5, None)
    _tamper(database_url, "UPDATE decisions SET reason = 'forged'")
    with Workspace(database_url) as ws:
        _count, broken = ws.verify_audit()
    assert broken is not None
    assert broken.seq == 5


def test_an_older_workspace_upgrades_and_its_disclosures_are_adopted(database_url: str) -> None:
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import insert

    from subtier.store import migrate
    from subtier.store.workspace import _engine

    engine = _engine(database_url)
    config = migrate._config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        now = datetime.now(UTC)
        chain_id = conn.execute(
            insert(t.chains).values(key="calls", created_at=now).returning(t.chains.c.id)
        ).scalar_one()
        invitation = conn.execute(
            insert(t.invitations)
            .values(
                token_hash="h" * 64, chain_id=chain_id, engagement="e", supplier="v",
                invited_by="alice", created_at=now, expires_at=now, due_at=now,
            )
            .returning(t.invitations.c.id)
        ).scalar_one()  # fmt: skip
        conn.execute(
            insert(t.disclosures).values(
                invitation_id=invitation, content={"no_subcontractors": True},
                applied={"sites": []}, updated_at=now,
            )
        )  # fmt: skip
        conn.commit()
    engine.dispose()
    with Workspace(database_url) as ws:
        assert ws.verify_audit() == (1, None)
        [adopted] = list(ws.audit_records())
        assert (adopted.action, adopted.subject) == ("portal.disclose", "calls e")
    _tamper(database_url, "UPDATE disclosures SET content = '{}'")
    with Workspace(database_url) as ws:
        _count, broken = ws.verify_audit()
    assert broken is not None
    assert broken.seq == 1


def test_monitor_refuses_a_forged_version(database_url: str) -> None:
    from subtier.errors import InputError

    _workspace(database_url)
    _tamper(
        database_url,
        f"UPDATE chain_versions SET content = replace(content, '601 N Oak St', '1 Forged Rd') "
        f"WHERE id = {LATEST}",
    )
    with Workspace(database_url) as ws, pytest.raises(InputError, match="does not match its hash"):
        monitor(ws, load_policy())
