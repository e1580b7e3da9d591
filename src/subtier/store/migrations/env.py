"""Alembic environment: migrations run on the connection the workspace hands over."""

from __future__ import annotations

from alembic import context

from subtier.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
