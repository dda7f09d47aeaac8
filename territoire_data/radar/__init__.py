"""Radar foncier: infill plots for élus (method in ``methode``), reserved by the store's rules.

``executer(code, login=…)`` checks the right first (élus, agents of the territory, admins:
``Autorisation.peut_radar``), then reads the layers, runs the method and returns the plots,
the envelope and a summary; ``ecrire_geopackage`` saves them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from territoire_data.discussions.autorisation import AccesRefuse
from territoire_data.radar.entrees import crs_de, lire, telecharger_cadastre
from territoire_data.radar.methode import Parametres, besoin_depuis_entrepot, dents_creuses, synthese
from territoire_data.territoires import territoire


def verifier_acces(code: str, login: str | None) -> None:
    from territoire_data.discussions import Espace

    espace = Espace(login)
    if not espace.autorisation.peut_radar(code):
        raise AccesRefuse(f"Le radar foncier de {code} est réservé aux élus et aux services du territoire.")


def executer(code: str, *, login: str | None, parcelles=None, batiments=None, trame_verte=None, plu=None,
             exclusions=(), parametres: Parametres = Parametres(), besoin_logements: float | None = None) -> dict:
    commune = territoire(code)
    if commune.level != "commune":
        raise AccesRefuse("Le radar foncier s'applique à une commune.")
    verifier_acces(commune.code, login)  # before reading anything
    crs = crs_de(commune.code)
    parcelles = lire(parcelles or telecharger_cadastre(commune.code, "parcelles"), crs, "Parcelles")
    batiments = lire(batiments or telecharger_cadastre(commune.code, "batiments"), crs, "Bâtiments")
    resultat, env = dents_creuses(
        parcelles, batiments, parametres,
        trame_verte=None if trame_verte is None else lire(trame_verte, crs, "Trame verte et bleue"),
        plu=None if plu is None else lire(plu, crs, "Zonage du PLU"),
        exclusions=[lire(f, crs, "Couche d'exclusion") for f in exclusions])
    besoin = besoin_logements if besoin_logements is not None else besoin_depuis_entrepot(commune.code)
    return {"commune": commune, "parcelles": resultat, "enveloppe": env,
            "synthese": synthese(resultat, parametres, besoin), "parcelles_lues": len(parcelles),
            "batiments_lus": len(batiments)}


def ecrire_geopackage(resultat: dict, chemin: str | os.PathLike) -> Path:
    """Layers ``dents_creuses`` and ``enveloppe_urbaine``, written next to the target then renamed."""
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(dir=chemin.parent, prefix=f".{chemin.stem}.", suffix=".gpkg")
    os.close(descripteur)
    os.unlink(temporaire)
    try:
        resultat["parcelles"].to_file(temporaire, layer="dents_creuses", driver="GPKG")
        resultat["enveloppe"].to_file(temporaire, layer="enveloppe_urbaine", driver="GPKG")
        os.replace(temporaire, chemin)
    finally:
        Path(temporaire).unlink(missing_ok=True)
    return chemin


def apercu(resultat: dict):
    """Static map (SVG) of the envelope and the plots, for notebooks and reports."""
    from territoire_data import svg
    from territoire_data.fragments import Fragment, e

    plots, env = resultat["parcelles"], resultat["enveloppe"]
    geometries = list(env.geometry) + list(plots.geometry)
    couleurs = ["#e3e3fd"] * len(env) + ["#ce0500" if c else "#ff8d00" for c in plots["conflit_trame_verte"]]
    titre = f"Radar foncier — {resultat['commune'].name} : {len(plots)} dent(s) creuse(s)"
    return Fragment(f"<figure><figcaption>{e(titre)} (orange ; rouge : conflit avec la trame verte et bleue ; "
                    f"bleu pâle : enveloppe urbaine)</figcaption>{svg.carte(geometries, couleurs, titre=titre, largeur=640)}"
                    "</figure>")
