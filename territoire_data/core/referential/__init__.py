"""Referential of French communes (COG) and the territories they form.

``load_referential(home)`` returns the referential of a home, building its cache on first
use (≈ 15 s) and loading it afterwards (tables in a few tens of milliseconds; boundaries
are read only when asked for, and only for the communes asked for). A ``Workspace`` keeps
the loaded referential: ``Workspace(home).referential``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from territoire_data.core.referential import storage
from territoire_data.core.referential.geometry import LEVELS
from territoire_data.errors import TerritoireError
from territoire_data.progress import Steps
from territoire_data.settings import resolve_home

if TYPE_CHECKING:
    import geopandas as gpd


class Referential:
    """Tables of communes, sub-communes, EPCI, départements and régions, indexed by code."""

    def __init__(self, folder: Path, tables: dict[str, pd.DataFrame], manifest: dict):
        self.folder = folder
        self.manifest = manifest
        self.communes = tables["communes"].set_index("code", drop=False)
        self.sub_communes = tables["sub_communes"]
        self.epci = tables["epci"].set_index("code", drop=False)
        self.departements = tables["departements"].set_index("code", drop=False)
        self.regions = tables["regions"].set_index("code", drop=False)
        self._derived: dict[str, object] = {}

    def derived(self, key: str, compute):
        """A value derived from these tables, computed once and kept here (the communes'
        names as arrays and their French sort keys, say)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def __repr__(self) -> str:
        return f"<Referential {self.manifest['key']} : {len(self.communes)} communes>"

    def geometries(
        self,
        level: str = "departement",
        *,
        departements: list[str] | None = None,
        communes: list[str] | None = None,
    ) -> gpd.GeoDataFrame:
        """Commune boundaries (WGS84) at a simplification level, read only for what is asked.

        ``level``: ``source`` (full resolution), ``departement`` or ``france``.
        """
        if level not in LEVELS:
            raise TerritoireError(f"Niveau de simplification inconnu : « {level} » (choix : {', '.join(LEVELS)}).")
        filters = []
        if departements is not None:
            filters.append(("departement", "in", list(departements)))
        if communes is not None:
            filters.append(("code", "in", list(communes)))
        import geopandas as gpd  # only where boundaries are read (not in a dashboard kernel)

        return gpd.read_parquet(storage.geometry_file(self.folder, level), filters=filters or None)

    def arrondissements(self) -> gpd.GeoDataFrame:
        """Boundaries of the municipal arrondissements of Paris, Lyon and Marseille."""
        import geopandas as gpd

        return gpd.read_parquet(storage.geometry_file(self.folder, "arrondissements"))


def load_referential(
    home: str | os.PathLike | None = None,
    *,
    rebuild: bool = False,
    progress: bool = True,
    departements: list[str] | None = None,
) -> Referential:
    """The referential of this home, built into its cache the first time.

    ``departements`` limits a build to some départements (small test homes); a home keeps
    the scope it was first built with.
    """
    folder = storage.cache_folder(resolve_home(home, writable=False))
    if rebuild or not storage.is_complete(folder):
        resolve_home(home)  # building needs to write: said in French when it cannot
        with Steps("Construction du référentiel des communes", total=5, enabled=progress) as steps:
            folder = storage.write_cache(folder.parent.parent, steps, departements=departements)
    return Referential(folder, *storage.read_tables(folder))
