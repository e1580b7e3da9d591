"""The web portal: buyer accounts, sessions, vendor invitations, disclosures and attestations.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("chain_id", sa.Integer, sa.ForeignKey("chains.id"), nullable=False),
        sa.Column("engagement", sa.Text, nullable=False),
        sa.Column("supplier", sa.Text, nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("invitations.id"), nullable=True),
        sa.Column("invited_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("chain_id", "engagement", name="uq_invitation_engagement"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("admin", sa.Integer, nullable=False, server_default="0"),
        sa.Column("invitation_id", sa.Integer, sa.ForeignKey("invitations.id"), nullable=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "invitation_id",
            sa.Integer,
            sa.ForeignKey("invitations.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("applied", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "attestations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "invitation_id",
            sa.Integer,
            sa.ForeignKey("invitations.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("signed_on", sa.String(10), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column(
            "chain_version_id", sa.Integer, sa.ForeignKey("chain_versions.id"), nullable=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_expires", "sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("attestations")
    op.drop_table("disclosures")
    op.drop_table("sessions")
    op.drop_table("invitations")
    op.drop_table("users")
