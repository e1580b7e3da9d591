"""Database fixtures for the store tests: every test runs on SQLite and on a real PostgreSQL.

``database_url`` gives each test a fresh, empty database and is parametrized by ``backend``
(test ids ``[sqlite]`` and ``[postgresql]``). To run a test on one backend only, parametrize
``backend`` directly: ``@pytest.mark.parametrize("backend", ["postgresql"])``.

PostgreSQL needs a server named by ``SUBTIER_TEST_POSTGRES_URL`` (a superuser URL on its
``postgres`` database); ``scripts/with-postgres.sh`` starts a throwaway one and sets it, and
``make test`` runs pytest through that script. Without it the PostgreSQL tests skip, except
under CI (``CI=true``), where they fail so that a broken harness cannot pass unnoticed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

POSTGRES_URL_ENV = "SUBTIER_TEST_POSTGRES_URL"
SKIP_REASON = "PostgreSQL not available: run through scripts/with-postgres.sh (make test does)"
BACKENDS = ("sqlite", "postgresql")
DATABASE_PREFIX = "t_"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


class PostgresServer:
    """Creates and drops throwaway databases through one AUTOCOMMIT engine kept for the session.

    Each database is a copy of template1 (a few milliseconds); only the admin connection is
    shared, so tests never see each other's tables.
    """

    def __init__(self, url: str) -> None:
        self.url: URL = make_url(url)
        self._admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._created: list[str] = []

    def check(self) -> None:
        """Fails with a clear message when the server is unreachable or not PostgreSQL."""
        try:
            with self._admin.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as exc:
            safe = self.url.render_as_string(hide_password=True)
            pytest.fail(f"{POSTGRES_URL_ENV}={safe} is set but unusable: {exc}", pytrace=False)

    def _quote(self, name: str) -> str:
        return self._admin.dialect.identifier_preparer.quote(name)

    def create_database(self) -> str:
        """Creates an empty database with a unique name and returns its URL."""
        name = f"{DATABASE_PREFIX}{uuid.uuid4().hex}"
        with self._admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {self._quote(name)}"))
        self._created.append(name)
        return self.url_for(name)

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, name: str) -> None:
        """Drops a database, ending any connection a test left open to it (PostgreSQL 13+)."""
        with self._admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {self._quote(name)} WITH (FORCE)"))
        if name in self._created:
            self._created.remove(name)

    def database_exists(self, name: str) -> bool:
        with self._admin.connect() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
        return found is not None

    def close(self) -> None:
        """Drops what teardown left behind and closes the admin connections."""
        try:
            for name in reversed(self._created):
                self.drop_database(name)
        finally:
            self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test PostgreSQL server; skips (fails under CI) when none is configured."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        if in_ci():
            pytest.fail(f"{SKIP_REASON} [CI=true: failing instead of skipping]", pytrace=False)
        pytest.skip(SKIP_REASON)
    server = PostgresServer(url)
    server.check()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: "sqlite" or "postgresql"."""
    name: str = request.param
    return name


@pytest.fixture
def make_database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """Returns a function giving the URL of a new empty database on this test's backend.

    Every database it made is dropped (PostgreSQL) or left in ``tmp_path`` (SQLite) afterwards.
    """
    if backend == "sqlite":
        count = 0

        def make_sqlite() -> str:
            nonlocal count
            count += 1
            stem = "subtier" if count == 1 else f"subtier-{count}"
            return f"sqlite:///{tmp_path}/{stem}.db"

        yield make_sqlite
        return

    if backend != "postgresql":
        raise ValueError(f"unknown backend {backend!r}; expected one of {BACKENDS}")
    # Looked up here, not declared as an argument, so SQLite-only runs never need a server.
    server: PostgresServer = request.getfixturevalue("postgres_server")
    created: list[str] = []

    def make_postgres() -> str:
        url = server.create_database()
        created.append(url)
        return url

    yield make_postgres
    for url in reversed(created):
        name = make_url(url).database
        assert name is not None
        server.drop_database(name)


@pytest.fixture
def database_url(make_database_url: Callable[[], str]) -> str:
    """URL of a fresh, empty database for this test (``sqlite:///...`` or ``postgresql+psycopg://...``)."""
    return make_database_url()


@pytest.fixture(autouse=True)
def own_lists(subtier_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder per test: a list version one test brings in is in force for every command
    (the file registry is the machine's), so it must not reach the next test. Prepared lists
    are shared: they are keyed by content, whoever made them."""
    folder = tmp_path / "subtier-home"
    folder.mkdir()
    (subtier_home / "prepared").mkdir(exist_ok=True)
    (folder / "prepared").symlink_to(subtier_home / "prepared")
    monkeypatch.setenv("SUBTIER_HOME", str(folder))
    return folder
