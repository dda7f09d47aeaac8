"""One home and what it holds: settings, referential, warehouse, search index and store.

A ``Workspace`` owns the data it loads and their caches; nothing is cached at module level.
Every API either is a method of a workspace or takes one::

    from territoire_data import Workspace

    espace = Workspace("/data/territoire")           # or Workspace() : $TERRITOIRE_HOME
    bordeaux = espace.territory("33063")
    bordeaux.indicators(theme="emploi")              # read from this workspace's warehouse
    espace.search("saint martial")

``territory(code)``, ``search(text)`` … at package level go through the *default* workspace:
the one the CLI set up for ``--home``, or else one built from the environment on first use.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from territoire_data.settings import Settings, resolve_home

if TYPE_CHECKING:  # imported lazily: a workspace costs nothing until it is used
    import pandas as pd

    from territoire_data.access.authorisation import Authorisation
    from territoire_data.core.referential import Referential
    from territoire_data.core.search import SearchIndex, SearchResult
    from territoire_data.core.territories import Territory
    from territoire_data.core.warehouse import Warehouse
    from territoire_data.discussions.space import DiscussionSpace
    from territoire_data.service.client import StoreClient
    from territoire_data.store.database import Store


class Workspace:
    """The data of one home, loaded on first use and kept here."""

    def __init__(self, home: str | os.PathLike | None = None, *, settings: Settings | None = None):
        settings = (settings or Settings.from_environment()).with_home(home)
        self.settings = settings
        self.home: Path = resolve_home(settings.home, writable=False)  # builds check writing
        self._lock = threading.RLock()
        self._referential: Referential | None = None
        self._warehouse: Warehouse | None = None
        self._search_index: SearchIndex | None = None
        self._store: Store | None = None
        self._access_units: dict[str, frozenset[str]] = {}
        self._memo: dict[tuple, object] = {}

    def __repr__(self) -> str:
        return f"<Workspace {self.home}>"

    # -- referential --------------------------------------------------------------------------

    @property
    def referential(self) -> Referential:
        """Communes, EPCI, départements and régions (built into the home's cache the first time)."""
        with self._lock:
            if self._referential is None:
                from territoire_data.core.referential import load_referential

                self._referential = load_referential(self.home, progress=self.settings.progress)
            return self._referential

    def rebuild_referential(self) -> Referential:
        from territoire_data.core.referential import load_referential

        with self._lock:
            self._referential = load_referential(self.home, rebuild=True, progress=self.settings.progress)
            self._search_index = None
            self._access_units.clear()
            self._memo.clear()
            return self._referential

    # -- warehouse ----------------------------------------------------------------------------

    @property
    def warehouse(self) -> Warehouse:
        """The current warehouse; ``WarehouseMissing`` (French message) when none was built.

        A build that swapped in a new warehouse since is picked up here.
        """
        from territoire_data.core.warehouse import current_folder, open_folder

        folder = current_folder(self.home)
        with self._lock:
            if self._warehouse is None or self._warehouse.folder != folder:
                self._warehouse = open_folder(folder)
                self._search_index = None
            return self._warehouse

    def warehouse_or_none(self) -> Warehouse | None:
        from territoire_data.core.warehouse import WarehouseMissing

        try:
            return self.warehouse
        except WarehouseMissing:
            return None

    def build_warehouse(self, raw, *, demo: bool = False, strict: bool = True, movements=None) -> dict:
        """Build the warehouse from raw files and swap it in (see ``core.warehouse``)."""
        from territoire_data.core.coverage import CoverageRule
        from territoire_data.core.warehouse import build_warehouse

        manifest = build_warehouse(
            raw,
            self.home,
            referential=self.referential,
            demo=demo,
            strict=strict,
            movements=movements,
            progress=self.settings.progress,
            limits=self.settings.archive_limits,
            rule=CoverageRule(self.settings.coverage_communes, self.settings.coverage_population),
            zan_without_plan=self.settings.zan_no_guarantee,
        )
        with self._lock:
            self._warehouse = None
            self._search_index = None
        return manifest

    # -- territories and search -----------------------------------------------------------------

    def territory(self, code: str) -> Territory:
        """The territory of a code (``33063``, ``epci:…``, ``scot:…``, ``dep:33``, ``reg:75``, ``france``)."""
        from territoire_data.core.territories import resolve

        return resolve(self, code)

    def access_units(self, code: str) -> frozenset[str]:
        """What a right on a territory covers, kept for the checks that ask again and again: its
        communes plus the municipal arrondissements of Paris, Lyon and Marseille when the city is
        among them; an arrondissement is its own single unit (a role there stops at its limits)."""
        with self._lock:
            if code not in self._access_units:
                territory = self.territory(code)
                if territory.level == "arrondissement":
                    units = frozenset({territory.code})
                else:
                    communes = frozenset(territory.communes)
                    sub = self.referential.sub_communes
                    arrondissements = sub.loc[(sub["type"] == "ARM") & sub["parent"].isin(communes), "code"]
                    units = communes | frozenset(str(c) for c in arrondissements)
                self._access_units[code] = units
            return self._access_units[code]

    @property
    def search_index(self) -> SearchIndex:
        from territoire_data.core.search import SearchIndex

        warehouse = self.warehouse_or_none()
        with self._lock:
            if self._search_index is None:
                populations = None if warehouse is None else warehouse.populations()
                scot = None if warehouse is None else warehouse.scot_members
                self._search_index = SearchIndex(self.referential, populations, scot)
            return self._search_index

    def search(self, text: str, limit: int = 10, levels=None) -> list[SearchResult]:
        """Territories matching ``text``, best first (accents, hyphens and case ignored; a
        département number or name at the end keeps that département's communes)."""
        from territoire_data.core.search import COMMUNE_LEVELS

        return self.search_index.search(text, limit=limit, levels=tuple(levels or COMMUNE_LEVELS))

    def indicators(self, code: str, theme: str | None = None, peers: str = "densite") -> pd.DataFrame:
        """Every indicator of a territory with value, year, provenance and peer position."""
        return self.territory(code).indicators(theme=theme, peers=peers)

    # -- store, access, discussions -------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The discussion store (SQLite in the home, or ``TERRITOIRE_DB_URL``)."""
        from territoire_data.store.database import Store, local_path

        with self._lock:
            if self._store is None:
                self._store = Store(self.settings.db_url or f"sqlite:///{local_path(self.home)}")
            return self._store

    def authorisation(self, login: str | None) -> Authorisation:
        """The rights of a login, read from the store now."""
        from territoire_data.access import authorisation_of

        return authorisation_of(self, login)

    def exchange(self, login: str | None) -> StoreClient:
        """The exchange store as the dashboard reaches it: through the JupyterHub service when
        ``TERRITOIRE_STORE_SERVICE_URL`` is set (the Hub token says who the user is), else in
        this process for ``login`` — the same client and operations either way."""
        from territoire_data.service.client import HubTransport, LocalTransport, StoreClient

        if self.settings.store_service_url:
            return StoreClient(HubTransport(self.settings.store_service_url, self.settings.hub_token), login)
        return StoreClient(LocalTransport(self, login), login)

    def discussions(self, login: str | None) -> DiscussionSpace:
        """The exchange space as ``login`` sees it."""
        from territoire_data.discussions.space import DiscussionSpace

        return DiscussionSpace(login, workspace=self)

    def memo(self, key: tuple, compute):
        """A value derived from this workspace's data, computed once and kept here (a
        département's map for the reports, say). Keys that depend on the warehouse include
        its folder; ``rebuild_referential`` forgets everything."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def close(self) -> None:
        """Release the store's connections (the data files need no closing)."""
        with self._lock:
            if self._store is not None:
                self._store.dispose()
                self._store = None


_default: Workspace | None = None
_default_lock = threading.Lock()


def default_workspace() -> Workspace:
    """The workspace of package-level calls: set by the CLI, else built from the environment."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Workspace()
        return _default


def set_default_workspace(workspace: Workspace | None) -> Workspace | None:
    """Make ``workspace`` the default (``None``: rebuilt from the environment at next use);
    returns the previous one."""
    global _default
    with _default_lock:
        previous, _default = _default, workspace
        return previous


def workspace_for(home: str | os.PathLike | None = None, workspace: Workspace | None = None) -> Workspace:
    """``workspace`` if given; else the default one, or a new one for another ``home``."""
    if workspace is not None:
        return workspace
    default = default_workspace()
    if home is None or resolve_home(home, writable=False) == default.home:
        return default
    return Workspace(home, settings=default.settings)
