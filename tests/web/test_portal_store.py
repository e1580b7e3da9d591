"""The portal's records on SQLite and PostgreSQL: single-use claims, expiry, re-issue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from subtier.app.security import hash_password, token_hash, verify_password
from subtier.core.model import Chain
from subtier.store import Workspace
from subtier.store.portal import Portal

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _chain() -> Chain:
    return Chain.model_validate(
        {"subtier": 1, "name": "c", "root": "a",
         "organizations": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
         "engagements": [{"id": "e", "buyer": "a", "supplier": "b"}]}
    )  # fmt: skip


def test_a_link_is_claimed_once_before_it_expires_and_a_new_one_replaces_it(
    database_url: str,
) -> None:
    with Workspace(database_url) as workspace:
        workspace.add_chain(_chain(), key="c", by="t")
        portal = Portal(workspace.engine)
        chain_id = portal.chain_id("c")
        assert chain_id is not None
        week, fortnight = NOW + timedelta(days=7), NOW + timedelta(days=14)
        ident = portal.invite(chain_id, "e", "b", token_hash("one"), "t", NOW, week, fortnight)
        assert portal.invitation_by_token(token_hash("one")) is not None
        assert portal.claim(ident, token_hash("one"), week) is False  # expired at that instant
        assert portal.claim(ident, token_hash("one"), NOW) is True
        assert portal.claim(ident, token_hash("one"), NOW) is False  # used
        portal.add_session(token_hash("s"), "vendor", "x", NOW, week, invitation_id=ident)
        assert portal.session(token_hash("s"), NOW) is not None
        again = portal.invite(chain_id, "e", "b", token_hash("two"), "t", NOW, week, fortnight)
        assert again == ident
        assert portal.session(token_hash("s"), NOW) is None  # the new link ended it
        assert portal.invitation_by_token(token_hash("one")) is None
        assert portal.claim(ident, token_hash("two"), NOW) is True
        invitation = portal.invitation(ident)
        assert invitation is not None
        assert invitation.status(NOW) == "opened"
        assert invitation.status(fortnight + timedelta(seconds=1)) == "overdue"


def test_disclosures_attestations_and_history(database_url: str) -> None:
    with Workspace(database_url) as workspace:
        version, _new = workspace.add_chain(_chain(), key="c", by="t")
        portal = Portal(workspace.engine)
        chain_id = portal.chain_id("c")
        assert chain_id is not None
        later = NOW + timedelta(days=7)
        ident = portal.invite(chain_id, "e", "b", token_hash("t"), "t", NOW, later, later)
        portal.save_disclosure(ident, {"no_subcontractors": True}, {"sites": []}, NOW)
        portal.save_disclosure(ident, {"no_subcontractors": False}, {"sites": ["s"]}, NOW)
        assert portal.disclosure(ident) == ({"no_subcontractors": False}, {"sites": ["s"]})
        signed = portal.attest(ident, "N", "T", "2026-03-02", "I certify", "{}", "0" * 64,
                               version.row_id, NOW)  # fmt: skip
        assert signed is True
        assert portal.attest(ident, "N", "T", "2026-03-02", "x", "{}", "1" * 64, None, NOW) is False
        found = portal.attestation(ident)
        assert found is not None
        assert found.content_hash == "0" * 64
        history = portal.history("c")
        assert [(v.version, v.findings) for v in history] == [(1, None)]


def test_passwords_are_salted_scrypt_hashes(database_url: str) -> None:
    stored = hash_password("a long password")
    assert stored.startswith("scrypt$")
    assert stored != hash_password("a long password")
    assert verify_password("a long password", stored)
    assert not verify_password("a long passworD", stored)
    assert not verify_password("x", "garbage")
    with Workspace(database_url) as workspace:
        portal = Portal(workspace.engine)
        assert portal.add_user("alice", stored, NOW) is True
        assert portal.add_user("alice", stored, NOW) is False
        assert portal.password_hash("alice") is not None
        assert portal.user_count() == 1
