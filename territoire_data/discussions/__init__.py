"""The discussion store: élus, their services and partners talk about their territory.

SQLAlchemy 2 models with Alembic migrations (``territoire db upgrade``); SQLite under
``$TERRITOIRE_HOME`` by default, PostgreSQL through ``TERRITOIRE_DB_URL``. Access rules
live in ``autorisation`` and nowhere else; ``Espace(login)`` is the only way in.
"""

from territoire_data.discussions.autorisation import AccesRefuse, Autorisation
from territoire_data.discussions.base import mettre_a_jour, session
from territoire_data.discussions.espace import Espace, ajouter_utilisateur, lister_utilisateurs
from territoire_data.discussions.texte import TexteRefuse

__all__ = ["AccesRefuse", "Autorisation", "Espace", "TexteRefuse", "ajouter_utilisateur", "lister_utilisateurs",
           "mettre_a_jour", "session"]
