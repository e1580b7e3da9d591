"""Teams: chains and buyer accounts belong to a team, and a buyer sees its team's chains only.

Every existing chain and account joins a team named ``default``, so that a workspace with one
team of buyers works as before. Invitations gain ``reissued_at``: when the buyer issued a new
link for an invitation that had been opened, so that whoever opens the new link is told its
answers were kept.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

DEFAULT_TEAM = "default"


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # By name, not a given id: PostgreSQL's sequence would hand out that id again.
    teams = sa.table("teams", sa.column("name"), sa.column("created_at"))
    op.bulk_insert(teams, [{"name": DEFAULT_TEAM, "created_at": datetime.now(UTC)}])
    # Added without a foreign key constraint in the DDL on SQLite, which cannot add one to a
    # table that exists; the tables module declares it, and the store only writes team ids
    # it has read from ``teams``.
    for table in ("chains", "users"):
        op.add_column(table, sa.Column("team_id", sa.Integer, nullable=True))
        op.execute(
            sa.text(
                f"UPDATE {table} SET team_id = (SELECT id FROM teams WHERE name = :name)"
            ).bindparams(name=DEFAULT_TEAM)
        )
        op.create_index(f"ix_{table}_team", table, ["team_id"])
    op.add_column(
        "invitations", sa.Column("reissued_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("invitations", "reissued_at")
    for table in ("chains", "users"):
        op.drop_index(f"ix_{table}_team", table)
        op.drop_column(table, "team_id")
    op.drop_table("teams")
