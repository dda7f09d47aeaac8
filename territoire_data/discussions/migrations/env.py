"""Alembic environment: the connection is handed over by ``territoire db upgrade``."""

from alembic import context

from territoire_data.discussions.modeles import Base

connexion = context.config.attributes.get("connection")
context.configure(connection=connexion, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
