"""``territoire data fetch``: download the official files into a cache, then build.

Files are fetched with pooch into ``$TERRITOIRE_HOME/telechargements/<source>/``. A file
already in the cache is not downloaded again; an interrupted download resumes from the
bytes already received (HTTP Range) on the next run. The sha256 of every file is
recorded in ``telechargements.json``. ``--base-url`` (or ``$TERRITOIRE_URL_BASE``)
replaces every publisher's host, for mirrors and for tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pooch
import requests
from tqdm.auto import tqdm

from territoire_data.erreurs import TerritoireErreur
from territoire_data.home import dossier_home
from territoire_data.progression import barre_desactivee
from territoire_data import jsonstrict

INSEE = "https://www.insee.fr/fr/statistiques/fichier"
VARIABLE_BASE = "TERRITOIRE_URL_BASE"


@dataclass(frozen=True)
class Fichier:
    source: str
    base: str
    chemin: str  # relative to base; may contain {dep} and {annee}
    par_departement: bool = False

    def urls(self, base: str | None, departements: list[str], annees: list[int]) -> list[tuple[str, str]]:
        racine = (base or self.base).rstrip("/")
        if not self.par_departement:
            return [(f"{racine}/{self.chemin}", self.chemin.split("?")[0].rsplit("/", 1)[-1])]
        return [
            (f"{racine}/{self.chemin.format(dep=d, annee=a)}", f"{a}-{d}.csv.gz")
            for a in annees for d in departements
        ]


FICHIERS = [
    Fichier("insee_comparateur", INSEE, "2521169/base_cc_comparateur_csv.zip"),
    Fichier("insee_dossier_complet", INSEE, "5359146/dossier_complet.zip"),
    Fichier("insee_rp_population", INSEE, "8581696/base-cc-evol-struct-pop-2022_csv.zip"),
    Fichier("insee_rp_emploi", INSEE, "8581444/base-cc-emploi-pop-active-2022_csv.zip"),
    Fichier("insee_rp_logement", INSEE, "8581474/base-cc-logement-2022_csv.zip"),
    Fichier("insee_filosofi", INSEE, "7756729/base-cc-filosofi-2021-geo2024_csv.zip"),
    Fichier("insee_filosofi", INSEE, "8984752/FILOSOFI_CC_csv.zip"),
    Fichier("insee_flux_mobilite", INSEE, "8582949/base-flux-mobilite-domicile-lieu-travail-2022_csv.zip"),
    Fichier("insee_bpe", INSEE, "8217527/DS_BPE_CSV_FR.zip"),
    Fichier("insee_grille_densite", INSEE, "8571524/fichier_diffusion_2025.xlsx"),
    Fichier("insee_cog", INSEE, "8740222/v_commune_2026.csv"),
    Fichier("insee_cog", INSEE, "8740222/v_mvt_commune_2026.csv"),
    Fichier("sdes_sitadel", "https://data.statistiques.developpement-durable.gouv.fr/dido/api/v1/datafiles",
            "577a8a66-4157-4787-b00a-031b61afea61/csv?withColumnName=true&withColumnDescription=false"),
    Fichier("cerema_naf", "https://www.data.gouv.fr/fr/datasets/r", "8c67a68a-bb1a-4b7e-b221-62ccfb8bc4f9"),
    Fichier("agence_ore", "https://opendata.agenceore.fr/api/explore/v2.1/catalog/datasets",
            "consommation-annuelle-d-electricite-et-gaz-par-commune/exports/csv"),
    Fichier("odre_registre", "https://odre.opendatasoft.com/api/explore/v2.1/catalog/datasets",
            "registre-national-installation-production-stockage-electricite-agrege/exports/csv"),
    Fichier("dgfip_dvf", "https://files.data.gouv.fr/geo-dvf/latest/csv", "{annee}/departements/{dep}.csv.gz",
            par_departement=True),
]
SOURCES = sorted({f.source for f in FICHIERS})
ANNEES_DVF = [2020, 2021, 2022, 2023, 2024]


class TelechargeurReprise:
    """A pooch downloader that resumes from a ``.part`` file kept between runs."""

    def __init__(self, partiel: Path, libelle: str, timeout: float = 60.0):
        self.partiel, self.libelle, self.timeout = partiel, libelle, timeout

    def __call__(self, url: str, output_file, pooch_obj, check_only: bool = False):
        if check_only:
            return requests.head(url, timeout=self.timeout, allow_redirects=True).ok
        deja = self.partiel.stat().st_size if self.partiel.exists() else 0
        entetes = {"Range": f"bytes={deja}-"} if deja else {}
        with requests.get(url, headers=entetes, stream=True, timeout=self.timeout) as reponse:
            if reponse.status_code == 416:  # nothing left to fetch: the part file is complete
                reponse.close()
            else:
                reponse.raise_for_status()
                if reponse.status_code != 206:
                    deja = 0  # the server ignores ranges: start again
                taille = reponse.headers.get("Content-Length")
                total = deja + int(taille) if taille else None
                with open(self.partiel, "ab" if deja else "wb") as sortie, tqdm(
                    total=total, initial=deja, unit="o", unit_scale=True, desc=self.libelle, file=sys.stderr,
                    disable=barre_desactivee(), leave=False,
                ) as barre:
                    for morceau in reponse.iter_content(chunk_size=1 << 16):
                        sortie.write(morceau)
                        barre.update(len(morceau))
        shutil.copyfile(self.partiel, output_file)
        self.partiel.unlink()


def _sha256(chemin: Path) -> str:
    empreinte = hashlib.sha256()
    with open(chemin, "rb") as fichier:
        for bloc in iter(lambda: fichier.read(1 << 20), b""):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def telecharger(
    sources: list[str] | None = None,
    departements: list[str] | None = None,
    home: str | os.PathLike | None = None,
    base_url: str | None = None,
) -> Path:
    """Download the selected sources' files into the cache; returns the cache folder."""
    inconnues = sorted(set(sources or []) - set(SOURCES))
    if inconnues:
        raise TerritoireErreur(f"Source(s) inconnue(s) : {', '.join(inconnues)}. Choix : {', '.join(SOURCES)}.")
    home = dossier_home(home)
    cache = home / "telechargements"
    base_url = base_url or os.environ.get(VARIABLE_BASE)
    choisis = [f for f in FICHIERS if not sources or f.source in sources]
    if any(f.par_departement for f in choisis) and not departements:
        raise TerritoireErreur("DVF se télécharge par département : précisez --departements (ex. 33,24).")
    journal_chemin = cache / "telechargements.json"
    journal = json.loads(journal_chemin.read_text(encoding="utf-8")) if journal_chemin.exists() else {}
    taches = [(f, url, nom) for f in choisis for url, nom in f.urls(base_url, departements or [], ANNEES_DVF)]
    erreurs = []
    for fichier, url, nom in tqdm(taches, desc="Téléchargements", unit="fichier", file=sys.stderr,
                                  disable=barre_desactivee()):
        dossier = cache / fichier.source
        dossier.mkdir(parents=True, exist_ok=True)
        try:
            chemin = Path(pooch.retrieve(
                url, known_hash=None, fname=nom, path=dossier, progressbar=False,
                downloader=TelechargeurReprise(dossier / f"{nom}.part", nom),
            ))
        except (requests.RequestException, OSError) as exc:
            erreurs.append(f"{url} : {exc}")
            continue
        cle = str(chemin.relative_to(cache))
        if cle not in journal:
            journal[cle] = {"source": fichier.source, "url": url, "sha256": _sha256(chemin),
                            "octets": chemin.stat().st_size,
                            "telecharge_le": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    journal_chemin.write_text(jsonstrict.texte(journal), encoding="utf-8")
    if erreurs:
        raise TerritoireErreur(f"{len(erreurs)} téléchargement(s) en échec (relancez : la reprise est automatique) :\n  "
                               + "\n  ".join(erreurs[:10]))
    return cache
