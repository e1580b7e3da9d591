"""The store test harness itself: both backends are real, fresh and isolated per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from .conftest import PostgresServer

DOCUMENT: dict[str, Any] = {
    "supplier": "Procom Facility Services",
    "sites": [{"id": "taft", "workers": 12, "share": 0.25}, {"id": "zürich", "active": False}],
    "notes": None,
}


@contextmanager
def connect(url: str) -> Iterator[Engine]:
    engine = sa.create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def events_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def test_json_and_timestamptz_round_trip(database_url: str, backend: str) -> None:
    metadata = sa.MetaData()
    events = events_table(metadata)
    in_utc = datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    in_kolkata = datetime(
        2024, 3, 1, 18, 0, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))
    )
    with connect(database_url) as engine:
        metadata.create_all(engine)
        if backend == "postgresql":
            columns = {c["name"]: c["type"] for c in sa.inspect(engine).get_columns("events")}
            assert isinstance(columns["payload"], sa.JSON)
            assert isinstance(columns["at"], sa.DateTime)
            assert columns["at"].timezone  # timestamp with time zone
        with engine.begin() as conn:
            conn.execute(events.insert(), [{"id": 1, "payload": DOCUMENT, "at": in_utc}])
            if backend == "postgresql":
                conn.execute(events.insert(), [{"id": 2, "payload": [], "at": in_kolkata}])
        with engine.connect() as conn:
            rows = conn.execute(sa.select(events).order_by(events.c.id)).all()

    assert rows[0].payload == DOCUMENT
    if backend == "postgresql":
        # timestamptz keeps the instant and returns an aware value.
        assert rows[0].at == in_utc
        assert rows[0].at.tzinfo is not None
        # Same instant written with another offset.
        assert rows[1].at == in_kolkata == in_utc
    else:
        # SQLite has no time zone type: SQLAlchemy stores the wall-clock text and returns a
        # naive value. The store must therefore write UTC and read naive values back as UTC.
        assert rows[0].at.tzinfo is None
        assert rows[0].at.replace(tzinfo=UTC) == in_utc


def test_backend_is_real_and_database_fresh(
    database_url: str, backend: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    with connect(database_url) as engine:
        assert engine.dialect.name == backend
        assert sa.inspect(engine).get_table_names() == []
        with engine.connect() as conn:
            if backend == "postgresql":
                assert engine.dialect.driver == "psycopg"
                version = engine.dialect.server_version_info
                assert version is not None
                assert version >= (15,)
                assert (
                    conn.execute(sa.text("SELECT current_database()")).scalar_one() == url.database
                )
                assert conn.execute(sa.text("SHOW server_encoding")).scalar_one() == "UTF8"
            else:
                assert conn.execute(sa.text("SELECT sqlite_version()")).scalar_one()
                assert url.database == f"{tmp_path}/subtier.db"


def test_databases_do_not_see_each_other(make_database_url: Callable[[], str]) -> None:
    first, second = make_database_url(), make_database_url()
    assert first != second
    metadata = sa.MetaData()
    events_table(metadata)
    with connect(first) as engine_a, connect(second) as engine_b:
        metadata.create_all(engine_a)
        sa.Table("only_in_second", sa.MetaData(), sa.Column("id", sa.Integer)).create(engine_b)
        assert sa.inspect(engine_a).get_table_names() == ["events"]
        assert sa.inspect(engine_b).get_table_names() == ["only_in_second"]


def test_postgres_databases_are_dropped_even_with_open_connections(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database()
    name = make_url(url).database
    assert name is not None
    assert name.startswith("t_")
    assert postgres_server.database_exists(name)
    with connect(url) as engine:
        left_open = engine.connect()
        left_open.execute(sa.text("SELECT 1"))
        postgres_server.drop_database(name)
        assert not postgres_server.database_exists(name)
        # The server ended that session: discard it without the rollback a close would send.
        left_open.invalidate()
