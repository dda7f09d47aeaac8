"""The shared store (SQLAlchemy 2, Alembic): users, roles, organisations, discussion threads
and messages. SQLite under the home by default, PostgreSQL for deployments."""
