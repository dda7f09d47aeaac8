"""Referential of French communes (COG) and the territories they form.

``charger()`` returns the referential for the current home, building its cache on first
use (≈ 15 s) and loading it afterwards (tables in a few tens of milliseconds; boundaries
are read only when asked for, and only for the communes asked for).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd

from territoire_data.erreurs import TerritoireErreur
from territoire_data.home import dossier_home
from territoire_data.progression import Etapes
from territoire_data.referential import stockage
from territoire_data.referential.geometrie import NIVEAUX


class Referentiel:
    """Tables of communes, sub-communes, EPCI, départements and régions, indexed by code."""

    def __init__(self, dossier: Path, tables: dict[str, pd.DataFrame], manifeste: dict):
        self.dossier = dossier
        self.manifeste = manifeste
        self.communes = tables["communes"].set_index("code", drop=False)
        self.sous_communes = tables["sous_communes"]
        self.epci = tables["epci"].set_index("code", drop=False)
        self.departements = tables["departements"].set_index("code", drop=False)
        self.regions = tables["regions"].set_index("code", drop=False)

    def __repr__(self) -> str:
        return f"<Referentiel {self.manifeste['cle']} : {len(self.communes)} communes>"

    def geometries(
        self,
        niveau: str = "departement",
        *,
        departements: list[str] | None = None,
        communes: list[str] | None = None,
    ) -> gpd.GeoDataFrame:
        """Commune boundaries (WGS84) at a simplification level, read only for what is asked.

        ``niveau``: ``source`` (full resolution), ``departement`` or ``france``.
        """
        if niveau not in NIVEAUX:
            raise TerritoireErreur(
                f"Niveau de simplification inconnu : « {niveau} » (choix : {', '.join(NIVEAUX)})."
            )
        filtres = []
        if departements is not None:
            filtres.append(("departement", "in", list(departements)))
        if communes is not None:
            filtres.append(("code", "in", list(communes)))
        return gpd.read_parquet(stockage.fichier_geometries(self.dossier, niveau), filters=filtres or None)

    def arrondissements(self) -> gpd.GeoDataFrame:
        """Boundaries of the municipal arrondissements of Paris, Lyon and Marseille."""
        return gpd.read_parquet(stockage.fichier_geometries(self.dossier, "arrondissements"))


_charges: dict[Path, Referentiel] = {}
_verrou = threading.Lock()


def charger(home: str | os.PathLike | None = None, *, reconstruire: bool = False) -> Referentiel:
    """The referential of this home, built into its cache the first time."""
    dossier = stockage.dossier_cache(dossier_home(home))
    with _verrou:
        if not reconstruire and dossier in _charges:
            return _charges[dossier]
        if reconstruire or not stockage.est_complet(dossier):
            with Etapes("Construction du référentiel des communes", total=5) as etapes:
                dossier = stockage.ecrire(dossier.parent.parent, etapes)
        referentiel = Referentiel(dossier, *stockage.lire_tables(dossier))
        _charges[dossier] = referentiel
        return referentiel
