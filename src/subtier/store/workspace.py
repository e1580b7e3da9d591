"""The workspace: saved chain versions and the audit trail, in SQLite or PostgreSQL.

This is the one class that talks to the database. SQLite is the embedded default (one file,
WAL mode); ``SUBTIER_DATABASE_URL`` selects PostgreSQL. Every write is one transaction, so a
crash or a bad record leaves the workspace as it was.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from subtier.errors import InputError
from subtier.model import Chain
from subtier.store import tables as t
from subtier.store.audit import GENESIS, AuditRecord, Broken, record_hash, verify

DEFAULT_PATH = "subtier.db"


def database_url(url: str | None = None) -> str:
    """The URL given, else ``SUBTIER_DATABASE_URL``, else ``subtier.db`` in this folder."""
    return url or os.environ.get("SUBTIER_DATABASE_URL") or f"sqlite:///{DEFAULT_PATH}"


def actor(name: str | None = None) -> str:
    """Who is acting: the name given, else ``SUBTIER_USER``, else the login name."""
    if name:
        return name
    try:
        return os.environ.get("SUBTIER_USER") or getpass.getuser()
    except OSError:
        return "unknown"


@dataclass(frozen=True)
class ChainVersion:
    """One saved, immutable version of a chain."""

    key: str
    version: int
    name: str
    content_hash: str
    created_at: datetime
    created_by: str
    source: str | None

    def label(self) -> str:
        return f"{self.key} v{self.version}"


def chain_key(chain: Chain) -> str:
    """A chain's default key in the workspace: its name as a slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", chain.name.lower()).strip("-")
    return slug[:200] or "chain"


def canonical(chain: Chain) -> str:
    return json.dumps(
        chain.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Workspace:
    """Saved chains and their history."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self.engine: Engine = _engine(self.url)
        from subtier.store.migrate import upgrade

        upgrade(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_chain(
        self,
        chain: Chain,
        *,
        key: str | None = None,
        source: str | None = None,
        by: str | None = None,
    ) -> tuple[ChainVersion, bool]:
        """Save a new version of a chain; returns it, and False if it equals the latest version."""
        key = key or chain_key(chain)
        content = canonical(chain)
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        who = actor(by)
        for attempt in range(20):
            try:
                with _Writer(self.engine) as conn:
                    now = _now()
                    chain_id = conn.execute(
                        select(t.chains.c.id).where(t.chains.c.key == key)
                    ).scalar()
                    if chain_id is None:
                        chain_id = conn.execute(
                            insert(t.chains)
                            .values(key=key, created_at=now)
                            .returning(t.chains.c.id)
                        ).scalar_one()
                    latest = conn.execute(
                        select(t.chain_versions)
                        .where(t.chain_versions.c.chain_id == chain_id)
                        .order_by(t.chain_versions.c.version.desc())
                        .limit(1)
                    ).first()
                    if latest is not None and latest.content_hash == digest:
                        return _version(key, latest), False
                    number = (latest.version if latest else 0) + 1
                    row = {
                        "chain_id": chain_id,
                        "version": number,
                        "name": chain.name,
                        "content": content,
                        "content_hash": digest,
                        "source": source,
                        "created_at": now,
                        "created_by": who,
                    }
                    conn.execute(insert(t.chain_versions).values(**row))
                    _append_audit(
                        conn, who, "chain.add", f"{key} v{number}",
                        {"source": source, "name": chain.name, "sites": len(chain.sites),
                         "engagements": len(chain.engagements)},
                        digest, now,
                    )  # fmt: skip
                    return (
                        ChainVersion(key, number, chain.name, digest, now, who, source),
                        True,
                    )
            except (IntegrityError, OperationalError) as error:
                if attempt == 19 or not _retryable(error):
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def versions(self, key: str | None = None) -> list[ChainVersion]:
        """Every saved version, of one chain or of all, oldest first."""
        query = (
            select(t.chains.c.key, t.chain_versions)
            .join(t.chains, t.chains.c.id == t.chain_versions.c.chain_id)
            .order_by(t.chains.c.key, t.chain_versions.c.version)
        )
        if key is not None:
            query = query.where(t.chains.c.key == key)
        with self.engine.connect() as conn:
            return [_version(row.key, row) for row in conn.execute(query)]

    def chain(self, key: str, version: int | None = None) -> tuple[ChainVersion, Chain]:
        """A saved chain: the given version, or the latest."""
        query = (
            select(t.chains.c.key, t.chain_versions)
            .join(t.chains, t.chains.c.id == t.chain_versions.c.chain_id)
            .where(t.chains.c.key == key)
        )
        query = (
            query.where(t.chain_versions.c.version == version)
            if version is not None
            else query.order_by(t.chain_versions.c.version.desc()).limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            known = sorted({v.key for v in self.versions()})
            what = f"{key} v{version}" if version is not None else key
            hint = f"; saved chains: {', '.join(known)}" if known else "; the workspace is empty"
            raise InputError(f"no saved chain {what}{hint}")
        return _version(key, row), Chain.model_validate_json(row.content)

    def audit_records(self) -> Iterator[AuditRecord]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(t.audit).order_by(t.audit.c.seq)):
                yield AuditRecord(
                    seq=row.seq,
                    at=row.at,
                    actor=row.actor,
                    action=row.action,
                    subject=row.subject,
                    details=row.details,
                    content_hash=row.content_hash,
                    prev_hash=row.prev_hash,
                    hash=row.hash,
                )

    def verify_audit(self) -> tuple[int, Broken | None]:
        """Check the whole audit trail; returns the count checked and the first break, if any."""
        return verify(self.audit_records())

    def log(
        self, action: str, subject: str, details: dict[str, Any], by: str | None = None
    ) -> None:
        """Append one record to the audit trail on its own."""
        with _Writer(self.engine) as conn:
            _append_audit(conn, actor(by), action, subject, details, None, _now())


class _Writer:
    """A write transaction that holds the database's write lock from its start.

    Transactions that append to the audit trail take it, so that two processes never both
    extend the hash chain from the same record.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def __enter__(self) -> Connection:
        conn = self.engine.connect()
        self.conn = conn
        if self.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.begin()
            conn.exec_driver_sql("LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE")
        return conn

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        assert self.conn is not None
        try:
            if self.engine.dialect.name == "sqlite":
                self.conn.exec_driver_sql("ROLLBACK" if kind else "COMMIT")
            elif kind:
                self.conn.rollback()
            else:
                self.conn.commit()
        finally:
            self.conn.close()


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # The driver's own transaction handling is off: _Writer issues BEGIN IMMEDIATE itself.
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True)


def _retryable(error: Exception) -> bool:
    text_ = str(error).lower()
    return any(s in text_ for s in ("unique", "locked", "busy", "deadlock", "serializ"))


def _now() -> datetime:
    return datetime.now(UTC)


def _version(key: str, row: Any) -> ChainVersion:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return ChainVersion(
        key, row.version, row.name, row.content_hash, created, row.created_by, row.source
    )


def _append_audit(
    conn: Connection,
    who: str,
    action: str,
    subject: str,
    details: dict[str, Any],
    content_hash: str | None,
    at: datetime,
) -> None:
    last = conn.execute(
        select(t.audit.c.seq, t.audit.c.hash).order_by(t.audit.c.seq.desc()).limit(1)
    ).first()
    seq = (last.seq if last else 0) + 1
    prev = last.hash if last else GENESIS
    digest = record_hash(seq, at, who, action, subject, details, content_hash, prev)
    conn.execute(
        insert(t.audit).values(
            seq=seq, at=at, actor=who, action=action, subject=subject, details=details,
            content_hash=content_hash, prev_hash=prev, hash=digest,
        )
    )  # fmt: skip


__all__ = ["ChainVersion", "Workspace", "actor", "chain_key", "database_url"]
