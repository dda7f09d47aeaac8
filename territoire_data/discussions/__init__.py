"""The exchange space: élus, their services and partners talk about their territory.

SQLAlchemy 2 models with Alembic migrations (``territoire db upgrade``) live in ``store``;
rights in ``access`` and nowhere else; ``DiscussionSpace(login)`` (or
``Workspace.discussions(login)``) is the only way in.
"""

from territoire_data.access.authorisation import AccessDenied, Authorisation
from territoire_data.discussions.space import DiscussionSpace
from territoire_data.text.messages import TextRefused

__all__ = ["AccessDenied", "Authorisation", "DiscussionSpace", "TextRefused"]
