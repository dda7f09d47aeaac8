"""Layers of the radar: Etalab cadastre (files or download), green network, PLU, exclusions."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import geopandas as gpd
import pyogrio

from territoire_data.core.projections import local_epsg
from territoire_data.errors import FileError, TerritoireError
from territoire_data.sources.download import DOWNLOADS

# The base address is a setting (``TERRITOIRE_CADASTRE_URL``: a mirror, or a local server in tests).
CADASTRE_PATH = "{departement}/{code}/cadastre-{code}-{layer}.json.gz"


def departement_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def read(path: str | os.PathLike, crs_target: int, what: str) -> gpd.GeoDataFrame:
    """Any vector file (GeoJSON, .json.gz, GeoPackage, Shapefile…) reprojected to ``crs_target``."""
    path = Path(path)
    if not path.is_file():
        raise TerritoireError(f"{what} : fichier introuvable : {path}")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as flows:
                layer = gpd.read_file(flows)
        else:
            layer = gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as error:
        raise FileError(str(path), reason=f"{what} illisible ({error})") from None
    if layer.crs is None:
        layer = layer.set_crs(4326)  # Etalab GeoJSON: WGS84 without a crs member
    return layer.to_crs(crs_target)


def cadastre_file(home: Path, code: str, layer: str) -> Path | None:
    """A commune's cadastre layer already in the home (``cadastre/`` or the downloads), or None.

    ``layer``: ``parcelles``, ``batiments``, ``sections`` or ``lieux_dits`` (Etalab's names).
    """
    for folder in (home / "cadastre", home / DOWNLOADS / "cadastre"):
        for name in (f"cadastre-{code}-{layer}.json.gz", f"cadastre-{code}-{layer}.json"):
            if (folder / name).is_file():
                return folder / name
    return None


def download_cadastre(workspace, code: str, layer: str) -> Path:
    """``cadastre-{code}-{layer}.json.gz``: from the home if there, else downloaded from
    cadastre.data.gouv.fr (or ``TERRITOIRE_CADASTRE_URL``) into the home's downloads."""
    import pooch

    found = cadastre_file(workspace.home, code, layer)
    if found is not None:
        return found
    base = workspace.settings.cadastre_url.rstrip("/")
    url = f"{base}/{CADASTRE_PATH.format(departement=departement_of(code), code=code, layer=layer)}"
    folder = workspace.home / DOWNLOADS / "cadastre"
    try:
        return Path(
            pooch.retrieve(
                url, known_hash=None, path=folder, fname=f"cadastre-{code}-{layer}.json.gz", progressbar=False
            )
        )
    except Exception as error:
        raise TerritoireError(
            f"Téléchargement du cadastre {layer} de {code} impossible ({error}). "
            "Donnez le fichier avec --parcelles / --batiments."
        ) from None


def crs_of(code: str) -> int:
    return local_epsg(departement_of(code))
