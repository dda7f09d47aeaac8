"""Connection to the discussion store: SQLite under the home by default, PostgreSQL by URL.

A ``Store`` is one database: its engine, its sessions and its migrations. The workspace
makes it from ``TERRITOIRE_DB_URL`` (e.g. ``postgresql+psycopg://user@host/territoire``)
or ``<home>/echanges/discussions.sqlite``. SQLite is opened in WAL mode with a busy timeout
and foreign keys on; its write transactions start with ``BEGIN IMMEDIATE`` so that concurrent
writers queue instead of failing on a lock upgrade.

The SQLite files hold élus' threads and actors' contacts: they are created 0600 in a folder
0700, so that no other local account reads them (the ``-wal`` and ``-shm`` files SQLite makes
take the database's permissions). A looser folder or file found at start is tightened, with a
French warning in the log. A store left by an earlier version directly in the home is moved
into that folder.
"""

from __future__ import annotations

import logging
import os
import shutil
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
FOLDER = "echanges"  # under the home: the local store's private folder
DATABASE = "discussions.sqlite"
log = logging.getLogger("territoire.store")


def local_path(home: Path) -> Path:
    """The SQLite store of a home, moved from where earlier versions kept it (the home itself)."""
    path = home / FOLDER / DATABASE
    former = home / DATABASE
    if former.exists() and not path.exists():
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                if (home / f"{DATABASE}{suffix}").exists():
                    shutil.move(home / f"{DATABASE}{suffix}", path.parent / f"{DATABASE}{suffix}")
        except OSError as error:  # a home this account may not write: the store stays where it is
            log.warning("base des échanges laissée dans %s (déplacement impossible : %s)", home, error)
            return former
    return path


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
    def folder(self) -> Path | None:
        """The folder of a SQLite store (None for a server database)."""
        if not self.url.startswith("sqlite"):
            return None
        return Path(self.url.split("///", 1)[1]).parent

    @staticmethod
    def private_folder(folder: Path) -> None:
        """The folder 0700 and its files 0600: tightened, with a French warning, when looser."""
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        loose = []
        try:
            if folder.stat().st_mode & 0o077:
                os.chmod(folder, 0o700)
                loose.append(str(folder))
            for path in folder.iterdir():
                if path.name.startswith(DATABASE) and path.is_file() and path.stat().st_mode & 0o077:
                    os.chmod(path, 0o600)
                    loose.append(path.name)
        except OSError as error:  # not this account's folder: said, not fixed
            log.warning("droits de la base des échanges non resserrés dans %s : %s", folder, error)
        if loose:
            log.warning(
                "base des échanges lisible par d'autres comptes de la machine (%s) : droits restreints "
                "au seul propriétaire (dossier 0700, fichiers 0600)",
                ", ".join(loose),
            )

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.url.startswith("sqlite"):
                folder = self.folder
                assert folder is not None
                if folder != Path(".") and str(folder) != ":memory:":
                    self.private_folder(folder)
                    database = Path(self.url.split("///", 1)[1])
                    if not database.exists():  # created 0600 before SQLite opens it (WAL files follow)
                        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
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
