"""``territoire data fetch``: download the official files into a cache, then build.

Files are fetched with pooch into ``<home>/downloads/<source>/``. A file already in the
cache is not downloaded again; an interrupted download resumes from the bytes already
received (HTTP Range) on the next run. The sha256 of every file is recorded in
``downloads.json``. ``--base-url`` (or ``TERRITOIRE_DOWNLOAD_URL``) replaces every
publisher's host, for mirrors and for tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pooch
import requests

from territoire_data import strict_json
from territoire_data.errors import TerritoireError
from territoire_data.progress import bar
from territoire_data.settings import resolve_home

INSEE = "https://www.insee.fr/fr/statistiques/fichier"
DOWNLOADS = "downloads"  # folder of the home where downloads are kept


@dataclass(frozen=True)
class DownloadFile:
    source: str
    base: str
    path: str  # relative to base; may contain {dep} and {year}
    by_departement: bool = False

    def urls(self, base: str | None, departements: list[str], years: list[int]) -> list[tuple[str, str]]:
        root = (base or self.base).rstrip("/")
        if not self.by_departement:
            return [(f"{root}/{self.path}", self.path.split("?")[0].rsplit("/", 1)[-1])]
        return [(f"{root}/{self.path.format(dep=d, year=a)}", f"{a}-{d}.csv.gz") for a in years for d in departements]


FILES = [
    DownloadFile("insee_comparateur", INSEE, "2521169/base_cc_comparateur_csv.zip"),
    DownloadFile("insee_dossier_complet", INSEE, "5359146/dossier_complet.zip"),
    DownloadFile("insee_rp_population", INSEE, "8581696/base-cc-evol-struct-pop-2022_csv.zip"),
    DownloadFile("insee_rp_emploi", INSEE, "8581444/base-cc-emploi-pop-active-2022_csv.zip"),
    DownloadFile("insee_rp_logement", INSEE, "8581474/base-cc-logement-2022_csv.zip"),
    DownloadFile("insee_filosofi", INSEE, "7756729/base-cc-filosofi-2021-geo2024_csv.zip"),
    DownloadFile("insee_filosofi", INSEE, "8984752/FILOSOFI_CC_csv.zip"),
    DownloadFile("insee_flux_mobilite", INSEE, "8582949/base-flux-mobilite-domicile-lieu-travail-2022_csv.zip"),
    DownloadFile("insee_bpe", INSEE, "8217527/DS_BPE_CSV_FR.zip"),
    DownloadFile("insee_grille_densite", INSEE, "8571524/fichier_diffusion_2025.xlsx"),
    DownloadFile("insee_cog", INSEE, "8740222/v_commune_2026.csv"),
    DownloadFile("insee_cog", INSEE, "8740222/v_mvt_commune_2026.csv"),
    DownloadFile(
        "sdes_sitadel",
        "https://data.statistiques.developpement-durable.gouv.fr/dido/api/v1/datafiles",
        "577a8a66-4157-4787-b00a-031b61afea61/csv?withColumnName=true&withColumnDescription=false",
    ),
    DownloadFile("cerema_naf", "https://www.data.gouv.fr/fr/datasets/r", "8c67a68a-bb1a-4b7e-b221-62ccfb8bc4f9"),
    DownloadFile(
        "agence_ore",
        "https://opendata.agenceore.fr/api/explore/v2.1/catalog/datasets",
        "consommation-annuelle-d-electricite-et-gaz-par-commune/exports/csv",
    ),
    DownloadFile(
        "odre_registre",
        "https://odre.opendatasoft.com/api/explore/v2.1/catalog/datasets",
        "registre-national-installation-production-stockage-electricite-agrege/exports/csv",
    ),
    DownloadFile(
        "dgfip_dvf",
        "https://files.data.gouv.fr/geo-dvf/latest/csv",
        "{year}/departements/{dep}.csv.gz",
        by_departement=True,
    ),
]
SOURCES = sorted({f.source for f in FILES})
DVF_YEARS = [2020, 2021, 2022, 2023, 2024]


class ResumingDownloader:
    """A pooch downloader that resumes from a ``.part`` file kept between runs."""

    def __init__(self, partial: Path, label: str, timeout: float = 60.0, progress: bool = True):
        self.partial, self.label, self.timeout, self.progress = partial, label, timeout, progress

    def __call__(self, url: str, output_file, pooch_obj, check_only: bool = False):
        if check_only:
            return requests.head(url, timeout=self.timeout, allow_redirects=True).ok
        already = self.partial.stat().st_size if self.partial.exists() else 0
        headers = {"Range": f"bytes={already}-"} if already else {}
        with requests.get(url, headers=headers, stream=True, timeout=self.timeout) as reply:
            if reply.status_code == 416:  # nothing left to fetch: the part file is complete
                reply.close()
            else:
                reply.raise_for_status()
                if reply.status_code != 206:
                    already = 0  # the server ignores ranges: start again
                size = reply.headers.get("Content-Length")
                total = already + int(size) if size else None
                with (
                    open(self.partial, "ab" if already else "wb") as output,
                    bar(
                        total=total,
                        initial=already,
                        unit="o",
                        unit_scale=True,
                        desc=self.label,
                        enabled=self.progress,
                        leave=False,
                    ) as shown,
                ):
                    for piece in reply.iter_content(chunk_size=1 << 16):
                        output.write(piece)
                        shown.update(len(piece))
        shutil.copyfile(self.partial, output_file)
        self.partial.unlink()


def _sha256(path: Path) -> str:
    fingerprint = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            fingerprint.update(block)
    return fingerprint.hexdigest()


def download(
    sources: list[str] | None = None,
    departements: list[str] | None = None,
    home: str | os.PathLike | None = None,
    base_url: str | None = None,
    *,
    progress: bool = True,
) -> Path:
    """Download the selected sources' files into ``home/downloads``; returns that folder.

    ``base_url`` replaces the producers' addresses (an internal mirror, or a test server).
    """
    unknown = sorted(set(sources or []) - set(SOURCES))
    if unknown:
        raise TerritoireError(f"Source(s) inconnue(s) : {', '.join(unknown)}. Choix : {', '.join(SOURCES)}.")
    home = resolve_home(home)
    cache = home / DOWNLOADS
    chosen = [f for f in FILES if not sources or f.source in sources]
    if any(f.by_departement for f in chosen) and not departements:
        raise TerritoireError("DVF se télécharge par département : précisez --departements (ex. 33,24).")
    log_path = cache / "downloads.json"
    log = json.loads(log_path.read_text(encoding="utf-8")) if log_path.exists() else {}
    tasks = [(f, url, name) for f in chosen for url, name in f.urls(base_url, departements or [], DVF_YEARS)]
    errors = []
    for file, url, name in bar(tasks, desc="Téléchargements", unit=" fichier", enabled=progress):
        folder = cache / file.source
        folder.mkdir(parents=True, exist_ok=True)
        try:
            path = Path(
                pooch.retrieve(
                    url,
                    known_hash=None,
                    fname=name,
                    path=folder,
                    progressbar=False,
                    downloader=ResumingDownloader(folder / f"{name}.part", name, progress=progress),
                )
            )
        except (requests.RequestException, OSError) as exc:
            errors.append(f"{url} : {exc}")
            continue
        key = str(path.relative_to(cache))
        if key not in log:
            log[key] = {
                "source": file.source,
                "url": url,
                "sha256": _sha256(path),
                "bytes": path.stat().st_size,
                "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
    log_path.write_text(strict_json.text(log), encoding="utf-8")
    if errors:
        raise TerritoireError(
            f"{len(errors)} téléchargement(s) en échec (relancez : la reprise est automatique) :\n  "
            + "\n  ".join(errors[:10])
        )
    return cache
