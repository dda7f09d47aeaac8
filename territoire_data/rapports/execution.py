"""One report: parameterise and execute the notebook, convert it to HTML (or PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import papermill
from papermill.exceptions import PapermillExecutionError

from territoire_data.erreurs import TerritoireErreur

DELAI_RAPPORT_S = 900  # one report never blocks a batch longer than this


@dataclass(frozen=True)
class Tache:
    code: str
    nom: str
    carnet: str                 # notebook path
    parametres: dict
    fichier: str                # output file name (in the output folder)
    empreinte: str              # hash of the inputs: unchanged → skipped on resume
    format: str = "html"        # html or pdf
    home: str = ""


@dataclass
class Resultat:
    code: str
    fichier: str
    empreinte: str
    statut: str                 # ok, erreur
    duree_s: float
    message: str = ""
    contenu: bytes = field(default=b"", repr=False)


_exportateur = None


def exportateur_html():
    """One HTML exporter per process: its templates are compiled once (before forking)."""
    global _exportateur
    if _exportateur is None:
        from territoire_data.rapports.page import exportateur

        _exportateur = exportateur()
    return _exportateur


def _message_erreur(erreur: BaseException) -> str:
    if isinstance(erreur, PapermillExecutionError):
        return f"{erreur.ename} : {erreur.evalue} (cellule {erreur.exec_count})"
    if isinstance(erreur, TerritoireErreur):
        return str(erreur)
    return f"{type(erreur).__name__} : {erreur}"


def chromium() -> str | None:
    for nom in ("chromium", "chromium-browser", "google-chrome"):
        chemin = shutil.which(nom)
        if chemin:
            return chemin
    return None


def en_pdf(contenu_html: str) -> bytes:
    """Print the self-contained page to PDF with the system Chromium (headless)."""
    navigateur = chromium()
    if navigateur is None:
        raise TerritoireErreur("Le format PDF demande Chromium (paquet Debian « chromium ») : introuvable.")
    with tempfile.TemporaryDirectory(prefix="territoire-pdf-") as dossier:
        source, cible = Path(dossier) / "rapport.html", Path(dossier) / "rapport.pdf"
        source.write_text(contenu_html, encoding="utf-8")
        subprocess.run([navigateur, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={dossier}/profil", f"--print-to-pdf={cible}", source.as_uri()],
                       check=True, capture_output=True, timeout=120)
        return cible.read_bytes()


def executer(tache: Tache) -> Resultat:
    """Run one report in this process (the engine ``territoire``: no kernel started)."""
    from territoire_data.rapports.page import page

    debut = time.perf_counter()
    if tache.home:
        os.environ["TERRITOIRE_HOME"] = tache.home
    try:
        nb = papermill.execute_notebook(
            tache.carnet, None, parameters=tache.parametres, engine_name="territoire", progress_bar=False,
            cwd=str(Path(tache.carnet).parent), kernel_name="python3", log_output=False)
        contenu = page(nb, f"{tache.nom} — portrait de territoire", exportateur_html())
        donnees = en_pdf(contenu) if tache.format == "pdf" else contenu.encode("utf-8")
        return Resultat(tache.code, tache.fichier, tache.empreinte, "ok", time.perf_counter() - debut, contenu=donnees)
    except Exception as erreur:  # recorded for this report; the batch goes on
        message = _message_erreur(erreur)
        if not isinstance(erreur, (PapermillExecutionError, TerritoireErreur)):
            message += "\n" + "".join(traceback.format_exception(erreur)[-3:])
        return Resultat(tache.code, tache.fichier, tache.empreinte, "erreur", time.perf_counter() - debut,
                        message=message.strip())

