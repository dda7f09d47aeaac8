"""Etalab / DINUM, découpage administratif (npm ``@etalab/decoupage-administratif``).

``communes.json``: one object per commune (``commune-actuelle``), commune déléguée or
associée, and municipal arrondissement: ``code, nom, type, departement, region,
population, anciensCodes, chefLieu, commune…``. Each commune's ``anciensCodes`` are the
codes of the communes merged into it over the years (from INSEE's COG history): they map
every former code of every vintage to today's commune. ``epci.json``, ``departements.json``
and ``regions.json`` describe the other levels: recognised, not needed by the warehouse
(the referential already has them).

These files carry no observation: ``population`` is a légale population whose vintage the
file does not state, so it is not used as a census figure.
"""

from __future__ import annotations

import pandas as pd

from territoire_data.sources import observations
from territoire_data.sources.base import Lecture, Source

TYPES_COMMUNES = {"commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal"}


def _objets(objet) -> list[dict]:
    return [o for o in objet if isinstance(o, dict)] if isinstance(objet, list) else []


class EtalabCommunes(Source):
    nom = "etalab_decoupage"
    libelle = "Etalab, découpage administratif (communes et anciens codes)"
    producteur = "Etalab / INSEE"

    def reconnait_json(self, objet) -> bool:
        echantillon = _objets(objet)[:50]
        return bool(echantillon) and all({"code", "nom", "type"} <= o.keys() for o in echantillon) and any(
            o.get("type") in TYPES_COMMUNES for o in echantillon)

    def lire_json(self, fichier, objet, utiles):
        anciens, nouveaux = [], []
        for commune in _objets(objet):
            code, type_ = str(commune.get("code", "")), commune.get("type")
            if type_ == "commune-actuelle":
                for ancien in commune.get("anciensCodes") or []:
                    anciens.append(str(ancien))
                    nouveaux.append(code)
            elif type_ in ("commune-deleguee", "commune-associee") and commune.get("chefLieu"):
                if str(commune["chefLieu"]) != code:
                    anciens.append(code)
                    nouveaux.append(str(commune["chefLieu"]))
        # No date: these codes point at today's communes directly (applied after dated movements).
        mouvements = pd.DataFrame({"ancien": anciens, "nouveau": nouveaux, "date": pd.NaT})
        return Lecture(observations.vide(), "etalab", mouvements=mouvements,
                       role=f"COG : {len(anciens)} anciens codes de communes rattachés à leur commune actuelle")


class EtalabReferentiel(Source):
    nom = "etalab_decoupage"
    libelle = "Etalab, découpage administratif (EPCI, départements, régions)"
    producteur = "Etalab / DGCL / INSEE"

    def reconnait_json(self, objet) -> bool:
        echantillon = _objets(objet)[:50]
        return bool(echantillon) and all({"code", "nom"} <= o.keys() for o in echantillon) and not any(
            o.get("type") in TYPES_COMMUNES for o in echantillon)

    def lire_json(self, fichier, objet, utiles):
        liste = _objets(objet)
        quoi = ("EPCI et leurs communes membres" if any("membres" in o for o in liste[:5])
                else "départements" if any("region" in o for o in liste[:20]) else "régions")
        return Lecture(observations.vide(), "etalab",
                       role=f"référentiel : {len(liste)} {quoi} (le référentiel des communes les fournit déjà)")
