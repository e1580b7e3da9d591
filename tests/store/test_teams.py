"""Teams in the store, on SQLite and PostgreSQL: migration 0005 puts every existing chain and
account in the default team; chains and accounts join and move between teams."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from subtier.core.model import Chain, Organization
from subtier.store import Workspace
from subtier.store.migrate import _config
from subtier.store.portal import Portal
from subtier.store.workspace import _engine

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _chain(name: str) -> Chain:
    return Chain(subtier=1, name=name, root="o", organizations=[Organization(id="o", name="O")])


def test_an_existing_workspace_keeps_everything_in_the_default_team(database_url: str) -> None:
    engine = _engine(database_url)
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.execute(
            sa.text("INSERT INTO chains (key, created_at) VALUES ('old', :at)"), {"at": NOW}
        )
        conn.execute(
            sa.text(
                "INSERT INTO users (username, password_hash, created_at) VALUES ('ann', 'x', :at)"
            ),
            {"at": NOW},
        )
    engine.dispose()
    with Workspace(database_url) as workspace:
        portal = Portal(workspace.engine)
        [default] = portal.teams()
        assert (default.name, default.accounts, default.chains) == ("default", ("ann",), ("old",))
        # New ones join it too, and the sequence of team ids goes on past it.
        workspace.add_chain(_chain("New"), key="new")
        assert portal.add_team("client-b", NOW)
        assert portal.team_id("client-b") != portal.team_id("default")
        assert portal.chain_team("new") == portal.team_id("default")


def test_chains_and_accounts_join_and_move_between_teams(database_url: str) -> None:
    with Workspace(database_url) as workspace:
        portal = Portal(workspace.engine)
        assert portal.add_team("client-b", NOW)
        assert not portal.add_team("client-b", NOW)
        b = portal.team_id("client-b")
        assert b is not None
        workspace.add_chain(_chain("B"), key="b-calls", team=b)
        workspace.add_chain(_chain("A"), key="a-calls")
        assert portal.add_user("bob", "hash", NOW, team=b)
        assert portal.add_user("ann", "hash", NOW)
        teams = {t.name: t for t in portal.teams()}
        assert teams["client-b"].chains == ("b-calls",)
        assert teams["client-b"].accounts == ("bob",)
        assert teams["default"].chains == ("a-calls",)
        # A new version keeps the chain in its team.
        workspace.add_chain(_chain("B2"), key="b-calls")
        assert portal.chain_team("b-calls") == b
        assert portal.move_chain("a-calls", b)
        assert portal.move_user("ann", b)
        assert not portal.move_chain("nothing", b)
        assert not portal.move_user("nobody", b)
        teams = {t.name: t for t in portal.teams()}
        assert teams["client-b"].chains == ("a-calls", "b-calls")
        assert teams["client-b"].accounts == ("ann", "bob")
        assert teams["default"].chains == ()
