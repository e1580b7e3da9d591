"""Selects on the driver's cursor (store.fast.FastSelect) give the rows SQLAlchemy gives, on
SQLite and PostgreSQL: the same values after conversion (times, JSON, NULLs), the values a
statement carries itself (a LIMIT), bound values converted by their type, and driver errors
raised as SQLAlchemy's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from subtier.app.security import token_hash
from subtier.app.service import Service, Settings
from subtier.store import tables as t
from subtier.store.fast import FastSelect
from subtier.store.portal import _head_query, _invitations_query, _session_query
from subtier.store.workspace import Workspace


def _rows(
    engine: sa.Engine, statement: sa.Select[object], **params: object
) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(statement, params)]


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    with Workspace(database_url) as ws:
        yield ws.engine


def test_the_portal_reads_match_sqlalchemy(database_url: str) -> None:
    service = Service(Settings(database=database_url))
    key = service.create_chain("Campaign", "Campaign HQ", "camp", "admin")
    _invitation, link = service.add_supplier(key, "ProCom", "calls", "admin")  # version 2
    session = service.claim(link)
    assert session is not None
    service.view(key, viewer="user:admin", mark_seen=True)
    e = service.workspace.engine
    for statement, params in [
        (_head_query(), {"key": key, "viewer": "user:admin"}),
        (_head_query(), {"key": key, "viewer": "nobody"}),  # a NULL in the row
        (_invitations_query("key"), {"value": key}),
        (_session_query(), {"token_hash": token_hash(session)}),
        (_session_query(), {"token_hash": "none"}),
    ]:
        fast = FastSelect(statement)
        assert [tuple(r) for r in fast.all(e, **params)] == _rows(e, statement, **params)
    head = FastSelect(_head_query()).first(e, key=key, viewer="user:admin")
    assert head is not None
    assert head.version == 2
    assert head.seen is not None
    assert isinstance(head.created_at, datetime)


def test_times_json_and_a_limit(engine: sa.Engine) -> None:
    at = datetime(2019, 12, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        chain_id = conn.execute(
            sa.insert(t.chains).values(key="k", created_at=at).returning(t.chains.c.id)
        ).scalar_one()
        version_id = conn.execute(
            sa.insert(t.chain_versions)
            .values(chain_id=chain_id, version=1, name="n", content="{}", content_hash="h",
                    source=None, created_at=at, created_by="me")
            .returning(t.chain_versions.c.id)
        ).scalar_one()  # fmt: skip
        for n in range(3):
            conn.execute(
                sa.insert(t.runs).values(
                    chain_version_id=version_id, at=at, by="me", policy="p",
                    lists=[{"name": "facilities", "n": n}],
                )
            )  # fmt: skip
    statement = (
        sa.select(t.runs.c.id, t.runs.c.at, t.runs.c.lists, t.chain_versions.c.source)
        .join(t.chain_versions, t.chain_versions.c.id == t.runs.c.chain_version_id)
        .where(t.runs.c.at >= sa.bindparam("since", type_=t.runs.c.at.type))
        .order_by(t.runs.c.id.desc())
        .limit(2)
    )
    fast = FastSelect(statement)
    found = fast.all(engine, since=datetime(2019, 1, 1, tzinfo=UTC))
    assert [tuple(r) for r in found] == _rows(
        engine, statement, since=datetime(2019, 1, 1, tzinfo=UTC)
    )
    assert len(found) == 2  # the statement's own LIMIT
    assert found[0].lists == [{"name": "facilities", "n": 2}]
    assert found[0].source is None
    assert fast.all(engine, since=datetime(2020, 1, 1, tzinfo=UTC)) == []
    assert fast.first(engine, since=datetime(2020, 1, 1, tzinfo=UTC)) is None


def test_a_driver_error_is_sqlalchemys(engine: sa.Engine) -> None:
    missing = sa.table("no_such_table", sa.column("x"))
    with pytest.raises(sa.exc.DBAPIError):
        FastSelect(sa.select(missing.c.x)).all(engine)
    # The connection went back to the pool in a usable state.
    assert FastSelect(sa.select(t.chains.c.key)).all(engine) == []
