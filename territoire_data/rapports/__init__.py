"""Batch reports: one portrait per commune of a territory, plus the group's, in one command.

``produire`` runs the tasks of ``plan.taches`` on warm worker processes (``zygote``) on this
machine, or on a Dask cluster, writes each report atomically as soon as it is done, keeps
``manifest.json`` (code, status, duration, input fingerprint, error message) up to date
after every report and writes ``index.html``. A report whose inputs are unchanged is not
redone (unless ``force``); a failing report is recorded and the others go on.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tqdm.auto import tqdm

from territoire_data.entrepot import ouvrir
from territoire_data.progression import barre_desactivee
from territoire_data.rapports.execution import Resultat, Tache
from territoire_data.rapports.index import ecrire_manifeste_json, page_index
from territoire_data.referential import charger

MANIFESTE = "manifest.json"


def ecrire_atomique(chemin: Path, contenu: bytes) -> None:
    """Write then rename: an interrupted batch never leaves a half-written file."""
    descripteur, temporaire = tempfile.mkstemp(dir=chemin.parent, prefix=f".{chemin.name}.", suffix=".tmp")
    try:
        with os.fdopen(descripteur, "wb") as flux:
            flux.write(contenu)
        os.replace(temporaire, chemin)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise


def lire_manifeste(sortie: Path) -> dict:
    import json

    try:
        return json.loads((sortie / MANIFESTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class Bilan:
    sortie: Path
    faits: int = 0
    inchanges: int = 0
    echecs: list[tuple[str, str]] = field(default_factory=list)
    duree_s: float = 0.0
    interrompu: bool = False

    @property
    def partiel(self) -> bool:
        return bool(self.echecs) or self.interrompu


class _Registre:
    """The batch's manifest, rewritten (atomically) after every report."""

    def __init__(self, sortie: Path, taches: list[Tache], titre: str, precedent: dict):
        self.sortie, self.titre = sortie, titre
        anciens = {r["code"]: r for r in precedent.get("rapports", [])}
        self.entrees = {t.code: anciens.get(t.code, {"code": t.code, "nom": t.nom, "fichier": t.fichier,
                                                       "statut": "a_faire", "duree_s": None, "empreinte": None,
                                                       "message": ""}) for t in taches}
        for t in taches:
            self.entrees[t.code]["nom"] = t.nom
        entrepot = ouvrir()
        self.entete = {"schema": 1, "titre": titre, "demo": entrepot.demo,
                       "entrepot": entrepot.manifeste.get("construit_le"), "carnet": taches[0].carnet if taches else None}

    def noter(self, resultat: Resultat) -> None:
        self.entrees[resultat.code].update(statut=resultat.statut, duree_s=round(resultat.duree_s, 3),
                                           empreinte=resultat.empreinte if resultat.statut == "ok" else None,
                                           message=resultat.message, fichier=resultat.fichier,
                                           date=datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def ecrire(self) -> None:
        manifeste = {**self.entete, "mis_a_jour": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "rapports": list(self.entrees.values())}
        ecrire_atomique(self.sortie / MANIFESTE, ecrire_manifeste_json(manifeste))

    def ecrire_index(self) -> None:
        entrepot = ouvrir()
        page = page_index(list(self.entrees.values()), entrepot.matrice, titre=self.titre, demo=entrepot.demo)
        ecrire_atomique(self.sortie / "index.html", page.encode("utf-8"))


def _a_refaire(tache: Tache, entree: dict, sortie: Path) -> bool:
    return not (entree.get("statut") == "ok" and entree.get("empreinte") == tache.empreinte
                and (sortie / tache.fichier).is_file())


def _local(taches: list[Tache], travailleurs: int, departements: list[str], exemple: str | None, codes: list[str]):
    """Yield results as they come, from ``travailleurs`` warm processes of this machine."""
    from territoire_data.rapports.zygote import Zygote

    file_taches: queue.Queue = queue.Queue()
    for tache in taches:
        file_taches.put(tache)
    resultats: queue.Queue = queue.Queue()
    zygotes: list[Zygote] = []
    arret = threading.Event()

    def travailler() -> None:
        try:
            zygote = Zygote(taches[0].home, departements, exemple=exemple, codes=codes)
        except Exception as erreur:  # noqa: BLE001
            resultats.put(erreur)
            return
        zygotes.append(zygote)
        try:
            while not arret.is_set():
                try:
                    tache = file_taches.get_nowait()
                except queue.Empty:
                    return
                resultats.put(zygote.executer(tache))
        except Exception as erreur:  # noqa: BLE001 — a dead worker: its task is reported failed
            if not arret.is_set():
                resultats.put(erreur)
        finally:
            resultats.put(None)

    fils = [threading.Thread(target=travailler, daemon=True) for _ in range(max(1, min(travailleurs, len(taches))))]
    for f in fils:
        f.start()
    actifs = len(fils)
    try:
        while actifs:
            element = resultats.get()
            if element is None:
                actifs -= 1
            elif isinstance(element, Exception):
                raise element
            else:
                yield element
    finally:
        arret.set()
        for zygote in list(zygotes):
            zygote.fermer(brutal=True)


def executer_distant(tache: Tache, departements: tuple[str, ...], exemple: str | None,
                     codes: tuple[str, ...] = ()) -> Resultat:
    """Run on a Dask worker: through that worker process's own warm zygote."""
    from territoire_data.rapports.zygote import Zygote

    global _ZYGOTE_DISTANT
    if _ZYGOTE_DISTANT is None or _ZYGOTE_DISTANT.processus.poll() is not None:
        _ZYGOTE_DISTANT = Zygote(tache.home, list(departements), exemple=exemple, codes=list(codes))
    return _ZYGOTE_DISTANT.executer(tache)


_ZYGOTE_DISTANT = None


def _dask(taches: list[Tache], adresse: str, departements: list[str], exemple: str | None, codes: list[str]):
    from distributed import Client, as_completed

    with Client(adresse, timeout="30s") as client:
        futures = [client.submit(executer_distant, t, tuple(departements), exemple, tuple(codes), pure=False,
                                 key=f"rapport-{t.code}-{t.empreinte[:12]}") for t in taches]
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as erreur:  # noqa: BLE001 — the worker died: the report failed
                    tache = taches[futures.index(future)]
                    yield Resultat(tache.code, tache.fichier, tache.empreinte, "erreur", 0.0,
                                   message=f"Échec sur le cluster Dask : {erreur}")
        finally:
            client.cancel([f for f in futures if not f.done()])


def produire(taches: list[Tache], sortie: Path, *, titre: str, travailleurs: int = 2, planificateur: str | None = None,
             force: bool = False, rappel=None) -> Bilan:
    """Make the reports of ``taches`` in ``sortie`` (see the module docstring)."""
    debut = time.perf_counter()
    sortie = Path(sortie)
    sortie.mkdir(parents=True, exist_ok=True)
    registre = _Registre(sortie, taches, titre, lire_manifeste(sortie))
    bilan = Bilan(sortie)
    a_faire = [t for t in taches if force or _a_refaire(t, registre.entrees[t.code], sortie)]
    bilan.inchanges = len(taches) - len(a_faire)
    registre.ecrire()
    ref = charger()
    departements = sorted({ref.communes.at[t.code, "departement"] for t in taches if t.code in ref.communes.index})
    exemple = next((t.code for t in taches if t.code in ref.communes.index), None)
    barre = tqdm(total=len(a_faire), desc="Rapports", unit="rapport", disable=barre_desactivee() or not a_faire)
    source = None
    try:
        if a_faire:
            codes = [t.code for t in a_faire if not t.code.startswith("liste:")]
            source = (_dask(a_faire, planificateur, departements, exemple, codes) if planificateur
                      else _local(a_faire, travailleurs, departements, exemple, codes))
            for resultat in source:
                if resultat.statut == "ok":
                    ecrire_atomique(sortie / resultat.fichier, resultat.contenu)
                    bilan.faits += 1
                else:
                    bilan.echecs.append((resultat.code, resultat.message))
                registre.noter(resultat)
                registre.ecrire()
                barre.update(1)
                if rappel is not None:
                    rappel(resultat)
    except KeyboardInterrupt:
        bilan.interrompu = True
        raise
    finally:
        if source is not None:
            source.close()  # stops the workers (and a report in progress) now
        barre.close()
        registre.ecrire()
        registre.ecrire_index()
        bilan.duree_s = time.perf_counter() - debut
    return bilan
