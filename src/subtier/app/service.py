"""What the web app does, apart from HTTP: sign-in, invitations, disclosures, checks, views.

Pages and the JSON API are thin layers over this class, so both behave the same. Every change
to a chain is validated in full before anything is written: a bad submission leaves the
workspace as it was.

One file because every action shares the service's state (the workspace, the portal store, the
lists in force and the write lock); split by actor (buyers, vendors, notifications) is the next
step, as docs/architecture.md says.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from subtier.app.check import CheckResult, check
from subtier.app.monitor import check_saved, tracked_findings, with_reviews
from subtier.app.notify import Notifier, NotifySettings
from subtier.app.security import (
    DUMMY_HASH,
    RateLimiter,
    hash_password,
    new_token,
    same,
    token_hash,
    verify_password,
)
from subtier.app.uploads import check as check_upload
from subtier.core.disclosure import answers as dis
from subtier.core.disclosure import authority
from subtier.core.disclosure.answers import Disclosure, FormError, Scope
from subtier.core.disclosure.authority import BUYER as BUYER_PARTY
from subtier.core.disclosure.authority import Link, NotYoursError
from subtier.core.model import Chain, ChainGraph, Engagement, Money, Organization, OrgType, Per
from subtier.core.policy import Evidence, Finding, Policy, Severity, hourly_floor
from subtier.core.policy.clauses import attested_terms
from subtier.core.review import DISMISS, Decision, Tracked, in_force
from subtier.core.screen import RiskList
from subtier.core.wages import WageFlow, trace_wages
from subtier.errors import InputError, SubtierError
from subtier.formats import load_policy
from subtier.report.picture import chain_svg
from subtier.store import ChainVersion, Workspace, chain_key
from subtier.store.attachments import KINDS, Attachment, Attachments
from subtier.store.files import files_folder
from subtier.store.locks import WriteLock
from subtier.store.notify import Delivery, Outbox
from subtier.store.portal import Attestation, Head, Invitation, Portal, Session, VersionRow

BUYER, VENDOR = "buyer", "vendor"


def _now() -> datetime:
    return datetime.now(UTC)


class NotFoundError(SubtierError):
    """No such object, or not one the caller may see: the two are not told apart."""


class LockedError(SubtierError):
    """The disclosure is signed and can no longer change."""


class RateLimitedError(SubtierError):
    """Too many attempts for one account or one client in a minute."""


class TamperedError(SubtierError):
    """A stored chain version no longer matches its hash: it was changed after it was saved."""


@dataclass
class Settings:
    """How the server runs. Every field has a default that works on a fresh install."""

    database: str | None = None
    policy: Path | None = None
    admin_token: str | None = None
    invite_days: float = 7.0  # how long an invitation link can be claimed
    due_days: float = 14.0  # when the signed disclosure is due
    session_hours: float = 12.0
    vendor_session_days: float = 30.0
    rate_limit: int = 20  # attempts a minute per client, and per account, on sign-in and links
    # Proxies whose X-Forwarded-For is believed (addresses, or "*"); none by default, so a
    # client cannot name itself anew on each attempt to pass the rate limit.
    forwarded_allow_ips: tuple[str, ...] = ()
    secure_cookies: bool | None = None  # None: secure, except plain http on a loopback address
    # Requests handled at once; the others wait their turn in order. Handlers hold the GIL for
    # nearly all their work, so a thread added costs more in switching than it gains in overlap:
    # on the load benchmark (SQLite) 1 thread gave p95 127 ms, 2 gave 160-196 ms, 8 gave 280 ms.
    # A database across a network leaves threads waiting on it: then more may pay (--threads).
    threads: int = 1
    # Worker processes (--workers): one a core serves more requests at once; see web/workers.py.
    workers: int = 1
    clock: Callable[[], datetime] = _now
    # Invitation e-mails, webhooks and notification e-mails (see web/notify.py).
    notify: NotifySettings = field(default_factory=NotifySettings)
    attachment_limit: int = 10 * 1024 * 1024  # bytes in one attached document


@dataclass(frozen=True)
class Principal:
    """Who is calling: a buyer (a user, or the admin token) or a vendor (an invitation)."""

    kind: str
    name: str
    session: Session | None = None
    invitation: Invitation | None = None
    team: int | None = None  # a buyer account's team; None for the admin token (every team)

    @property
    def admin(self) -> bool:
        return self.kind == BUYER and self.team is None

    @property
    def viewer(self) -> str:
        """Whose "last visit" a buyer's views count against: its account."""
        return f"user:{self.name}"


@dataclass(frozen=True)
class ChainSummary:
    key: str
    name: str
    version: int
    updated: datetime
    counts: dict[str, int]  # findings by severity in the latest run
    new: int = 0  # open findings new since the viewer last opened the chain
    rules: frozenset[str] = frozenset()  # the rules of its open findings


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    buyer: str
    supplier: str
    service: str
    status: str
    signed: Attestation | None


@dataclass(frozen=True)
class ChainView:
    """Everything the dashboard shows about one chain."""

    key: str
    version: ChainVersion
    chain: Chain
    graph: ChainGraph
    findings: list[Finding]
    new: frozenset[int]  # indexes of findings new since the viewer's last visit
    wages: list[WageFlow]
    svg: str
    tracked: Sequence[Tracked] = ()  # the findings as stored: their refs and evidence
    run_id: int = 0
    # The review decision in force on each finding (by index): its evidence is unchanged.
    reviews: Mapping[int, Decision] = field(default_factory=dict)
    invitations: list[InvitationRow] = field(default_factory=list)
    history: Sequence[VersionRow] = ()
    # The run "new" is measured against (None: the viewer never saw the chain, or no viewer).
    since: int | None = None
    # When each finding (by key) was first found in the chain.
    first_seen: Mapping[str, datetime] = field(default_factory=dict)
    # Names what the view was built from, apart from the invitations and ``since``: equal
    # stamps, equal views but for those. Which findings are new is in it; the run they are new
    # against is not, so that a page can be kept while the findings new on it stay the same.
    stamp: tuple[object, ...] = ()

    def name(self, ident: str) -> str:
        org = self.chain.organizations_by_id.get(ident)
        site = self.chain.sites_by_id.get(ident)
        return org.name if org else site.name if site else ident

    def path(self, ids: tuple[str, ...] | list[str]) -> str:
        return " → ".join(self.name(i) for i in ids)

    def dismissed(self, index: int) -> bool:
        review = self.reviews.get(index)
        return review is not None and review.decision == DISMISS

    def counts(self) -> dict[str, int]:
        """Open findings by severity: a dismissed one is not counted."""
        out = {s.value: 0 for s in reversed(Severity)}
        for i, f in enumerate(self.findings):
            if not self.dismissed(i):
                out[f.severity.value] += 1
        return out

    def uninvited(self) -> list[Engagement]:
        taken = {row.invitation.engagement for row in self.invitations}
        return [e for e in self.chain.engagements if e.id not in taken]


@dataclass(frozen=True)
class PortalView:
    """What one supplier sees: its own engagement and its own disclosure, nothing else."""

    invitation: Invitation
    scope: Scope
    buyer: str
    supplier: str
    service: str
    disclosure: Disclosure
    attestation: Attestation | None
    statement: str
    children: dict[str, InvitationRow]  # by subcontractor organization id
    missing: dict[str, str]
    status: str
    unsaved: bool = False  # answers entered that the buyer does not see yet
    notice: str = ""  # told to whoever holds the link: e.g. that a new one kept the answers


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workspace = Workspace(settings.database)
        self.portal = Portal(self.workspace.engine)
        self.notifier = Notifier(Outbox(self.workspace.engine), settings.notify, self.now)
        self.attachments = Attachments(self.workspace.engine, files_folder(self.workspace.url))
        self.policy: Policy = load_policy(settings.policy)
        self._admin_hash = token_hash(settings.admin_token) if settings.admin_token else None
        # Sign-in attempts per account, for the pages and the API alike (the app counts them
        # per client as well).
        self._accounts = RateLimiter(settings.rate_limit)
        self._lists: list[RiskList] | None = None
        # Chain versions are read, changed and written back: one writer at a time, in this
        # process and in the server's other workers.
        self._write = WriteLock(self.workspace.engine)
        # What the dashboard reads on every view is kept: checked views by (chain, version row,
        # run), parsed chains by version row, each chain's history and signed attestations. All
        # of these are immutable once written, or (history) are read again from where the cache
        # left off, so nothing here can go stale.
        self._views: OrderedDict[tuple[str, int, int], ChainView] = OrderedDict()
        self._parsed: OrderedDict[int, Chain] = OrderedDict()
        self._histories: OrderedDict[str, _History] = OrderedDict()
        self._signed: dict[int, Attestation] = {}
        self._seen_keys: OrderedDict[int, frozenset[str]] = OrderedDict()
        self._decided: OrderedDict[str, tuple[int, Mapping[str, Decision]]] = OrderedDict()
        self._views_lock = threading.Lock()
        self._history_lock = threading.Lock()

    def close(self) -> None:
        self.workspace.close()

    def now(self) -> datetime:
        return self.settings.clock()

    def lists(self) -> list[RiskList]:
        with self._write:
            if self._lists is None:
                self._lists = self.workspace.lists()
            return self._lists

    def warm(self) -> None:
        """Load the lists and build their index now, so the first submission is not slow."""
        from subtier.core.model import Site

        probe = Site(id="probe", name="probe", address="1 Main St", city="Tulsa", state="OK")
        check(Chain(subtier=1, name="probe", root="o", organizations=[Organization(id="o", name="o")],
                    sites=[probe]), self.policy, self.lists())  # fmt: skip

    # Buyers ---------------------------------------------------------------------------------

    def add_user(self, username: str, password: str, team: str | None = None) -> None:
        if not 1 <= len(username) <= 100 or username != username.strip():
            raise InputError("a user name is 1 to 100 characters, without surrounding spaces")
        if username.startswith("portal:"):
            raise InputError("a user name cannot begin with 'portal:' (vendors are named so)")
        if len(password) < 10:
            raise InputError("a password needs at least 10 characters")
        team_id = self._team(team) if team is not None else None
        if not self.portal.add_user(username, hash_password(password), self.now(), team_id):
            raise InputError(f"there is already a user {username!r}")
        self.workspace.log("portal.user", username, {"team": team}, by="subtier serve")

    # Teams ----------------------------------------------------------------------------------

    def _team(self, name: str) -> int:
        found = self.portal.team_id(name)
        if found is None:
            known = ", ".join(t.name for t in self.portal.teams())
            raise InputError(f"no team {name!r}; teams: {known}")
        return found

    def add_team(self, name: str, by: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}", name):
            raise InputError(
                f"bad team name {name!r}: letters, digits, spaces, '.', '_' and '-', up to 100"
            )
        if not self.portal.add_team(name, self.now()):
            raise InputError(f"there is already a team {name!r}")
        self.workspace.log("portal.team", name, {}, by=by)

    def move_user(self, username: str, team: str, by: str) -> None:
        if not self.portal.move_user(username, self._team(team)):
            raise InputError(f"no user {username!r}")
        self.workspace.log("portal.team.user", username, {"team": team}, by=by)

    def move_chain(self, key: str, team: str, by: str) -> None:
        if not self.portal.move_chain(key, self._team(team)):
            raise InputError(f"no chain {key!r}")
        self.workspace.log("portal.team.chain", key, {"team": team}, by=by)

    def may_see(self, p: Principal, key: str) -> None:
        """A chain of the buyer's own team (the admin token sees every team's). Another team's
        chain is not found, as one that does not exist: the two are not told apart."""
        if p.kind != BUYER:
            raise NotFoundError(f"no chain {key!r}")
        if p.admin:
            return
        if self.portal.chain_team(key) != p.team:
            raise NotFoundError(f"no chain {key!r}")

    def sign_in(self, username: str, password: str) -> str | None:
        """A new buyer session token, or None for a wrong name or password. Attempts are
        counted per account, whether they come from a page or the API, right or wrong."""
        if not self._accounts.allow(username.strip().casefold()):
            raise RateLimitedError("too many attempts for this account; wait a minute")
        found = self.portal.password_hash(username)
        if not verify_password(password, found[1] if found else DUMMY_HASH) or found is None:
            return None
        return self._session(BUYER, user_id=found[0])

    def sign_in_admin(self, token: str) -> str | None:
        if self._admin_hash is None or not same(token_hash(token), self._admin_hash):
            return None
        return self._session(BUYER, admin=True)

    def _session(
        self, kind: str, *, user_id: int | None = None, admin: bool = False,
        invitation_id: int | None = None,
    ) -> str:  # fmt: skip
        token, now = new_token(), self.now()
        life = (
            timedelta(hours=self.settings.session_hours)
            if kind == BUYER
            else timedelta(days=self.settings.vendor_session_days)
        )
        self.portal.add_session(
            token_hash(token), kind, new_token(), now, now + life,
            user_id=user_id, admin=admin, invitation_id=invitation_id,
        )  # fmt: skip
        return token

    def sign_out(self, token: str) -> None:
        self.portal.end_session(token_hash(token))

    def buyer(self, token: str | None, *, bearer: bool = False) -> Principal | None:
        """The buyer a session token (or, for the API, the admin token) belongs to."""
        if not token:
            return None
        if bearer and self._admin_hash is not None and same(token_hash(token), self._admin_hash):
            return Principal(BUYER, "admin")
        session = self.portal.session(token_hash(token), self.now())
        if session is None or session.kind != BUYER:
            return None
        # A user account always has a team (migration 0005 placed every one); only the admin
        # token's session has none.
        team = None if session.admin else session.team
        if not session.admin and team is None:
            return None
        return Principal(BUYER, session.user or "admin", session=session, team=team)

    def vendor(self, token: str | None) -> Principal | None:
        if not token:
            return None
        session = self.portal.session(token_hash(token), self.now())
        if session is None or session.kind != VENDOR or session.invitation_id is None:
            return None
        invitation = self.portal.invitation(session.invitation_id)
        if invitation is None:
            return None
        return Principal(
            VENDOR, f"portal:{invitation.supplier}", session=session, invitation=invitation
        )

    # Chains ---------------------------------------------------------------------------------

    def chains(
        self, viewer: str | None = None, principal: Principal | None = None
    ) -> list[ChainSummary]:
        """Every chain with its open findings by severity; with ``viewer``, also how many of
        them are new since that account last opened the chain. With ``principal``, only the
        chains it may see: its team's (every chain, for the admin token)."""
        p = principal
        teams = self.portal.chain_teams() if p is not None and not p.admin else None
        latest: dict[str, ChainVersion] = {}
        for v in self.workspace.versions():
            if teams is None or (p is not None and teams.get(v.key) == p.team):
                latest[v.key] = v
        seen = self.workspace.seen_runs(viewer) if viewer is not None else {}
        out = []
        for key, v in latest.items():
            found = self.workspace.latest_findings(key) or []
            decisions = self.workspace.decisions(key)
            counts = {s.value: 0 for s in reversed(Severity)}
            before = self._run_keys(seen[key]) if key in seen else frozenset()
            new, rules = 0, set()
            for item in found:
                review = in_force(item, decisions)
                if review is None or review.decision != DISMISS:
                    counts[item.severity.value] += 1
                    new += item.key not in before
                    rules.add(str(item.body["rule"]))
            out.append(
                ChainSummary(
                    key, v.name, v.version, v.created_at, counts, new if viewer else 0,
                    frozenset(rules),
                )
            )  # fmt: skip
        return out

    def parties(self, key: str) -> list[str]:
        """The ids and names of the organizations in a chain's latest version, but its buyer:
        what the chain list's vendor filter looks in."""
        _version, chain = self._chain(key)
        return [x for o in chain.organizations if o.id != chain.root for x in (o.id, o.name)]

    def create_chain(
        self, name: str, buyer: str, key: str | None, by: str, team: int | None = None
    ) -> str:
        errors = {}
        if not name.strip() or len(name) > 200:
            errors["name"] = "a name of 1 to 200 characters"
        if not buyer.strip() or len(buyer) > 200:
            errors["buyer"] = "your organization's name, 1 to 200 characters"
        if errors:
            raise FormError(errors)
        root = dis.new_id(buyer, set())
        chain = Chain(
            subtier=1, name=name.strip(), root=root,
            organizations=[Organization(id=root, name=buyer.strip(), type=OrgType.COMPANY)],
        )  # fmt: skip
        key = (key or "").strip() or chain_key(chain)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", key):
            raise FormError({"key": "lower-case letters, digits and '-', up to 100"})
        with self._write:
            if self.portal.chain_id(key) is not None:
                raise FormError({"key": f"there is already a chain {key!r}"})
            version, _new = self.workspace.add_chain(chain, key=key, source="web", by=by, team=team)
            self._run(version, chain, by)
        return key

    def _chain(self, key: str) -> tuple[ChainVersion, Chain]:
        version, chain, _seen = self._head(key)
        return version, chain

    def _head(self, key: str, viewer: str | None = None) -> tuple[ChainVersion, Chain, Head]:
        """The latest version of a chain, parsed, with what was read beside it (the highest
        version and run row ids of the workspace when it was read, the chain's latest review
        decision and the run ``viewer`` was last shown)."""
        head = self.portal.head(key, viewer)
        if head is None:
            raise NotFoundError(f"no chain {key!r}")
        version = head.version
        with self._views_lock:
            chain = self._parsed.get(version.row_id)
            if chain is not None:
                self._parsed.move_to_end(version.row_id)
        if chain is None:
            # A saved version never changes, and a Chain is immutable: parse it once. One that
            # was changed in the database is not shown as if it were what was saved.
            content = self.portal.chain_content(version.row_id)
            if hashlib.sha256(content.encode("utf-8")).hexdigest() != version.content_hash:
                raise TamperedError(
                    f"{version.label()} does not match its hash: it was changed after it was "
                    "saved; run `subtier audit verify`"
                )
            chain = Chain.model_validate_json(content)
            self._keep_parsed(version.row_id, chain)
        return version, chain, head

    def _keep_parsed(self, row_id: int, chain: Chain) -> None:
        """Keep a version's chain as parsed (or as saved, by this process: the same chain)."""
        with self._views_lock:
            self._parsed[row_id] = chain
            self._parsed.move_to_end(row_id)
            while len(self._parsed) > 32:
                self._parsed.popitem(last=False)

    def _run(self, version: ChainVersion, chain: Chain, by: str) -> int:
        """Check a version and keep its findings: what makes them show on the dashboard."""
        decisions = self.workspace.decisions(version.key)
        result = check_saved(decisions, chain, self.policy, self.lists())
        tracked = tracked_findings(result)
        run_id = self.workspace.record_run(version, tracked, self.policy.name, result.lists, by=by)
        with self._views_lock:  # what a buyer's next visit measures "new" against
            self._seen_keys[run_id] = frozenset(t.key for t in tracked)
            while len(self._seen_keys) > 256:
                self._seen_keys.popitem(last=False)
        self._notify_new_findings(version, run_id, tracked)
        return run_id

    def view(
        self, key: str, viewer: str | None = None, mark_seen: bool = False,
        since: int | None = None,
    ) -> ChainView:  # fmt: skip
        """The dashboard of one chain. The checked part is kept per version and run; the review
        decisions are read on every view, and so is what ``viewer`` (a buyer's account) last
        saw: findings are new since then. ``mark_seen`` remembers this run as seen. ``since``
        (a run the page was shown "new" against) keeps "new" as it was on that page, so that
        filtering or exporting the new findings after the visit still finds them."""
        version, chain, head = self._head(key, viewer)
        h = self._history(key, head)
        if h.latest is None or h.latest[1] != version.version:
            with self._write:
                version, chain, head = self._head(key, viewer)
                h = self._history(key, head)
                if h.latest is None or h.latest[1] != version.version:
                    self._run(version, chain, "subtier serve")
                    version, chain, head = self._head(key, viewer)
                    h = self._history(key, head)
        assert h.latest is not None
        run_id = h.latest[0]
        cache_key = (key, version.row_id, run_id)
        with self._views_lock:
            base = self._views.get(cache_key)
        if base is None:
            base = self._checked_view(key, version, chain, run_id)
            with self._views_lock:
                self._views[cache_key] = base
                while len(self._views) > 64:
                    self._views.popitem(last=False)
        decisions = self._decisions(key, head.last_decision)
        reviews = {
            i: d for i, t in enumerate(base.tracked) if (d := in_force(t, decisions)) is not None
        }
        new = base.new
        last_seen: int | None = None
        if viewer is not None:
            last_seen = head.seen
            against = since if since is not None else last_seen
            if since == 0:
                against = None  # never seen before that page
            before = self._run_keys(against) if against is not None else frozenset()
            new = frozenset(i for i, t in enumerate(base.tracked) if t.key not in before)
            if mark_seen and last_seen != run_id:
                self.workspace.mark_seen(viewer, key, run_id)
            last_seen = against
        marks = tuple(sorted((d.finding_key, d.decision, d.at) for d in reviews.values()))
        return replace(
            base,
            new=new,
            since=last_seen,
            reviews=reviews,
            invitations=self._invitation_rows(key, chain),
            history=h.ordered,
            stamp=(*cache_key, h.after_version, h.after_run, new, marks),
        )

    def _decisions(self, key: str, last: int) -> Mapping[str, Decision]:
        """A chain's review decisions, read again only when there is a newer one than ``last``
        (decisions are only ever added)."""
        with self._views_lock:
            found = self._decided.get(key)
        if found is not None and found[0] == last:
            return found[1]
        decisions = MappingProxyType(self.workspace.decisions(key))
        with self._views_lock:
            self._decided[key] = (last, decisions)
            self._decided.move_to_end(key)
            while len(self._decided) > 64:
                self._decided.popitem(last=False)
        return decisions

    def _run_keys(self, run_id: int) -> frozenset[str]:
        """The keys of a run's findings; a stored run never changes, so they are kept."""
        with self._views_lock:
            found = self._seen_keys.get(run_id)
        if found is None:
            found = frozenset(t.key for t in self.portal.findings(run_id))
            with self._views_lock:
                self._seen_keys[run_id] = found
                while len(self._seen_keys) > 256:
                    self._seen_keys.popitem(last=False)
        return found

    def decide(self, key: str, ref: str, decision: str, reason: str, by: str) -> Tracked:
        """A buyer's review decision on a finding of the chain's latest run, as `subtier review`
        records it: the one place decisions live, which every view reads."""
        self._chain(key)  # an unknown chain is not found, as on every page
        try:
            return self.workspace.decide(key, ref, decision, reason, by=by)
        except InputError as error:
            raise FormError({"review": error.message}) from None

    def _history(self, key: str, head: Head) -> _History:
        """A chain's history, read up to the workspace's version and run row ids ``seen``.

        Read incrementally: a chain's history only grows, by a new version or a new run, and
        the dashboard of a busy chain would otherwise read every version on every view. The
        snapshot returned is never changed afterwards."""
        seen = (head.last_version, head.last_run)
        with self._history_lock:
            h = self._histories.get(key) or _History()
            if seen[0] > h.after_version or seen[1] > h.after_run:
                changed = self.portal.history_since(key, h.after_version, h.after_run)
                # Kept in the order of the version row ids, which is the order of the versions:
                # a changed row keeps its place, a new one goes last.
                rows = dict(h.rows)
                latest = h.latest
                for vid, rid, row in sorted(changed, key=lambda c: c[0]):
                    rows[vid] = row
                    if rid is not None and (latest is None or rid > latest[0]):
                        latest = (rid, row.version)
                ordered = tuple(reversed(rows.values())) if changed else h.ordered
                # Everything up to ``seen`` is in: it was read before history_since ran.
                h = _History(
                    max(seen[0], h.after_version), max(seen[1], h.after_run), rows, ordered,
                    latest,
                )  # fmt: skip
            self._histories[key] = h
            self._histories.move_to_end(key)
            while len(self._histories) > 64:
                self._histories.popitem(last=False)
            return h

    def _checked_view(
        self, key: str, version: ChainVersion, chain: Chain, run_id: int
    ) -> ChainView:
        tracked = self.portal.findings(run_id)
        before_run = self.portal.previous_run(key, run_id)
        before = self._run_keys(before_run) if before_run is not None else None
        findings = [_finding(t.body) for t in tracked]
        new = frozenset(
            i for i, t in enumerate(tracked) if before is not None and t.key not in before
        )
        graph = ChainGraph.build(chain)
        floor = hourly_floor(self.policy)
        return ChainView(
            key=key, version=version, chain=chain, graph=graph, findings=findings, new=new,
            wages=trace_wages(chain, graph, floor), svg=chain_svg(chain, graph, findings),
            tracked=tuple(tracked), run_id=run_id,
            first_seen=self.workspace.first_seen(key, run_id) if tracked else {},
        )  # fmt: skip

    def _invitation_rows(self, key: str, chain: Chain) -> list[InvitationRow]:
        now = self.now()
        return [self._row(inv, chain, now) for inv in self.portal.invitations(key)]

    def _row(self, inv: Invitation, chain: Chain, now: datetime) -> InvitationRow:
        orgs = chain.organizations_by_id
        engagement = chain.engagements_by_id.get(inv.engagement)
        buyer = engagement.buyer if engagement else ""
        return InvitationRow(
            inv,
            orgs[buyer].name if buyer in orgs else buyer,
            orgs[inv.supplier].name if inv.supplier in orgs else inv.supplier,
            (engagement.service if engagement else None) or "",
            inv.status(now),
            self._attestation(inv) if inv.submitted_at else None,
        )

    def _attestation(self, inv: Invitation) -> Attestation | None:
        # A signature is never changed or taken back, so once found it is kept.
        found = self._signed.get(inv.id)
        if found is None:
            found = self.portal.attestation(inv.id)
            if found is not None:
                self._signed[inv.id] = found
        return found

    def set_price(
        self, key: str, engagement: str, amount: float, per: Per, currency: str, by: str
    ) -> ChainVersion:
        """The buyer's own price to one of its tier-1 vendors: a new chain version, checked,
        whose engagement says the price was entered by the buyer's account."""
        with self._write:
            _version, chain = self._chain(key)
            found = chain.engagements_by_id.get(engagement)
            if found is None or found.buyer != chain.root:
                raise FormError({"engagement": "choose one of your own engagements (tier 1)"})
            try:
                price = Money(amount=amount, per=per, currency=currency or "USD")
            except ValueError:
                raise FormError({"currency": "a three-letter currency code, such as USD"}) from None
            origin = (found.source or "").split("; price entered by ")[0]
            entered = f"price entered by {by}"
            updated_engagement = found.model_copy(
                update={"price": price, "source": f"{origin}; {entered}" if origin else entered}
            )
            updated = chain.model_copy(
                update={
                    "engagements": [
                        updated_engagement if e.id == engagement else e for e in chain.engagements
                    ]
                }
            )
            updated = Chain.model_validate(updated.model_dump())
            version, new = self.workspace.add_chain(
                updated, key=key, source=f"{engagement}: {entered} ({price})", by=by
            )
            if new:
                self._run(version, updated, by)
            return version

    def report(self, key: str) -> tuple[ChainVersion, CheckResult]:
        """The chain's latest version checked in full, with the review decisions in force:
        what ``subtier report`` renders for a chain kept in the workspace."""
        version, chain = self._chain(key)
        decisions = self.workspace.decisions(key)
        result = check_saved(decisions, chain, self.policy, self.lists())
        return version, with_reviews(self.workspace, key, chain, result)

    # Invitations ----------------------------------------------------------------------------

    def invite(
        self, key: str, engagement: str, by: str, parent: Invitation | None = None,
        email: str | None = None, base_url: str = "",
    ) -> tuple[Invitation, str]:  # fmt: skip
        """A new invitation link for the supplier of an engagement; the token is shown once.
        Given an ``email``, the link is also sent there (see ``invitation_mail``).

        By the buyer, or (``parent``) by the supplier holding that invitation: the portal's
        authority rule (:mod:`subtier.core.disclosure.authority`) says who may issue it."""
        _version, chain = self._chain(key)
        found = chain.engagements_by_id.get(engagement)
        if found is None:
            raise FormError({"engagement": "choose an engagement of this chain"})
        if email:
            self.notifier.check_invitation_address(email)
        chain_id = self.portal.chain_id(key)
        assert chain_id is not None
        actor = authority.vendor(parent.id) if parent else BUYER_PARTY
        with self._write:
            existing = self._invitation_for(key, found.id)
            verdict = authority.require(
                authority.may_issue(
                    actor, link(existing) if existing else None, parent.id if parent else None
                )
            )
            token, now = new_token(), self.now()
            ident = self.portal.invite(
                chain_id, found.id, found.supplier, token_hash(token), by, now,
                now + timedelta(days=self.settings.invite_days),
                now + timedelta(days=self.settings.due_days),
                parent_id=parent.id if parent else None, reissued=verdict.keeps_answers,
            )  # fmt: skip
        self.workspace.log(
            "portal.invite", f"{key} {found.id}",
            {"supplier": found.supplier, "invitation": ident,
             "parent": parent.id if parent else None, "answers_kept": verdict.keeps_answers},
            by=by,
        )  # fmt: skip
        invitation = self.portal.invitation(ident)
        assert invitation is not None
        if email:
            self._mail_invitation(invitation, chain, email, f"{base_url}/invite/{token}")
        return invitation, token

    def _invitation_for(self, key: str, engagement: str) -> Invitation | None:
        return next((i for i in self.portal.invitations(key) if i.engagement == engagement), None)

    def add_supplier(
        self, key: str, name: str, service: str, by: str, email: str | None = None,
        base_url: str = "",
    ) -> tuple[Invitation, str]:  # fmt: skip
        """Add a supplier hired by the chain's root buyer, and invite it."""
        errors = {}
        if email:
            try:
                self.notifier.check_invitation_address(email)
            except FormError as error:
                errors.update(error.errors)
        if not name.strip() or len(name) > 200:
            errors["supplier"] = "the supplier's name, 1 to 200 characters"
        if not service.strip() or len(service) > 200:
            errors["service"] = "what you buy from it, 1 to 200 characters"
        if errors:
            raise FormError(errors)
        with self._write:
            _version, chain = self._chain(key)
            taken = _ids(chain)
            org = Organization(id=dis.new_id(name, taken), name=name.strip())
            engagement = Engagement(
                id=dis.new_id(f"{org.id}-work", taken), buyer=chain.root, supplier=org.id,
                service=service.strip(), source="web",
            )  # fmt: skip
            updated = chain.model_copy(
                update={
                    "organizations": [*chain.organizations, org],
                    "engagements": [*chain.engagements, engagement],
                }
            )
            updated = Chain.model_validate(updated.model_dump())
            version, _new = self.workspace.add_chain(updated, key=key, source="web", by=by)
            self._run(version, updated, by)
        return self.invite(key, engagement.id, by, email=email, base_url=base_url)

    def landing(self, token: str) -> InvitationRow | None:
        """The invitation a link is for, if it can still be claimed; marks it opened."""
        invitation = self.portal.invitation_by_token(token_hash(token))
        now = self.now()
        if invitation is None or not invitation.claimable(now):
            return None
        self.portal.mark_opened(invitation.id, now)
        _version, chain = self._chain(invitation.chain)
        return self._row(invitation, chain, now)

    def claim(self, token: str) -> str | None:
        """Use an invitation link once: a vendor session token, or None."""
        digest = token_hash(token)
        invitation = self.portal.invitation_by_token(digest)
        if invitation is None or not self.portal.claim(invitation.id, digest, self.now()):
            return None
        self.workspace.log(
            "portal.claim", f"{invitation.chain} {invitation.engagement}",
            {"invitation": invitation.id}, by=f"portal:{invitation.supplier}",
        )  # fmt: skip
        return self._session(VENDOR, invitation_id=invitation.id)

    # The vendor's disclosure ------------------------------------------------------------------

    def _scope(self, inv: Invitation, chain: Chain) -> Scope:
        engagement = chain.engagements_by_id.get(inv.engagement)
        if engagement is None or engagement.supplier != inv.supplier:
            raise NotFoundError("this engagement is no longer in the chain; ask the buyer")
        return Scope(inv.chain, inv.engagement, inv.supplier, engagement.buyer)

    def _disclosure(self, inv: Invitation) -> tuple[Disclosure, dis.Applied]:
        stored = self.portal.disclosure(inv.id)
        if stored is None:
            return Disclosure(), dis.Applied()
        return Disclosure.model_validate(stored[0]), dis.Applied.from_json(stored[1])

    def portal_view(self, inv: Invitation) -> PortalView:
        _version, chain = self._chain(inv.chain)
        scope = self._scope(inv, chain)
        d, _applied = self._disclosure(inv)
        now = self.now()
        children = {
            child.supplier: self._row(child, chain, now) for child in self.portal.children(inv.id)
        }
        row = self._row(inv, chain, now)
        return PortalView(
            invitation=inv, scope=scope, buyer=row.buyer, supplier=row.supplier,
            service=row.service, disclosure=d, attestation=self.portal.attestation(inv.id),
            statement=dis.statement(chain, scope, attested_terms(self.policy)),
            children=children,
            missing=dis.missing_before_signing(d), status=row.status,
            unsaved=inv.submitted_at is None and self.unsaved(inv),
            notice=_reissued_notice(inv),
        )  # fmt: skip

    def disclosure(self, inv: Invitation) -> Disclosure:
        """What the holder of ``inv`` has disclosed so far."""
        return self._disclosure(inv)[0]

    def change(
        self,
        inv: Invitation,
        edit: Callable[[Disclosure, Scope, set[str]], Disclosure],
        save: bool = True,
    ) -> ChainVersion:
        """Apply one edit to the vendor's disclosure. With ``save``, the disclosure goes into
        the chain as a new version, checked at once (an API call is a step of its own);
        without, the edit is kept as a draft until the vendor saves the step (``save_step``)."""
        with self._write:
            return self._apply(inv, edit, save=save)

    def save_step(self, inv: Invitation, step: str) -> ChainVersion:
        """The vendor saves a step of its disclosure: what it entered becomes one chain
        version, however many rows it added or removed."""
        with self._write:
            return self._apply(inv, lambda d, _s, _t: d, step=f"{step} saved")

    def _apply(
        self,
        inv: Invitation,
        edit: Callable[[Disclosure, Scope, set[str]], Disclosure],
        save: bool = True,
        step: str = "",
    ) -> ChainVersion:
        if self.portal.attestation(inv.id) is not None:
            raise LockedError("this disclosure is signed; it can no longer change")
        # The session's own invitation, read again: one replaced or withdrawn meanwhile is not.
        current_inv = self.portal.invitation(inv.id)
        if current_inv is None:
            raise NotFoundError("this invitation is no longer in the chain; ask the buyer")
        authority.require(authority.may_change(authority.vendor(inv.id), link(current_inv)))
        head, chain = self._chain(inv.chain)
        scope = self._scope(inv, chain)
        current, applied = self._disclosure(inv)
        updated = edit(current, scope, _ids(chain) | current.ids())
        source = f"subtier portal: disclosed by {chain.organizations_by_id[scope.supplier].name}"
        # Applied even to a draft: an edit the chain cannot take is refused now, not later.
        new_chain, now_applied = dis.apply(chain, scope, updated, applied, source)
        who = f"portal:{inv.supplier}"
        # The disclosure first: if saving the chain then fails, the next edit re-applies it all.
        self.portal.save_disclosure(
            inv.id, updated.model_dump(mode="json"),
            (now_applied if save else applied).as_json(), self.now(),
            audit=(who, f"{inv.chain} {inv.engagement}"),
        )  # fmt: skip
        if not save:
            return head
        label = f"portal invitation {inv.id}" + (f": {step}" if step else "")
        version, new = self.workspace.add_chain(new_chain, key=inv.chain, source=label, by=who)
        if new:
            self._keep_parsed(version.row_id, new_chain)
            self._run(version, new_chain, who)
        return version

    def unsaved(self, inv: Invitation) -> bool:
        """Has the vendor entered answers that are not yet in the chain the buyer sees?"""
        _version, chain = self._chain(inv.chain)
        scope = self._scope(inv, chain)
        current, applied = self._disclosure(inv)
        new_chain, _applied = dis.apply(
            chain, scope, current, applied,
            f"subtier portal: disclosed by {chain.organizations_by_id[scope.supplier].name}",
        )  # fmt: skip
        return new_chain != chain

    def attest(self, inv: Invitation, form: dis.AttestationIn) -> Attestation:
        with self._write:
            d, _applied = self._disclosure(inv)
            missing = dis.missing_before_signing(d)
            if missing:
                raise FormError(missing)
            # Make sure the chain holds what is signed.
            version = self._apply(inv, lambda d, _s, _t: d, step="submitted")
            _v, chain = self._chain(inv.chain)
            scope = self._scope(inv, chain)
            text = dis.statement(chain, scope, attested_terms(self.policy))
            documents = [(a.filename, a.sha256) for a in self.attachments.of_invitation(inv.id)]
            content, digest = dis.attested(scope, d, form, text, documents)
            details = {
                "invitation": inv.id, "name": form.name, "title": form.title,
                "date": form.date.isoformat(), "content_hash": digest,
                "version": version.version,
            }  # fmt: skip
            if not self.portal.attest(
                inv.id, form.name, form.title, form.date.isoformat(), text, content, digest,
                version.row_id, self.now(),
                audit=(f"portal:{inv.supplier}", f"{inv.chain} {inv.engagement}", details),
            ):  # fmt: skip
                raise LockedError("this disclosure is already signed")
        found = self.portal.attestation(inv.id)
        assert found is not None
        self._notify_submitted(inv, found, version)
        return found

    def invite_subcontractor(
        self, inv: Invitation, ident: str, email: str | None = None, base_url: str = ""
    ) -> tuple[Invitation, str]:
        """The cascade: a supplier invites one of its own subcontractors."""
        d, _applied = self._disclosure(inv)
        sub = next((s for s in d.subcontractors if s.id == ident), None)
        if sub is None:
            raise NotFoundError("no such subcontractor")
        # Who may issue its link is the authority rule's to say, in ``invite``.
        if sub.engagement not in self._chain(inv.chain)[1].engagements_by_id:
            # Inviting it shares it with the buyer: the step is saved first.
            self.save_step(inv, "subcontractors")
        return self.invite(
            inv.chain, sub.engagement, f"portal:{inv.supplier}", parent=inv, email=email,
            base_url=base_url,
        )  # fmt: skip

    # Notifications and attachments ----------------------------------------------------------

    def _mail_invitation(self, inv: Invitation, chain: Chain, to: str, url: str) -> Delivery:
        row = self._row(inv, chain, self.now())
        delivery = self.notifier.send_invitation(
            inv.id, inv.chain, to, url, row.buyer, row.supplier, row.service or "this work",
            inv.due_at, inv.expires_at,
        )  # fmt: skip
        self.workspace.log(
            "portal.invite.mail", f"{inv.chain} {inv.engagement}",
            {"invitation": inv.id, "to": to, "delivery": delivery.id,
             "status": delivery.status, "error": delivery.last_error},
            by=inv.invited_by,
        )  # fmt: skip
        return delivery

    def invitation_mail(self, invitation_id: int) -> Delivery | None:
        """How the e-mail with an invitation's link has gone, if one was sent."""
        return self.notifier.outbox.invitation_mail(invitation_id)

    def _notify_new_findings(
        self, version: ChainVersion, run_id: int, tracked: list[Tracked]
    ) -> None:
        if not tracked or not self.notifier.outbox.hooks():
            return  # nobody to tell: the run before is not even read
        before = self.portal.previous_run(version.key, run_id)
        seen = self._run_keys(before) if before is not None else frozenset()
        new = [t for t in tracked if t.key not in seen]
        if new:
            self.notifier.findings(version.key, version.version, run_id, new)

    def _notify_submitted(
        self, inv: Invitation, signed: Attestation, version: ChainVersion
    ) -> None:
        _v, chain = self._chain(inv.chain)
        row = self._row(inv, chain, self.now())
        found = self.workspace.latest_findings(inv.chain) or []
        counts = {s.value: 0 for s in reversed(Severity)}
        for item in found:
            counts[item.severity.value] += 1
        body = {
            "chain": inv.chain, "engagement": inv.engagement, "invitation": inv.id,
            "supplier": {"id": inv.supplier, "name": row.supplier}, "buyer": row.buyer,
            "service": row.service, "version": version.version,
            "signed": {"name": signed.name, "title": signed.title, "date": signed.signed_on,
                       "content_hash": signed.content_hash},
            "findings": counts,
        }  # fmt: skip
        self.notifier.submitted(
            inv.chain, f"{row.supplier} submitted its disclosure for {inv.chain}", body
        )

    def attach(self, inv: Invitation, kind: str, filename: str, content: bytes) -> Attachment:
        """Keep a document the vendor attaches to its disclosure (before it signs)."""
        if kind not in KINDS:
            raise FormError({"kind": "one of " + ", ".join(KINDS)})
        try:
            name, media_type = check_upload(filename, content, self.settings.attachment_limit)
        except ValueError as error:
            raise FormError({"file": str(error)}) from None
        # Under the write lock, as signing is: a document is either in what is signed, or
        # refused because the disclosure is signed.
        with self._write:
            if self.portal.attestation(inv.id) is not None:
                raise LockedError("this disclosure is signed; nothing more can be attached")
            return self.attachments.add(
                inv.id, kind, name, media_type, content, f"portal:{inv.supplier}",
                f"{inv.chain} {inv.engagement}", self.now(),
            )  # fmt: skip

    def attachment(self, ident: int, *, chain: str | None = None,
                   invitation: Invitation | None = None) -> tuple[Attachment, bytes]:  # fmt: skip
        """An attachment and its bytes, for a buyer of its ``chain`` or the ``invitation`` it
        was attached under; anyone else is told it does not exist."""
        found = self.attachments.get(ident)
        allowed = found is not None and (
            (invitation is not None and found.invitation_id == invitation.id)
            or (chain is not None and any(
                a.id == ident for a in self.attachments.of_chain(chain)))
        )  # fmt: skip
        if found is None or not allowed:
            raise NotFoundError("no such document")
        try:
            return found, self.attachments.content(found)
        except (OSError, ValueError) as error:
            raise TamperedError(f"{found.filename}: {error}; run `subtier audit verify`") from None

    def invited_subcontractors(self, inv: Invitation) -> dict[str, Invitation]:
        """The subcontractors of this disclosure that have an invitation of their own, by
        whoever it was issued: by their engagement's invitation."""
        d, _applied = self._disclosure(inv)
        by_engagement = {i.engagement: i for i in self.portal.invitations(inv.chain)}
        return {
            s.id: by_engagement[s.engagement] for s in d.subcontractors
            if s.engagement in by_engagement
        }  # fmt: skip

    def remove_subcontractor(self, inv: Invitation, ident: str, save: bool = True) -> ChainVersion:
        """Take a subcontractor out of one's answers (``save``: as ``change`` does). One with an
        invitation of its own goes only as the authority rule allows (its issuer, before anyone
        opened it); then its unopened invitation goes with it, and the step is saved, since the
        buyer saw the invitation."""
        with self._write:
            d, _applied = self._disclosure(inv)
            if ident not in {s.id for s in d.subcontractors}:
                raise NotFoundError("no such subcontractor")
            own = self.invited_subcontractors(inv).get(ident)
            if own is not None:
                authority.require(authority.may_withdraw(authority.vendor(inv.id), link(own)))
            # Everything that could refuse the change is asked before anything is withdrawn.
            if self.portal.attestation(inv.id) is not None:
                raise LockedError("this disclosure is signed; it can no longer change")
            dis.remove_subcontractor(d, ident, set())
            if own is not None and not self.portal.withdraw(own.id):
                raise NotYoursError("it has opened its invitation meanwhile: it discloses its own part")  # fmt: skip
            if own is not None:
                self.workspace.log(
                    "portal.withdraw", f"{inv.chain} {own.engagement}",
                    {"invitation": own.id}, by=f"portal:{inv.supplier}",
                )  # fmt: skip
            return self._apply(
                inv,
                lambda d, _s, _t: dis.remove_subcontractor(d, ident, set()),
                save=save or own is not None,
            )


@dataclass(frozen=True)
class _History:
    """A chain's history as read so far: complete up to these version and run row ids."""

    after_version: int = 0
    after_run: int = 0
    rows: dict[int, VersionRow] = field(default_factory=dict)  # by version row id
    ordered: tuple[VersionRow, ...] = ()  # newest first
    latest: tuple[int, int] | None = None  # the chain's latest run: its id, its version


def link(inv: Invitation) -> Link:
    """What the authority rule reads of an invitation. A supplier issued it if it was issued
    from the portal for a subcontractor ("portal:" is never a buyer's name); else the buyer."""
    issuer = (
        authority.vendor(inv.parent_id)
        if inv.parent_id is not None and inv.invited_by.startswith("portal:")
        else BUYER_PARTY
    )
    return Link(
        id=inv.id, issuer=issuer, opened=inv.opened_at is not None,
        claimed=inv.claimed_at is not None, signed=inv.submitted_at is not None,
    )  # fmt: skip


def _reissued_notice(inv: Invitation) -> str:
    if inv.reissued_at is None:
        return ""
    return (
        f"The buyer issued a new link for this invitation on {inv.reissued_at:%Y-%m-%d}, after "
        "it had been opened. The answers saved before are kept; the earlier link, and any "
        "session opened with it, no longer work."
    )


def _ids(chain: Chain) -> set[str]:
    return {
        *(o.id for o in chain.organizations),
        *(s.id for s in chain.sites),
        *(e.id for e in chain.engagements),
        *(w.id for w in chain.workforces if w.id),
    }


def _finding(body: object) -> Finding:
    assert isinstance(body, dict)
    return Finding(
        rule=body["rule"],
        severity=Severity(body["severity"]),
        subject_kind=body["subject"]["kind"],
        subject_id=body["subject"]["id"],
        path=tuple(body["path"]),
        summary=body["summary"],
        evidence=tuple(Evidence(**e) for e in body["evidence"]),
    )
