"""The web portal's records: buyer accounts, sessions, invitations, disclosures, attestations.

They live in the workspace's database, next to the chains they are about. Tokens and passwords
are never stored, only their hashes. Time is passed in, so that expiry can be tested without
waiting.

One file because the portal's records share one transaction helper and one way of appending to
the audit trail: a change and its audit record are always written in one transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    bindparam,
    delete,
    func,
    insert,
    select,
    type_coerce,
    union,
    update,
)
from sqlalchemy.exc import IntegrityError

from subtier.core.policy import Severity
from subtier.core.review import Tracked
from subtier.store import tables as t
from subtier.store.audit import row_digest
from subtier.store.fast import FastSelect
from subtier.store.integrity import COVERS, attestation_data, disclosure_data
from subtier.store.locks import sqlite_writer
from subtier.store.workspace import DEFAULT_TEAM, ChainVersion, _append_audit, default_team

Entry = tuple[str, str]  # who, and the subject of an audit record

INVITED, OPENED, SUBMITTED, OVERDUE = "invited", "opened", "submitted", "overdue"


@contextmanager
def _transaction(engine: Engine, audit: bool = False) -> Iterator[Connection]:
    """One transaction. The workspace turns off the SQLite driver's own transaction handling,
    so on SQLite it is begun by hand, taking the write lock at once. One that appends to the
    audit trail (``audit``) takes the trail's lock on PostgreSQL, as the workspace's do."""
    with sqlite_writer(engine), engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            with conn.begin():
                if audit:
                    conn.exec_driver_sql("LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE")
                yield conn
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Invitation:
    """An invitation to disclose one engagement of one chain."""

    id: int
    chain: str
    engagement: str
    supplier: str
    parent_id: int | None
    invited_by: str
    created_at: datetime
    expires_at: datetime
    due_at: datetime
    opened_at: datetime | None
    claimed_at: datetime | None
    submitted_at: datetime | None
    reissued_at: datetime | None = None  # the buyer issued a new link after it was opened

    def status(self, now: datetime) -> str:
        """invited, opened, submitted or overdue (due and not signed)."""
        if self.submitted_at is not None:
            return SUBMITTED
        if now > self.due_at:
            return OVERDUE
        if self.opened_at is not None or self.claimed_at is not None:
            return OPENED
        return INVITED

    def claimable(self, now: datetime) -> bool:
        return self.claimed_at is None and now < self.expires_at


@dataclass(frozen=True)
class Session:
    id: int
    kind: str  # buyer or vendor
    user: str | None  # the buyer's user name; None for the admin token
    admin: bool
    invitation_id: int | None
    csrf: str
    expires_at: datetime
    team: int | None = None  # the buyer account's team; None for the admin token and vendors


@dataclass(frozen=True)
class Head:
    """A chain's latest version and what the dashboard reads with it, in one short read."""

    version: ChainVersion
    last_version: int  # the highest version row id in the whole workspace
    last_run: int  # the highest run row id in the whole workspace
    last_decision: int  # the highest review decision row id of this chain (0: none)
    seen: int | None  # the latest run of the chain the viewer asked about was shown


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    accounts: tuple[str, ...]
    chains: tuple[str, ...]


@dataclass(frozen=True)
class Attestation:
    name: str
    title: str
    signed_on: str
    statement: str
    content_hash: str
    at: datetime


@dataclass(frozen=True)
class VersionRow:
    version: int
    created_at: datetime
    created_by: str
    source: str | None
    content_hash: str
    findings: int | None  # of the version's latest run; None if never checked


class Portal:
    """Reads and writes the portal's tables. Each method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._converted: dict[tuple[Any, ...], Invitation] = {}
        time_type = t.invitations.c.created_at.type.dialect_impl(engine.dialect)
        self._time = time_type.result_processor(engine.dialect, None)

    # Users and sessions -----------------------------------------------------------------------

    def add_user(
        self, username: str, password_hash: str, now: datetime, team: int | None = None
    ) -> bool:
        """False if the name is taken. Without ``team``, the account joins the default team."""
        try:
            with _transaction(self.engine) as conn:
                conn.execute(
                    insert(t.users).values(
                        username=username, password_hash=password_hash, created_at=now,
                        team_id=team if team is not None else default_team(conn),
                    )
                )  # fmt: skip
        except IntegrityError:
            return False
        return True

    # Teams ------------------------------------------------------------------------------------

    def add_team(self, name: str, now: datetime) -> bool:
        """False if the name is taken."""
        try:
            with _transaction(self.engine) as conn:
                conn.execute(insert(t.teams).values(name=name, created_at=now))
        except IntegrityError:
            return False
        return True

    def team_id(self, name: str) -> int | None:
        with self.engine.connect() as conn:
            found = conn.execute(select(t.teams.c.id).where(t.teams.c.name == name)).scalar()
        return None if found is None else int(found)

    def teams(self) -> list[Team]:
        """Every team with its accounts and chains, by name."""
        with self.engine.connect() as conn:
            teams = conn.execute(select(t.teams.c.id, t.teams.c.name).order_by(t.teams.c.name))
            users = conn.execute(
                select(t.users.c.team_id, t.users.c.username).order_by(t.users.c.username)
            ).all()
            chains = conn.execute(
                select(t.chains.c.team_id, t.chains.c.key).order_by(t.chains.c.key)
            ).all()
            return [
                Team(
                    int(row.id),
                    row.name,
                    tuple(u.username for u in users if u.team_id == row.id),
                    tuple(c.key for c in chains if c.team_id == row.id),
                )
                for row in teams
            ]

    def move_user(self, username: str, team: int) -> bool:
        """Put an account in a team; false if there is no such account."""
        with _transaction(self.engine) as conn:
            done = conn.execute(
                update(t.users).where(t.users.c.username == username).values(team_id=team)
            )
        return done.rowcount == 1

    def move_chain(self, key: str, team: int) -> bool:
        """Give a chain to a team; false if there is no such chain."""
        with _transaction(self.engine) as conn:
            done = conn.execute(update(t.chains).where(t.chains.c.key == key).values(team_id=team))
        return done.rowcount == 1

    def chain_team(self, key: str) -> int | None:
        """The team a chain belongs to (None if there is no such chain)."""
        with self.engine.connect() as conn:
            found = conn.execute(select(t.chains.c.team_id).where(t.chains.c.key == key)).scalar()
        return None if found is None else int(found)

    def chain_teams(self) -> dict[str, int | None]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.chains.c.key, t.chains.c.team_id)).all()
        return {r.key: (None if r.team_id is None else int(r.team_id)) for r in rows}

    def password_hash(self, username: str) -> tuple[int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users.c.id, t.users.c.password_hash).where(t.users.c.username == username)
            ).first()
        return None if row is None else (int(row.id), str(row.password_hash))

    def user_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.users)).scalar_one())

    def add_session(
        self,
        token_hash: str,
        kind: str,
        csrf: str,
        now: datetime,
        expires_at: datetime,
        *,
        user_id: int | None = None,
        admin: bool = False,
        invitation_id: int | None = None,
    ) -> None:
        with _transaction(self.engine) as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.expires_at < now))
            conn.execute(
                insert(t.sessions).values(
                    token_hash=token_hash, kind=kind, user_id=user_id, admin=int(admin),
                    invitation_id=invitation_id, csrf=csrf, created_at=now, expires_at=expires_at,
                )
            )  # fmt: skip

    def session(self, token_hash: str, now: datetime) -> Session | None:
        """The live session with this token hash, if any."""
        row = _fast(_session_query()).first(self.engine, token_hash=token_hash)
        if row is None:
            return None
        expires = _utc(row.expires_at)
        assert expires is not None
        if expires <= now:
            return None
        return Session(
            row.id, row.kind, row.username, bool(row.admin), row.invitation_id, row.csrf, expires,
            None if row.team_id is None else int(row.team_id),
        )  # fmt: skip

    def end_session(self, token_hash: str) -> None:
        with _transaction(self.engine) as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == token_hash))

    # Invitations ------------------------------------------------------------------------------

    def chain_id(self, key: str) -> int | None:
        with self.engine.connect() as conn:
            found = conn.execute(select(t.chains.c.id).where(t.chains.c.key == key)).scalar()
        return None if found is None else int(found)

    def invite(
        self,
        chain_id: int,
        engagement: str,
        supplier: str,
        token_hash: str,
        by: str,
        now: datetime,
        expires_at: datetime,
        due_at: datetime,
        parent_id: int | None = None,
        reissued: bool = False,
    ) -> int:
        """Invite the supplier of an engagement. Inviting it again issues a new link: the old
        one stops working and any session opened with it ends. ``reissued`` marks a new link
        for one that was opened: its answers are kept, and the next claimant is told."""
        with _transaction(self.engine) as conn:
            existing = conn.execute(
                select(t.invitations.c.id).where(
                    t.invitations.c.chain_id == chain_id,
                    t.invitations.c.engagement == engagement,
                )
            ).scalar()
            if existing is None:
                return int(
                    conn.execute(
                        insert(t.invitations)
                        .values(
                            token_hash=token_hash, chain_id=chain_id, engagement=engagement,
                            supplier=supplier, parent_id=parent_id, invited_by=by, created_at=now,
                            expires_at=expires_at, due_at=due_at,
                        )
                        .returning(t.invitations.c.id)
                    ).scalar_one()
                )  # fmt: skip
            conn.execute(delete(t.sessions).where(t.sessions.c.invitation_id == existing))
            conn.execute(
                update(t.invitations)
                .where(t.invitations.c.id == existing)
                .values(
                    token_hash=token_hash, expires_at=expires_at, due_at=due_at, claimed_at=None,
                    invited_by=by,
                    **({"reissued_at": now} if reissued else {}),
                )
            )  # fmt: skip
            return int(existing)

    def _invitations(self, by: str, value: object) -> list[Invitation]:
        # Read as stored, and converted only when a row is new or changed: the conversion of
        # its times costs more than the read, and every page of the portal needs an invitation.
        rows = _fast(_invitations_query(by)).all(self.engine, value=value)
        out = []
        for stored in rows:
            found = self._converted.get(stored)
            if found is None:
                found = _invitation(_RawRow(stored._asdict(), self._time))
                if len(self._converted) > 10_000:
                    self._converted.clear()
                self._converted[stored] = found
            out.append(found)
        return out

    def invitation(self, ident: int) -> Invitation | None:
        found = self._invitations("id", ident)
        return found[0] if found else None

    def invitation_by_token(self, token_hash: str) -> Invitation | None:
        found = self._invitations("token_hash", token_hash)
        return found[0] if found else None

    def invitations(self, chain: str) -> list[Invitation]:
        return self._invitations("key", chain)

    def invitation_by_supplier(self, chain: str, supplier: str) -> Invitation:
        """The chain's first invitation of a supplier (tests and tools name parties so)."""
        return next(i for i in self.invitations(chain) if i.supplier == supplier)

    def children(self, parent_id: int) -> list[Invitation]:
        return self._invitations("parent_id", parent_id)

    def withdraw(self, ident: int) -> bool:
        """Delete an invitation no one has opened; false if it was opened (or is gone)."""
        with _transaction(self.engine) as conn:
            done = conn.execute(
                delete(t.invitations).where(
                    t.invitations.c.id == ident,
                    t.invitations.c.opened_at.is_(None),
                    t.invitations.c.claimed_at.is_(None),
                )
            )
        return done.rowcount == 1

    def mark_opened(self, ident: int, now: datetime) -> None:
        with _transaction(self.engine) as conn:
            conn.execute(
                update(t.invitations)
                .where(t.invitations.c.id == ident, t.invitations.c.opened_at.is_(None))
                .values(opened_at=now)
            )

    def claim(self, ident: int, token_hash: str, now: datetime) -> bool:
        """Use the link: true only for the first claim of an unexpired token."""
        with _transaction(self.engine) as conn:
            done = conn.execute(
                update(t.invitations)
                .where(
                    t.invitations.c.id == ident,
                    t.invitations.c.token_hash == token_hash,
                    t.invitations.c.claimed_at.is_(None),
                    t.invitations.c.expires_at > now,
                )
                .values(claimed_at=now, opened_at=func.coalesce(t.invitations.c.opened_at, now))
            )
        return done.rowcount == 1

    # Disclosures and attestations ---------------------------------------------------------------

    def disclosure(self, invitation_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(content, applied ids) of an invitation's disclosure, if it has one."""
        row = _fast(_disclosure_query()).first(self.engine, invitation_id=invitation_id)
        return None if row is None else (dict(row.content), dict(row.applied))

    def save_disclosure(
        self,
        invitation_id: int,
        content: dict[str, Any],
        applied: dict[str, Any],
        now: datetime,
        audit: Entry | None = None,
    ) -> None:
        """Keep what the vendor has entered; with ``audit`` (who, subject), the audit trail
        vouches for it in the same transaction."""
        with _transaction(self.engine, audit=audit is not None) as conn:
            if audit is not None:
                who, subject = audit
                digest = row_digest(disclosure_data(invitation_id, content, applied))
                _append_audit(
                    conn, who, "portal.disclose", subject,
                    {"invitation": invitation_id, COVERS: "disclosure"}, digest, now,
                )  # fmt: skip
            values = {"content": content, "applied": applied, "updated_at": now}
            done = conn.execute(_SAVE_DISCLOSURE, {"b_invitation": invitation_id, **values})
            if done.rowcount == 0:
                conn.execute(_ADD_DISCLOSURE, {"invitation_id": invitation_id, **values})

    def attest(
        self,
        invitation_id: int,
        name: str,
        title: str,
        signed_on: str,
        statement: str,
        content: str,
        content_hash: str,
        chain_version_id: int | None,
        now: datetime,
        audit: tuple[str, str, dict[str, Any]] | None = None,
    ) -> bool:
        """Sign the disclosure; false if it was already signed. With ``audit`` (who, subject,
        details), the audit trail vouches for the signature in the same transaction."""
        row = {
            "invitation_id": invitation_id, "name": name, "title": title,
            "signed_on": signed_on, "statement": statement, "content": content,
            "content_hash": content_hash, "chain_version_id": chain_version_id, "at": now,
        }  # fmt: skip
        try:
            with _transaction(self.engine, audit=audit is not None) as conn:
                conn.execute(insert(t.attestations).values(**row))
                if audit is not None:
                    who, subject, details = audit
                    stored = conn.execute(
                        select(t.attestations).where(
                            t.attestations.c.invitation_id == invitation_id
                        )
                    ).one()
                    _append_audit(
                        conn, who, "portal.attest", subject, {**details, COVERS: "attestation"},
                        row_digest(attestation_data(dict(stored._mapping))), now,
                    )  # fmt: skip
                conn.execute(
                    update(t.invitations)
                    .where(t.invitations.c.id == invitation_id)
                    .values(submitted_at=now)
                )
        except IntegrityError:
            return False
        return True

    def attestation(self, invitation_id: int) -> Attestation | None:
        row = _fast(_attestation_query()).first(self.engine, invitation_id=invitation_id)
        if row is None:
            return None
        at = _utc(row.at)
        assert at is not None
        return Attestation(row.name, row.title, row.signed_on, row.statement, row.content_hash, at)

    # Reading the workspace for the dashboard --------------------------------------------------

    def runs(self, chain: str, limit: int = 2) -> list[tuple[int, int]]:
        """(run id, version number) of the chain's latest runs, newest first."""
        with self.engine.connect() as conn:
            found = conn.execute(_runs_query(), {"key": chain, "limit": limit})
            return [(int(r.id), int(r.version)) for r in found]

    def head(self, chain: str, viewer: str | None = None) -> Head | None:
        """The chain's latest version, without its content; the highest version and run row
        ids in the whole workspace (what ``history_since`` reads from); the chain's latest
        review decision; and the run ``viewer`` was last shown. None if there is no such chain.
        One short read: the dashboard asks for it on every view."""
        row = _fast(_head_query()).first(self.engine, key=chain, viewer=viewer)
        if row is None:
            return None
        created = _utc(row.created_at)
        assert created is not None
        version = ChainVersion(
            chain, row.version, row.name, row.content_hash, created, row.created_by, row.source,
            row.id,
        )  # fmt: skip
        return Head(
            version, int(row.last_version or 0), int(row.last_run or 0),
            int(row.last_decision or 0), None if row.seen is None else int(row.seen),
        )  # fmt: skip

    def findings(self, run_id: int) -> list[Tracked]:
        """The findings of one run, in the order they were recorded."""
        rows = _fast(_findings_query()).all(self.engine, run_id=run_id)
        return [Tracked(r.key, r.evidence_hash, Severity(r.severity), r.body) for r in rows]

    def previous_run(self, chain: str, run_id: int) -> int | None:
        """The chain's latest run before run ``run_id``, if any."""
        with self.engine.connect() as conn:
            found = conn.execute(_previous_run_query(), {"key": chain, "run_id": run_id}).scalar()
        return None if found is None else int(found)

    def chain_content(self, version_id: int) -> str:
        """The canonical JSON of one saved chain version, by its row id."""
        with self.engine.connect() as conn:
            return str(
                conn.execute(
                    select(t.chain_versions.c.content).where(t.chain_versions.c.id == version_id)
                ).scalar_one()
            )

    def history_since(
        self, chain: str, after_version: int, after_run: int
    ) -> list[tuple[int, int | None, VersionRow]]:
        """The rows of ``history`` that changed since a reader saw every version up to row id
        ``after_version`` and every run up to ``after_run``: newer versions, and versions with a
        newer run. Each with its version's row id and latest run id.

        Exact because versions and runs are never deleted, and are written in transactions that
        hold the workspace's write lock from their start (on PostgreSQL, the audit table's), so
        their ids become visible in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                _history_since_query(),
                {"key": chain, "after_version": after_version, "after_run": after_run},
            ).all()
        out = []
        for r in rows:
            created = _utc(r.created_at)
            assert created is not None
            findings = None if r.run_id is None else int(r.n or 0)
            row = VersionRow(r.version, created, r.created_by, r.source, r.content_hash, findings)
            out.append((int(r.id), None if r.run_id is None else int(r.run_id), row))
        return out

    def history(self, chain: str) -> list[VersionRow]:
        """Every version of a chain, newest first, with its latest run's count of findings."""
        query = _history_query()
        with self.engine.connect() as conn:
            rows = conn.execute(query, {"key": chain}).all()
        out = []
        for r in rows:
            created = _utc(r.created_at)
            assert created is not None
            findings = None if r.run_id is None else int(r.n or 0)
            out.append(
                VersionRow(r.version, created, r.created_by, r.source, r.content_hash, findings)
            )
        return out


@functools.cache
def _history_query() -> Select[Any]:
    # Built once: the dashboard asks for it on every view, and building it costs more than
    # running it.
    latest_run = (
        select(t.runs.c.chain_version_id, func.max(t.runs.c.id).label("run_id"))
        .group_by(t.runs.c.chain_version_id)
        .subquery()
    )
    counts = (
        select(t.findings.c.run_id, func.count().label("n"))
        .group_by(t.findings.c.run_id)
        .subquery()
    )
    return (
        select(
            t.chain_versions.c.version, t.chain_versions.c.created_at,
            t.chain_versions.c.created_by, t.chain_versions.c.source,
            t.chain_versions.c.content_hash, latest_run.c.run_id, counts.c.n,
        )
        .join(t.chains, t.chains.c.id == t.chain_versions.c.chain_id)
        .outerjoin(latest_run, latest_run.c.chain_version_id == t.chain_versions.c.id)
        .outerjoin(counts, counts.c.run_id == latest_run.c.run_id)
        .where(t.chains.c.key == bindparam("key"))
        .order_by(t.chain_versions.c.version.desc())
    )  # fmt: skip


# The statements read on every request are built once: building one costs more than running it.
# Those read on every request run on the driver's cursor (subtier.store.fast).


@functools.cache
def _fast(statement: Select[Any]) -> FastSelect:
    return FastSelect(statement)


@functools.cache
def _session_query() -> Select[Any]:
    return (
        select(t.sessions, t.users.c.username, t.users.c.team_id)
        .outerjoin(t.users, t.users.c.id == t.sessions.c.user_id)
        .where(t.sessions.c.token_hash == bindparam("token_hash"))
    )


@functools.cache
def _disclosure_query() -> Select[Any]:
    return select(t.disclosures.c.content, t.disclosures.c.applied).where(
        t.disclosures.c.invitation_id == bindparam("invitation_id")
    )


@functools.cache
def _attestation_query() -> Select[Any]:
    return select(t.attestations).where(
        t.attestations.c.invitation_id == bindparam("invitation_id")
    )


@functools.cache
def _runs_query() -> Select[Any]:
    return (
        select(t.runs.c.id, t.chain_versions.c.version)
        .join(t.chain_versions, t.chain_versions.c.id == t.runs.c.chain_version_id)
        .join(t.chains, t.chains.c.id == t.chain_versions.c.chain_id)
        .where(t.chains.c.key == bindparam("key"))
        .order_by(t.runs.c.id.desc())
        .limit(bindparam("limit", 2))
    )


# Built once: a vendor's draft saves its disclosure on every form it posts.
_SAVE_DISCLOSURE = (
    update(t.disclosures)
    .where(t.disclosures.c.invitation_id == bindparam("b_invitation"))
    .values(
        content=bindparam("content"), applied=bindparam("applied"),
        updated_at=bindparam("updated_at"),
    )
)  # fmt: skip
_ADD_DISCLOSURE = insert(t.disclosures)


@functools.cache
def _head_query() -> Select[Any]:
    v, d, seen = t.chain_versions, t.decisions, t.seen
    return (
        select(v.c.id, v.c.version, v.c.name, v.c.content_hash, v.c.created_at,
               v.c.created_by, v.c.source,
               select(func.max(t.chain_versions.c.id)).scalar_subquery().label("last_version"),
               select(func.max(t.runs.c.id)).scalar_subquery().label("last_run"),
               select(func.max(d.c.id)).where(d.c.chain_id == t.chains.c.id)
               .scalar_subquery().label("last_decision"),
               select(seen.c.run_id)
               .where(seen.c.chain_id == t.chains.c.id, seen.c.viewer == bindparam("viewer"))
               .scalar_subquery().label("seen"))
        .join(t.chains, t.chains.c.id == v.c.chain_id)
        .where(t.chains.c.key == bindparam("key"))
        .order_by(v.c.version.desc())
        .limit(1)
    )  # fmt: skip


def _chain_id() -> Any:
    return select(t.chains.c.id).where(t.chains.c.key == bindparam("key")).scalar_subquery()


@functools.cache
def _findings_query() -> Select[Any]:
    return (
        select(t.findings)
        .where(t.findings.c.run_id == bindparam("run_id"))
        .order_by(t.findings.c.id)
    )


@functools.cache
def _previous_run_query() -> Select[Any]:
    # "+ 0" keeps the planner from reading every version of the chain through the chain's
    # index: walking runs back from run_id stops at the first one of this chain.
    return (
        select(t.runs.c.id)
        .join(t.chain_versions, t.chain_versions.c.id == t.runs.c.chain_version_id)
        .where(t.runs.c.id < bindparam("run_id"), t.chain_versions.c.chain_id + 0 == _chain_id())
        .order_by(t.runs.c.id.desc())
        .limit(1)
    )


@functools.cache
def _history_since_query() -> Select[Any]:
    v = t.chain_versions
    latest_run = (
        select(func.max(t.runs.c.id))
        .where(t.runs.c.chain_version_id == v.c.id)
        .correlate(v)
        .scalar_subquery()
    )
    count = (
        select(func.count())
        .select_from(t.findings)
        .where(t.findings.c.run_id == latest_run)
        .correlate(v)
        .scalar_subquery()
    )
    newer = select(t.chain_versions.c.id).where(t.chain_versions.c.id > bindparam("after_version"))
    rerun = select(t.runs.c.chain_version_id).where(t.runs.c.id > bindparam("after_run"))
    # Driven by the new row ids, not the chain's versions ("+ 0" keeps the planner off the
    # chain's index): it reads what changed, however long the history.
    return select(
        v.c.id, v.c.version, v.c.created_at, v.c.created_by, v.c.source, v.c.content_hash,
        latest_run.label("run_id"), count.label("n"),
    ).where(v.c.chain_id + 0 == _chain_id(), v.c.id.in_(union(newer, rerun)))  # fmt: skip


_TIMES = (
    "created_at", "expires_at", "due_at", "opened_at", "claimed_at", "submitted_at", "reissued_at",
)  # fmt: skip


@functools.cache
def _raw_invitation_columns() -> list[Any]:
    # The times as the database gives them, without the driver-side conversion to datetime.
    return [
        type_coerce(c, String).label(c.name) if c.name in _TIMES else c
        for c in t.invitations.columns
    ]


@functools.cache
def _invitations_query(by: str) -> Select[Any]:
    column = t.chains.c.key if by == "key" else t.invitations.c[by]
    return (
        select(*_raw_invitation_columns(), t.chains.c.key)
        .join(t.chains, t.chains.c.id == t.invitations.c.chain_id)
        .where(column == bindparam("value"))
        .order_by(t.invitations.c.id)
    )


class _RawRow:
    """A row read with ``_raw_invitation_columns``, its times converted as SQLAlchemy would."""

    def __init__(self, mapping: Any, convert: Callable[[Any], Any] | None) -> None:
        self._mapping = mapping
        self._convert = convert

    def __getattr__(self, name: str) -> Any:
        value = self._mapping[name]
        if name in _TIMES and self._convert is not None and value is not None:
            return self._convert(value)
        return value


def _invitation(row: Any) -> Invitation:
    created, expires, due = _utc(row.created_at), _utc(row.expires_at), _utc(row.due_at)
    assert created is not None
    assert expires is not None
    assert due is not None
    return Invitation(
        id=row.id, chain=row.key, engagement=row.engagement, supplier=row.supplier,
        parent_id=row.parent_id, invited_by=row.invited_by, created_at=created,
        expires_at=expires, due_at=due, opened_at=_utc(row.opened_at),
        claimed_at=_utc(row.claimed_at), submitted_at=_utc(row.submitted_at),
        reissued_at=_utc(row.reissued_at),
    )  # fmt: skip


__all__ = ["DEFAULT_TEAM", "Attestation", "Invitation", "Portal", "Session", "Team", "VersionRow"]
