"""Alembic's environment for the history: migrations run on the connection the caller
opened (:func:`finance.history.migrate.upgrade`), never on a URL read from a file."""

from __future__ import annotations

from alembic import context

from finance.history.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
