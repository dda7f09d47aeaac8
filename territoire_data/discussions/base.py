"""Connection to the discussion store: SQLite under the home by default, PostgreSQL by URL.

``TERRITOIRE_DB_URL`` (e.g. ``postgresql+psycopg://user@host/territoire``) selects the
database; otherwise ``$TERRITOIRE_HOME/discussions.sqlite``, opened in WAL mode with a
busy timeout and foreign keys on. SQLite write transactions start with ``BEGIN IMMEDIATE``
so that concurrent writers queue instead of failing on a lock upgrade.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from territoire_data.erreurs import TerritoireErreur
from territoire_data.home import dossier_home

VARIABLE_URL = "TERRITOIRE_DB_URL"
MIGRATIONS = Path(__file__).parent / "migrations"
DELAI_VERROU_MS = 30_000

_moteurs: dict[str, Engine] = {}


def url(home=None) -> str:
    return os.environ.get(VARIABLE_URL) or f"sqlite:///{dossier_home(home) / 'discussions.sqlite'}"


def _sqlite(moteur: Engine) -> None:
    @event.listens_for(moteur, "connect")
    def _connexion(dbapi, _record):
        dbapi.isolation_level = None  # transactions are begun below, explicitly
        curseur = dbapi.cursor()
        curseur.execute("PRAGMA journal_mode=WAL")
        curseur.execute(f"PRAGMA busy_timeout={DELAI_VERROU_MS}")
        curseur.execute("PRAGMA foreign_keys=ON")
        curseur.execute("PRAGMA synchronous=NORMAL")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _debut(connexion):
        connexion.exec_driver_sql("BEGIN IMMEDIATE")


def moteur(home=None) -> Engine:
    adresse = url(home)
    if adresse not in _moteurs:
        if adresse.startswith("sqlite"):
            Path(adresse.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            _moteurs[adresse] = create_engine(adresse, connect_args={"timeout": DELAI_VERROU_MS / 1000})
            _sqlite(_moteurs[adresse])
        else:
            _moteurs[adresse] = create_engine(adresse, pool_pre_ping=True)
    return _moteurs[adresse]


def _config_alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def mettre_a_jour(home=None) -> str:
    """Apply the migrations (``territoire db upgrade``); returns the schema revision."""
    config = _config_alembic()
    with moteur(home).connect() as connexion:
        config.attributes["connection"] = connexion
        command.upgrade(config, "head")
        connexion.commit()
    return revision_courante(home)


def revision_courante(home=None) -> str | None:
    with moteur(home).connect() as connexion:
        return MigrationContext.configure(connexion).get_current_revision()


def verifier_schema(home=None) -> None:
    tete = ScriptDirectory.from_config(_config_alembic()).get_current_head()
    if revision_courante(home) != tete:
        raise TerritoireErreur("La base des discussions n'est pas à jour : lancez `territoire db upgrade`.")


_fabriques: dict[str, sessionmaker] = {}


@contextmanager
def session(home=None):
    """A transaction: committed at the end of the block, rolled back on error."""
    adresse = url(home)
    if adresse not in _fabriques:
        _fabriques[adresse] = sessionmaker(moteur(home), expire_on_commit=False)
    with _fabriques[adresse]() as s:
        with s.begin():
            yield s
