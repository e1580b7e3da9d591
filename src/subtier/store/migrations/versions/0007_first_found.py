"""When each finding was first found in its chain, kept as a run is recorded.

The dashboard shows for every finding the date it was first found. Worked out from the runs, it
meant reading every earlier run of the chain with a finding of the same key, on every new run:
a cost that grew with the chain's history. ``first_found`` holds one row a chain and finding
key, with the time of the run that first found it. It is written in the transaction that
records that run, and filled here from the runs already stored.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "first_found",
        sa.Column("chain_id", sa.Integer, sa.ForeignKey("chains.id"), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "key", name="pk_first_found"),
    )
    op.execute(
        "INSERT INTO first_found (chain_id, key, at) "
        "SELECT v.chain_id, f.key, MIN(r.at) FROM findings f "
        "JOIN runs r ON r.id = f.run_id "
        "JOIN chain_versions v ON v.id = r.chain_version_id "
        "GROUP BY v.chain_id, f.key"
    )


def downgrade() -> None:
    op.drop_table("first_found")
