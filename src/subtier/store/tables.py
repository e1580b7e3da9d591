"""The workspace's tables (SQLAlchemy Core). Migrations in ``migrations/`` create them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Buyers work in teams: a team's accounts see and act on its chains only (migration 0005).
teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

chains = Table(
    "chains",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=True),  # None: not yet placed
)

chain_versions = Table(
    "chain_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chain_id", Integer, ForeignKey("chains.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("content", Text, nullable=False),  # canonical JSON of the chain
    Column("content_hash", String(64), nullable=False),
    Column("source", Text, nullable=True),  # file the version came from
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("chain_id", "version", name="uq_chain_version"),
)

audit = Table(
    "audit",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("subject", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("content_hash", String(64), nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("version", String(100), nullable=False),
    Column("format", String(20), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chain_version_id", Integer, ForeignKey("chain_versions.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(200), nullable=False),
    Column("policy", Text, nullable=False),
    Column("lists", JSON, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("key", Text, nullable=False),
    Column("evidence_hash", String(64), nullable=False),
    Column("rule", String(100), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("subject_kind", String(20), nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("body", JSON, nullable=False),
)

# When each finding key was first found in a chain (migration 0007): written with the run.
first_found = Table(
    "first_found",
    metadata,
    Column("chain_id", Integer, ForeignKey("chains.id"), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),  # of the run that first found it
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chain_id", Integer, ForeignKey("chains.id"), nullable=False),
    Column("finding_key", Text, nullable=False),
    Column("evidence_hash", String(64), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# The web app's portal: buyer accounts, sessions, vendor invitations and what vendors disclose.

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),  # scrypt, with its salt and cost
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=True),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # the token itself is never kept
    Column("chain_id", Integer, ForeignKey("chains.id"), nullable=False),
    Column("engagement", Text, nullable=False),  # engagement id in the chain
    Column("supplier", Text, nullable=False),  # its supplier's organization id
    Column("parent_id", Integer, ForeignKey("invitations.id"), nullable=True),  # the cascade
    Column("invited_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),  # the link, until claimed
    Column("due_at", DateTime(timezone=True), nullable=False),  # the signed disclosure
    Column("opened_at", DateTime(timezone=True), nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=True),  # signed
    # The buyer issued a new link after this one was opened: its answers were kept.
    Column("reissued_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("chain_id", "engagement", name="uq_invitation_engagement"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),  # buyer or vendor
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("admin", Integer, nullable=False, server_default="0"),  # signed in with the admin token
    Column("invitation_id", Integer, ForeignKey("invitations.id"), nullable=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

disclosures = Table(
    "disclosures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invitation_id", Integer, ForeignKey("invitations.id"), nullable=False, unique=True),
    Column("content", JSON, nullable=False),  # what the vendor has entered so far
    Column("applied", JSON, nullable=False),  # ids it last put into the chain
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

attestations = Table(
    "attestations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invitation_id", Integer, ForeignKey("invitations.id"), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("signed_on", String(10), nullable=False),  # the date the signer gave, ISO
    Column("statement", Text, nullable=False),
    Column("content", Text, nullable=False),  # canonical JSON of everything attested
    Column("content_hash", String(64), nullable=False),
    Column("chain_version_id", Integer, ForeignKey("chain_versions.id"), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

# What each viewer was last shown of a chain: a buyer's account ("user:NAME", "admin") on the
# dashboard, or "monitor". Findings are new against the run named here.
seen = Table(
    "seen",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("viewer", String(200), nullable=False),
    Column("chain_id", Integer, ForeignKey("chains.id"), nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("viewer", "chain_id", name="uq_seen_viewer_chain"),
)

# Notifications: who is told of what (hooks), and every message owed to someone (deliveries). A
# delivery is written when what it reports on is saved, and a worker sends it later: a restart
# does not lose it, and no request waits on a receiver.

hooks = Table(
    "hooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # webhook or email
    Column("target", Text, nullable=False),  # the URL, or the e-mail address
    Column("secret", String(100), nullable=True),  # signs a webhook's payloads
    Column("min_severity", String(20), nullable=False),  # findings at or above it are sent
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("removed_at", DateTime(timezone=True), nullable=True),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # webhook or email
    Column("target", Text, nullable=False),
    Column("event", String(50), nullable=False),  # invitation, disclosure.submitted, finding.new
    Column("subject", Text, nullable=False),  # what it is about, as the buyer reads it
    Column("payload", Text, nullable=False),  # the JSON body, or the e-mail's text
    Column("chain_key", String(200), nullable=True),
    Column("hook_id", Integer, ForeignKey("hooks.id"), nullable=True),
    Column("invitation_id", Integer, ForeignKey("invitations.id"), nullable=True),
    Column("status", String(10), nullable=False),  # pending, sending, delivered, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    Column("next_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True), nullable=True),  # while a worker sends it
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
)
Index("ix_deliveries_due", deliveries.c.status, deliveries.c.next_at)

# Documents a vendor attaches to its disclosure. The file itself is kept in the workspace's
# folder of files under its SHA-256; the row and the audit record name that hash.
attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invitation_id", Integer, ForeignKey("invitations.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # contract, payroll, other
    Column("filename", Text, nullable=False),
    Column("media_type", String(100), nullable=False),  # as found in the content
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_by", String(200), nullable=False),
)
