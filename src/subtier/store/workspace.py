"""The workspace: saved chain versions and the audit trail, in SQLite or PostgreSQL.

This is the one class that talks to the database. SQLite is the embedded default (one file,
WAL mode); ``SUBTIER_DATABASE_URL`` selects PostgreSQL. Every write is one transaction, so a
crash or a bad record leaves the workspace as it was.

One file because it is the one class that talks to the database for versions, runs and the audit
trail: every transaction and lock is in sight of the others.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Select,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from subtier.core.model import Chain
from subtier.core.policy import Severity
from subtier.core.review import CONFIRM, DISMISS, Decision, Tracked
from subtier.core.screen import ListInfo, RiskList
from subtier.core.screen.kinds import ListKind
from subtier.errors import InputError
from subtier.store import tables as t
from subtier.store.audit import GENESIS, AuditRecord, Broken, record_hash, verify
from subtier.store.integrity import COVERS, findings_digest
from subtier.store.locks import sqlite_writer

DEFAULT_PATH = "subtier.db"
DEFAULT_TEAM = "default"  # what accounts and chains join when no team is named


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
    row_id: int = field(default=0, compare=False)

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
        team: int | None = None,
    ) -> tuple[ChainVersion, bool]:
        """Save a new version of a chain; returns it, and False if it equals the latest version.
        A new chain joins ``team`` (a team's id), else the default team; a chain keeps its
        team."""
        key = key or chain_key(chain)
        content = canonical(chain)
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        who = actor(by)
        for attempt in range(20):
            try:
                with _Writer(self.engine) as conn:
                    now = _now()
                    chain_id = conn.execute(_CHAIN_ID, {"key": key}).scalar()
                    if chain_id is None:
                        chain_id = conn.execute(
                            insert(t.chains)
                            .values(
                                key=key, created_at=now,
                                team_id=team if team is not None else default_team(conn),
                            )
                            .returning(t.chains.c.id)
                        ).scalar_one()  # fmt: skip
                    latest = conn.execute(_LATEST_VERSION, {"chain_id": chain_id}).first()
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
                    row_id = conn.execute(_ADD_VERSION, row).scalar_one()
                    _append_audit(
                        conn, who, "chain.add", f"{key} v{number}",
                        {"source": source, "name": chain.name, "sites": len(chain.sites),
                         "engagements": len(chain.engagements)},
                        digest, now,
                    )  # fmt: skip
                    return (
                        ChainVersion(key, number, chain.name, digest, now, who, source, row_id),
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
        if hashlib.sha256(row.content.encode("utf-8")).hexdigest() != row.content_hash:
            # Edited in the database: what it says is not what was saved (see audit verify).
            raise InputError(
                f"saved chain {key} v{row.version} does not match its hash: it was changed "
                "after it was saved; `subtier audit verify` says more"
            )
        return _version(key, row), Chain.model_validate_json(row.content)

    def audit_records(self) -> Iterator[AuditRecord]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(t.audit).order_by(t.audit.c.seq)):
                yield _record(row)

    def verify_audit(self) -> tuple[int, Broken | None]:
        """Check the whole audit trail, and the data it vouches for: the chain of records, then
        each stored chain version, run, decision, disclosure and signature recomputed from its
        rows, and each attached file hashed again. Returns the count of records checked and the
        first break, if any."""
        from subtier.store.files import files_folder
        from subtier.store.integrity import verify_data

        # One read transaction: the records and the rows as of one moment.
        with self.engine.connect() as conn, conn.begin():
            records = [
                _record(row) for row in conn.execute(select(t.audit).order_by(t.audit.c.seq))
            ]
            count, broken = verify(records)
            if broken is None:
                broken = verify_data(conn, records, files_folder(self.url))
        return count, broken

    def log(
        self, action: str, subject: str, details: dict[str, Any], by: str | None = None
    ) -> None:
        """Append one record to the audit trail on its own."""
        with _Writer(self.engine) as conn:
            _append_audit(conn, actor(by), action, subject, details, None, _now())

    # Lists ---------------------------------------------------------------------------------

    def add_list_version(
        self, name: str, path: Path, by: str | None = None, kind: ListKind | None = None
    ) -> ListInfo:
        """Bring in a new version of a list from a file. It is loaded and checked first, and
        saved in one transaction, so a bad or partial file leaves the current version in force.

        The version is registered as the list in force for every command (``subtier lists``,
        ``check``, ``screen``), and kept here with its content for the audit trail and for
        workspaces on other machines."""
        from subtier.lists.registry import list_format, register_list

        check_list_name(name)
        registered = register_list(name, path, kind, bundled=True)  # InputError names the line
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        who = actor(by)
        with _Writer(self.engine) as conn:
            now = _now()
            version = registered.version  # the same version every command reports
            conn.execute(
                insert(t.list_versions).values(
                    name=name, version=version, format=list_format(path),
                    entries=registered.entries, content=raw, content_hash=digest,
                    source=str(path), created_at=now, created_by=who,
                )
            )  # fmt: skip
            _append_audit(
                conn, who, "list.update", f"{name} {version}",
                {"source": str(path), "entries": registered.entries}, digest, now,
            )  # fmt: skip
        return registered

    def lists(self) -> list[RiskList]:
        """The lists in force: the facility list every command uses, and each list brought in
        here, in the version registered on this machine (the newest stored one where this
        machine has none registered)."""
        from subtier.lists import FACILITIES, facilities_in_force
        from subtier.lists.registry import find_registration, load_registered

        newest = (
            select(func.max(t.list_versions.c.id))
            .group_by(t.list_versions.c.name)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.list_versions)
                .where(t.list_versions.c.id.in_(newest))
                .order_by(t.list_versions.c.name)
            ).all()
        loaded: dict[str, RiskList] = {}
        for row in rows:
            if find_registration(row.name) is not None:
                loaded[row.name] = load_registered(row.name)
            elif row.name != FACILITIES:
                loaded[row.name] = _load_stored(row)
        if FACILITIES not in loaded:
            stored = [r for r in rows if r.name == FACILITIES]
            in_force = facilities_in_force()
            if stored and in_force.info.version != stored[0].version:
                in_force = _load_stored(stored[0])  # brought in on another machine
            loaded[FACILITIES] = in_force
        return [loaded.pop(FACILITIES), *loaded.values()]

    # Runs and review ------------------------------------------------------------------------

    def record_run(
        self,
        version: ChainVersion,
        tracked: list[Tracked],
        policy: str,
        lists: list[ListInfo],
        by: str | None = None,
    ) -> int:
        """Store one check run of a chain version with all its findings."""
        who = actor(by)
        used = [{"name": i.name, "version": i.version, "entries": i.entries} for i in lists]
        with _Writer(self.engine) as conn:
            now = _now()
            run_id = conn.execute(
                _ADD_RUN,
                {"chain_version_id": version.row_id, "at": now, "by": who, "policy": policy,
                 "lists": used},
            ).scalar_one()  # fmt: skip
            if tracked:
                conn.execute(
                    _ADD_FINDING,
                    [
                        {
                            "run_id": run_id, "key": item.key, "evidence_hash": item.evidence_hash,
                            "rule": item.body["rule"], "severity": item.severity.value,
                            "subject_kind": item.body["subject"]["kind"],
                            "subject_id": item.body["subject"]["id"], "body": dict(item.body),
                        }
                        for item in tracked
                    ],
                )  # fmt: skip
                conn.execute(_first_found_insert(), {"run_id": run_id, "at": now})
            stored = conn.execute(_RUN_FINDINGS, {"run_id": run_id}).all()
            _append_audit(
                conn, who, "check.run", version.label(),
                {"run": run_id, "findings": len(tracked), "lists": used, "policy": policy,
                 COVERS: "findings"},
                findings_digest(dict(r._mapping) for r in stored), now,
            )  # fmt: skip
        return int(run_id)

    def latest_findings(self, key: str, before: int | None = None) -> list[Tracked] | None:
        """Findings of the chain's latest run (or of its latest run before run ``before``);
        None if it was never run."""
        query = (
            select(t.runs.c.id)
            .join(t.chain_versions, t.chain_versions.c.id == t.runs.c.chain_version_id)
            .join(t.chains, t.chains.c.id == t.chain_versions.c.chain_id)
            .where(t.chains.c.key == key)
            .order_by(t.runs.c.id.desc())
            .limit(1)
        )
        if before is not None:
            query = query.where(t.runs.c.id < before)
        with self.engine.connect() as conn:
            run_id = conn.execute(query).scalar()
            if run_id is None:
                return None
            rows = conn.execute(
                select(t.findings).where(t.findings.c.run_id == run_id).order_by(t.findings.c.id)
            ).all()
        return [Tracked(r.key, r.evidence_hash, Severity(r.severity), r.body) for r in rows]

    def decisions(self, key: str) -> dict[str, Decision]:
        """The latest decision on each finding of a chain, whatever version it was made on."""
        with self.engine.connect() as conn:
            rows = conn.execute(_DECISIONS, {"key": key}).all()
        return {
            r.finding_key: Decision(
                r.finding_key, r.evidence_hash, r.decision, r.reason, r.by, _utc(r.at).isoformat()
            )
            for r in rows
        }

    def decide(
        self, key: str, ref: str, decision: str, reason: str, by: str | None = None
    ) -> Tracked:
        """Record a reviewer's decision on a finding of the chain's latest run, by its ref."""
        if decision not in (DISMISS, CONFIRM):
            raise InputError(f"unknown decision {decision!r}; use {DISMISS} or {CONFIRM}")
        if not reason.strip():
            raise InputError("a decision needs a reason")
        current = self.latest_findings(key)
        if current is None:
            raise InputError(f"chain {key!r} has no run to review; run `subtier monitor` first")
        matches = [item for item in current if item.ref.startswith(ref)] if ref else []
        if len(matches) != 1:
            what = "no finding" if not matches else f"{len(matches)} findings"
            raise InputError(f"{what} of {key!r} has the ref {ref!r}; `subtier review` lists them")
        item = matches[0]
        who = actor(by)
        with _Writer(self.engine) as conn:
            now = _now()
            chain_id = conn.execute(select(t.chains.c.id).where(t.chains.c.key == key)).scalar_one()
            decision_id = conn.execute(
                insert(t.decisions)
                .values(
                    chain_id=chain_id, finding_key=item.key, evidence_hash=item.evidence_hash,
                    decision=decision, reason=reason, by=who, at=now,
                )
                .returning(t.decisions.c.id)
            ).scalar_one()  # fmt: skip
            _append_audit(
                conn, who, f"review.{decision}", f"{key} {item.ref}",
                {"finding": item.key, "reason": reason, "id": decision_id},
                item.evidence_hash, now,
            )  # fmt: skip
        return item

    def run_findings(self, run_id: int) -> list[Tracked]:
        """The findings of one run, in their order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.findings).where(t.findings.c.run_id == run_id).order_by(t.findings.c.id)
            ).all()
        return [Tracked(r.key, r.evidence_hash, Severity(r.severity), r.body) for r in rows]

    def seen(self, viewer: str, key: str) -> int | None:
        """The latest run of a chain that ``viewer`` (a buyer's account, or ``monitor``) was
        shown, if any: what its "new" findings are new against."""
        query = (
            select(t.seen.c.run_id)
            .join(t.chains, t.chains.c.id == t.seen.c.chain_id)
            .where(t.chains.c.key == key, t.seen.c.viewer == viewer)
        )
        with self.engine.connect() as conn:
            found = conn.execute(query).scalar()
        return int(found) if found is not None else None

    def mark_seen(self, viewer: str, key: str, run_id: int) -> None:
        """Remember that ``viewer`` has been shown run ``run_id`` of the chain."""
        for attempt in range(20):
            try:
                with _Writer(self.engine) as conn:
                    chain_id = conn.execute(_CHAIN_ID, {"key": key}).scalar_one()
                    values = {
                        "viewer": viewer,
                        "chain_id": chain_id,
                        "run_id": run_id,
                        "at": _now(),
                    }
                    done = conn.execute(
                        _MARK_SEEN, {"b_viewer": viewer, "b_chain": chain_id, **values}
                    )
                    if done.rowcount == 0:
                        conn.execute(_ADD_SEEN, values)
                    return
            except (IntegrityError, OperationalError) as error:
                if attempt == 19 or not _retryable(error):
                    raise
                time.sleep(0.05 * (attempt + 1))

    def seen_runs(self, viewer: str) -> dict[str, int]:
        """The latest run ``viewer`` was shown of each chain it has opened, by chain key: one
        read for the whole chain list, not one a chain."""
        query = (
            select(t.chains.c.key, t.seen.c.run_id)
            .join(t.chains, t.chains.c.id == t.seen.c.chain_id)
            .where(t.seen.c.viewer == viewer)
        )
        with self.engine.connect() as conn:
            return {str(k): int(r) for k, r in conn.execute(query).all()}

    def first_seen(self, key: str, run_id: int) -> dict[str, datetime]:
        """When each finding of run ``run_id`` was first found in the chain: the time of the
        earliest run of the chain with a finding of the same key, kept as runs are recorded."""
        with self.engine.connect() as conn:
            rows = conn.execute(_first_seen_query(), {"run_id": run_id, "key": key}).all()
        return {str(k): _utc(at) for k, at in rows}

    def chain_keys(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(t.chains.c.key).order_by(t.chains.c.key)).scalars())


LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_list_name(name: str) -> str:
    if not LIST_NAME.match(name):
        raise InputError(
            f"bad list name {name!r}: lower-case letters, digits, '-' and '_', up to 64 characters"
        )
    return name


def _load_stored(row: Any) -> RiskList:
    from subtier.lists.registry import load_path

    suffix = ".csv" if row.format == "csv" else ".ftm.json"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{row.name}{suffix}"
        path.write_bytes(row.content)
        kind = ListKind.FACILITIES if row.name == "facilities" else None
        loaded = load_path(path, row.name, kind)
    info = replace(loaded.info, version=row.version, source=row.source or "workspace")
    return RiskList(info, loaded.records, loaded.prepared, loaded.details)


def _record(row: Any) -> AuditRecord:
    return AuditRecord(
        seq=row.seq, at=row.at, actor=row.actor, action=row.action, subject=row.subject,
        details=row.details, content_hash=row.content_hash, prev_hash=row.prev_hash,
        hash=row.hash,
    )  # fmt: skip


# The statements of the busiest writes, built once: building one (its clauses, its bound
# values, its cache key) cost more than running it, on every save of a portal step.
_LAST_AUDIT = select(t.audit.c.seq, t.audit.c.hash).order_by(t.audit.c.seq.desc()).limit(1)
_ADD_AUDIT = insert(t.audit)
_ADD_RUN = insert(t.runs).returning(t.runs.c.id)
_ADD_FINDING = insert(t.findings)
_RUN_FINDINGS = (
    select(t.findings).where(t.findings.c.run_id == bindparam("run_id")).order_by(t.findings.c.id)
)
_CHAIN_ID = select(t.chains.c.id).where(t.chains.c.key == bindparam("key"))
_LATEST_VERSION = (
    select(t.chain_versions)
    .where(t.chain_versions.c.chain_id == bindparam("chain_id"))
    .order_by(t.chain_versions.c.version.desc())
    .limit(1)
)
_ADD_VERSION = insert(t.chain_versions).returning(t.chain_versions.c.id)
_MARK_SEEN = (
    update(t.seen)
    .where(t.seen.c.viewer == bindparam("b_viewer"), t.seen.c.chain_id == bindparam("b_chain"))
    .values(run_id=bindparam("run_id"), at=bindparam("at"))
)
_ADD_SEEN = insert(t.seen)
_DECISIONS = (
    select(t.decisions)
    .join(t.chains, t.chains.c.id == t.decisions.c.chain_id)
    .where(t.chains.c.key == bindparam("key"))
    .order_by(t.decisions.c.id)
)


@functools.cache
def _first_found_insert() -> Any:
    """The keys of a run's findings that its chain had never had, with the time of the run.
    In the run's own transaction: the writer holds the write lock, so no other run of the
    chain can add the same key meanwhile."""
    f, v = t.findings, t.chain_versions
    chain = (
        select(v.c.chain_id)
        .join(t.runs, t.runs.c.chain_version_id == v.c.id)
        .where(t.runs.c.id == bindparam("run_id"))
        .scalar_subquery()
    )
    known = select(t.first_found.c.key).where(
        t.first_found.c.chain_id == chain, t.first_found.c.key == f.c.key
    )
    new = (
        select(chain, f.c.key, bindparam("at", type_=DateTime(timezone=True)))
        .where(f.c.run_id == bindparam("run_id"), ~known.exists())
        .group_by(f.c.key)
    )
    return insert(t.first_found).from_select(["chain_id", "key", "at"], new)


@functools.cache
def _first_seen_query() -> Select[Any]:
    ff = t.first_found
    return (
        select(t.findings.c.key, ff.c.at)
        .join(ff, ff.c.key == t.findings.c.key)
        .join(t.chains, t.chains.c.id == ff.c.chain_id)
        .where(t.findings.c.run_id == bindparam("run_id"), t.chains.c.key == bindparam("key"))
    )


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class _Writer:
    """A write transaction that holds the database's write lock from its start.

    Transactions that append to the audit trail take it, so that two processes never both
    extend the hash chain from the same record.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None
        self._queued = sqlite_writer(engine)

    def __enter__(self) -> Connection:
        self._queued.__enter__()
        try:
            conn = self.engine.connect()
        except BaseException:
            self._queued.__exit__(None, None, None)
            raise
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
            try:
                self.conn.close()
            finally:
                self._queued.__exit__(None, None, None)


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
    if url.startswith("postgresql"):
        from subtier.extras import require_extra

        require_extra("postgres")
    return create_engine(url, pool_pre_ping=True)


def _retryable(error: Exception) -> bool:
    text_ = str(error).lower()
    return any(s in text_ for s in ("unique", "locked", "busy", "deadlock", "serializ"))


def _now() -> datetime:
    return datetime.now(UTC)


def _version(key: str, row: Any) -> ChainVersion:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return ChainVersion(
        key, row.version, row.name, row.content_hash, created, row.created_by, row.source, row.id
    )


def default_team(conn: Connection) -> int:
    """The team that accounts and chains join when none is named (created by migration 0005;
    made again if someone deleted it)."""
    found = conn.execute(select(t.teams.c.id).where(t.teams.c.name == DEFAULT_TEAM)).scalar()
    if found is None:
        found = conn.execute(
            insert(t.teams)
            .values(name=DEFAULT_TEAM, created_at=datetime.now(UTC))
            .returning(t.teams.c.id)
        ).scalar_one()
    return int(found)


def _append_audit(
    conn: Connection,
    who: str,
    action: str,
    subject: str,
    details: dict[str, Any],
    content_hash: str | None,
    at: datetime,
) -> None:
    last = conn.execute(_LAST_AUDIT).first()
    seq = (last.seq if last else 0) + 1
    prev = last.hash if last else GENESIS
    digest = record_hash(seq, at, who, action, subject, details, content_hash, prev)
    conn.execute(
        _ADD_AUDIT,
        {"seq": seq, "at": at, "actor": who, "action": action, "subject": subject,
         "details": details, "content_hash": content_hash, "prev_hash": prev, "hash": digest},
    )  # fmt: skip


__all__ = ["ChainVersion", "Workspace", "actor", "chain_key", "database_url"]
