"""The discussion store: élus, their services and partners talk about their territory.

SQLAlchemy 2 models with Alembic migrations (``territoire db upgrade``); SQLite under
``$TERRITOIRE_HOME`` by default, PostgreSQL through ``TERRITOIRE_DB_URL``. Access rules
live in ``authorisation`` and nowhere else; ``Espace(login)`` is the only way in.
"""

from territoire_data.access.authorisation import AccessDenied, Authorisation
from territoire_data.store.database import upgrade, session
from territoire_data.discussions.space import DiscussionSpace, add_user, list_users
from territoire_data.discussions.text import TextRefused

__all__ = ["AccessDenied", "Authorisation", "DiscussionSpace", "TextRefused", "add_user", "list_users",
           "upgrade", "session"]
