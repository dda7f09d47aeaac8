"""Alembic environment: the connection is handed over by ``territoire db upgrade``."""

from alembic import context

from territoire_data.store.models import Base

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
