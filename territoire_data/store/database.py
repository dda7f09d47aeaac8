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

from territoire_data.errors import TerritoireError
from territoire_data.settings import resolve_home

URL_VARIABLE = "TERRITOIRE_DB_URL"
MIGRATIONS = Path(__file__).parent / "migrations"
LOCK_TIMEOUT_MS = 30_000

_engines: dict[str, Engine] = {}


def url(home=None) -> str:
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{resolve_home(home) / 'discussions.sqlite'}"


def _sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connection(dbapi, _record):
        dbapi.isolation_level = None  # transactions are begun below, explicitly
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _start(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def engine(home=None) -> Engine:
    address = url(home)
    if address not in _engines:
        if address.startswith("sqlite"):
            Path(address.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
            _engines[address] = create_engine(address, connect_args={"timeout": LOCK_TIMEOUT_MS / 1000})
            _sqlite(_engines[address])
        else:
            _engines[address] = create_engine(address, pool_pre_ping=True)
    return _engines[address]


def _config_alembic() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(home=None) -> str:
    """Apply the migrations (``territoire db upgrade``); returns the schema revision."""
    config = _config_alembic()
    with engine(home).connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
    return current_revision(home)


def current_revision(home=None) -> str | None:
    with engine(home).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(home=None) -> None:
    head = ScriptDirectory.from_config(_config_alembic()).get_current_head()
    if current_revision(home) != head:
        raise TerritoireError("La base des discussions n'est pas à jour : lancez `territoire db upgrade`.")


_factories: dict[str, sessionmaker] = {}


@contextmanager
def session(home=None):
    """A transaction: committed at the end of the block, rolled back on error."""
    address = url(home)
    if address not in _factories:
        _factories[address] = sessionmaker(engine(home), expire_on_commit=False)
    with _factories[address]() as s:
        with s.begin():
            yield s
