"""Connection to the discussion store: SQLite under the home by default, PostgreSQL by URL.

A ``Store`` is one database: its engine, its sessions and its migrations. The workspace
makes it from ``TERRITOIRE_DB_URL`` (e.g. ``postgresql+psycopg://user@host/territoire``)
or ``<home>/discussions.sqlite``. SQLite is opened in WAL mode with a busy timeout and
foreign keys on; its write transactions start with ``BEGIN IMMEDIATE`` so that concurrent
writers queue instead of failing on a lock upgrade.
"""

from __future__ import annotations

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

MIGRATIONS = Path(__file__).parent / "migrations"
LOCK_TIMEOUT_MS = 30_000


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


def _head() -> str | None:
    """The latest revision of the migrations shipped with the package."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class Store:
    """One database of the exchange space (engine created on first use)."""

    def __init__(self, url: str):
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker | None = None

    def __repr__(self) -> str:
        return f"<Store {self.display_url}>"

    @property
    def display_url(self) -> str:
        """The address without credentials (for messages)."""
        return self.url.split("@")[-1]

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.url.startswith("sqlite"):
                Path(self.url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
                self._engine = create_engine(self.url, connect_args={"timeout": LOCK_TIMEOUT_MS / 1000})
                _sqlite(self._engine)
            else:
                self._engine = create_engine(self.url, pool_pre_ping=True)
        return self._engine

    @contextmanager
    def session(self):
        """A transaction: committed at the end of the block, rolled back on error."""
        if self._sessions is None:
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        with self._sessions() as s:
            with s.begin():
                yield s

    def upgrade(self, revision: str = "head") -> str | None:
        """Apply the migrations (``territoire db upgrade``); returns the schema revision."""
        self._migrate(command.upgrade, revision)
        return self.current_revision()

    def downgrade(self, revision: str) -> str | None:
        """Go back to an earlier schema (rolling a release back); returns the revision."""
        self._migrate(command.downgrade, revision)
        return self.current_revision()

    def _migrate(self, step, revision: str) -> None:
        """Run Alembic on one connection. SQLite changes a table by copying it (batch mode):
        the foreign keys are switched off for that (they would refuse dropping a table that
        rows refer to), then checked before the change is kept."""
        config = _alembic_config()
        with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            raw = connection.connection.driver_connection
            if sqlite and raw is not None:  # outside any transaction, where SQLite takes this pragma into account
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                config.attributes["connection"] = connection
                step(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        connection.rollback()
                        raise TerritoireError(
                            f"Migration annulée : elle laisserait {len(broken)} référence(s) cassée(s) "
                            f"dans la base ({broken[:3]})."
                        )
                connection.commit()
            finally:
                if sqlite and raw is not None:
                    connection.rollback()
                    raw.execute("PRAGMA foreign_keys=ON")

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def ready(self) -> bool:
        """Is there a store at the current schema? (No file is created to find out.)"""
        if self.url.startswith("sqlite") and not Path(self.url.split("///", 1)[1]).exists():
            return False
        try:
            return self.current_revision() == _head()
        except Exception:  # unreachable server, no schema: not ready
            return False

    def check_schema(self) -> None:
        if self.current_revision() != _head():
            raise TerritoireError("La base des discussions n'est pas à jour : lancez `territoire db upgrade`.")

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine, self._sessions = None, None


def upgrade(home=None) -> str | None:
    """Apply the migrations to the store of a home's workspace (the default one without ``home``)."""
    from territoire_data.workspace import workspace_for

    return workspace_for(home).store.upgrade()
