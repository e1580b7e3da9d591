"""Integrity: the audit trail vouches for each disclosure, and what each viewer has seen.

Existing disclosures were never recorded in the audit trail (the trail now vouches for each
one as it is saved): each is adopted by a record of its own, so that `subtier audit verify`
can tell a later edit. The ``seen`` table keeps the latest run of each chain a buyer's account
(or ``subtier monitor``) has been shown, which "new" findings are new against.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "seen",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("viewer", sa.String(200), nullable=False),
        sa.Column("chain_id", sa.Integer, sa.ForeignKey("chains.id"), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("viewer", "chain_id", name="uq_seen_viewer_chain"),
    )
    _adopt_disclosures()


def _adopt_disclosures() -> None:
    from subtier.store import tables as t
    from subtier.store.audit import GENESIS, record_hash, row_digest
    from subtier.store.integrity import COVERS, disclosure_data

    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            t.disclosures.c.invitation_id, t.disclosures.c.content, t.disclosures.c.applied,
            t.invitations.c.engagement, t.chains.c.key,
        )
        .join(t.invitations, t.invitations.c.id == t.disclosures.c.invitation_id)
        .join(t.chains, t.chains.c.id == t.invitations.c.chain_id)
        .order_by(t.disclosures.c.invitation_id)
    ).all()  # fmt: skip
    if not rows:
        return
    last = conn.execute(
        sa.select(t.audit.c.seq, t.audit.c.hash).order_by(t.audit.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    now = datetime.now(UTC)
    for row in rows:
        seq += 1
        subject = f"{row.key} {row.engagement}"
        details = {"invitation": row.invitation_id, COVERS: "disclosure", "adopted": True}
        digest = row_digest(disclosure_data(row.invitation_id, row.content, row.applied))
        who = "subtier upgrade"
        h = record_hash(seq, now, who, "portal.disclose", subject, details, digest, prev)
        conn.execute(
            sa.insert(t.audit).values(
                seq=seq, at=now, actor=who, action="portal.disclose", subject=subject,
                details=details, content_hash=digest, prev_hash=prev, hash=h,
            )
        )  # fmt: skip
        prev = h


def downgrade() -> None:
    op.drop_table("seen")
