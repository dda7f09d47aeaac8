"""Layers of the radar: Etalab cadastre (files or download), green network, PLU, exclusions."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import geopandas as gpd
import pyogrio

from territoire_data.erreurs import ErreurFichier, TerritoireErreur
from territoire_data.home import dossier_home
from territoire_data.projections import epsg_local

# ``TERRITOIRE_URL_CADASTRE`` replaces the base (a mirror, or a local server in tests).
BASE_CADASTRE = "https://cadastre.data.gouv.fr/data/etalab-cadastre/latest/geojson/communes"
CHEMIN_CADASTRE = "{departement}/{code}/cadastre-{code}-{couche}.json.gz"


def departement_de(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def lire(chemin: str | os.PathLike, crs_cible: int, quoi: str) -> gpd.GeoDataFrame:
    """Any vector file (GeoJSON, .json.gz, GeoPackage, Shapefile…) reprojected to ``crs_cible``."""
    chemin = Path(chemin)
    if not chemin.is_file():
        raise TerritoireErreur(f"{quoi} : fichier introuvable : {chemin}")
    try:
        if chemin.suffix == ".gz":
            with gzip.open(chemin, "rb") as flux:
                couche = gpd.read_file(flux)
        else:
            couche = gpd.read_file(chemin)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as erreur:
        raise ErreurFichier(str(chemin), raison=f"{quoi} illisible ({erreur})") from None
    if couche.crs is None:
        couche = couche.set_crs(4326)  # Etalab GeoJSON: WGS84 without a crs member
    return couche.to_crs(crs_cible)


def telecharger_cadastre(code: str, couche: str) -> Path:
    """``cadastre-{code}-{couche}.json.gz`` from cadastre.data.gouv.fr, cached under the home."""
    import pooch

    base = os.environ.get("TERRITOIRE_URL_CADASTRE", BASE_CADASTRE).rstrip("/")
    url = f"{base}/{CHEMIN_CADASTRE.format(departement=departement_de(code), code=code, couche=couche)}"
    dossier = dossier_home() / "telechargements" / "cadastre"
    try:
        return Path(pooch.retrieve(url, known_hash=None, path=dossier, fname=f"cadastre-{code}-{couche}.json.gz",
                                   progressbar=False))
    except Exception as erreur:  # noqa: BLE001 — offline, 404…: said in French
        raise TerritoireErreur(f"Téléchargement du cadastre {couche} de {code} impossible ({erreur}). "
                               "Donnez le fichier avec --parcelles / --batiments.") from None


def crs_de(code: str) -> int:
    return epsg_local(departement_de(code))
