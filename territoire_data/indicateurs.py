"""Indicator values of a territory with their provenance and position among peers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from territoire_data import catalogue, compare
from territoire_data.entrepot import Entrepot, ouvrir
from territoire_data.erreurs import TerritoireErreur

COLONNES = ["id", "theme", "label", "value", "unit", "year", "source", "edition", "status", "reason", "note",
            "comparable", "previous_value", "previous_year", "definition", "polarity", "decimals", "first_year",
            "first_value", "change", "annual_rate", "peers_group", "peers_n", "percentile", "median", "q1", "q3"]


def dynamique(valeur, annee, valeur_debut, annee_debut) -> tuple[float | None, float | None]:
    """Change and annual rate (%/an) between the first and the latest year with a value."""
    if valeur is None or valeur_debut is None or annee_debut is None or annee_debut < 0 or annee <= annee_debut:
        return None, None
    variation = valeur - valeur_debut
    if valeur > 0 and valeur_debut > 0:
        return variation, 100.0 * ((valeur / valeur_debut) ** (1.0 / (annee - annee_debut)) - 1.0)
    return variation, None


def _dens7(entrepot: Entrepot) -> pd.Series | None:
    cle = "_dens7"
    if cle not in entrepot.__dict__:
        obs = entrepot.observations(variable="DENS7")
        entrepot.__dict__[cle] = (None if obs.empty else
                                  obs.sort_values("annee").drop_duplicates("code", keep="last")
                                  .assign(code=lambda d: d["code"].astype(str)).set_index("code")["valeur"])
    return entrepot.__dict__[cle]


def tableau(territoire, theme: str | None = None, pairs: str = "densite", entrepot: Entrepot | None = None
            ) -> pd.DataFrame:
    """One row per indicator of the catalogue (optionally one theme), in catalogue order."""
    if theme is not None and theme not in catalogue.THEMES:
        raise TerritoireErreur(f"Thème inconnu : « {theme} ». Choix : {', '.join(catalogue.THEMES)}.")
    entrepot = entrepot or ouvrir()
    lignes = entrepot.lignes(territoire.code)
    matrice = entrepot.matrice
    groupe = compare.pairs(territoire, pairs, matrice, _dens7(entrepot))
    tries = entrepot.valeurs_triees(groupe.cle, groupe.codes)
    sortie = []
    for indicateur in catalogue.INDICATEURS:
        if theme is not None and indicateur.theme != theme:
            continue
        if indicateur.id in lignes.index:
            ligne = lignes.loc[indicateur.id]
            valeur = float(ligne["valeur"]) if pd.notna(ligne["valeur"]) else None
            annee, statut = int(ligne["annee"]), str(ligne["statut"])
            annee_debut = int(ligne["annee_debut"]) if "annee_debut" in ligne and ligne["annee_debut"] >= 0 else None
            valeur_debut = float(ligne["valeur_debut"]) if annee_debut is not None else None
            source = None if pd.isna(ligne["source"]) else str(ligne["source"])
            edition = None if pd.isna(ligne["edition"]) else str(ligne["edition"])
            raison = str(ligne["raison"]) if pd.notna(ligne.get("raison")) and ligne.get("raison") else None
            note = str(ligne["note"]) if pd.notna(ligne.get("note")) and ligne.get("note") else None
            comparable = bool(ligne.get("comparable", True))
            annee_ant = int(ligne["annee_anterieure"]) if ligne.get("annee_anterieure", -1) >= 0 else None
            valeur_ant = float(ligne["valeur_anterieure"]) if annee_ant is not None else None
        else:
            valeur, annee, statut, source, edition = None, None, "missing", None, None
            annee_debut = valeur_debut = raison = note = annee_ant = valeur_ant = None
            comparable = False
        position = compare.position_triee(np.nan if valeur is None or not comparable else valeur,
                                          tries.get(indicateur.id, np.array([])))
        sortie.append({
            "id": indicateur.id, "theme": indicateur.theme, "label": indicateur.libelle, "value": valeur,
            "unit": indicateur.unite, "year": annee, "source": source, "edition": edition, "status": statut,
            "reason": raison, "note": note, "comparable": comparable and valeur is not None,
            "previous_value": valeur_ant, "previous_year": annee_ant,
            "definition": indicateur.definition, "polarity": indicateur.polarite, "decimals": indicateur.decimales,
            "first_year": annee_debut, "first_value": valeur_debut,
            **dict(zip(("change", "annual_rate"), dynamique(valeur, annee, valeur_debut, annee_debut))),
            "peers_group": groupe.groupe, "peers_n": position["n"], "percentile": position["percentile"],
            "median": position["median"], "q1": position["q1"], "q3": position["q3"],
        })
    return pd.DataFrame(sortie, columns=COLONNES)


def _propre(valeur):
    if valeur is None or (isinstance(valeur, float) and (math.isnan(valeur) or math.isinf(valeur))):
        return None
    return valeur


def _entier(valeur):
    return None if valeur is None or pd.isna(valeur) else int(valeur)


def _texte(valeur):
    return None if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)) or valeur == "" else str(valeur)


def en_json(territoire, theme: str | None = None, pairs: str = "densite", entrepot: Entrepot | None = None) -> dict:
    """The contract shape of ``territoire indicateurs CODE --json`` (strict JSON: no NaN).

    ``year`` and ``source`` are null when there is no value; ``reason`` says why (see
    ``statuts``); ``note`` states a group's coverage (« hors Mayotte ») or a figure's
    geography; ``previous`` is the newest earlier value of a secret one, with its year.
    """
    entrepot = entrepot or ouvrir()
    table = tableau(territoire, theme, pairs, entrepot)
    indicateurs = []
    for r in table.itertuples(index=False):
        valeur = _propre(r.value)
        element = {
            "id": r.id, "theme": r.theme, "label": r.label, "value": valeur, "unit": r.unit,
            "year": _entier(r.year) if valeur is not None else None,
            "source": _texte(r.source) if valeur is not None else None, "status": r.status,
            "reason": _texte(r.reason), "note": _texte(r.note),
            "peers": {"group": r.peers_group, "n": int(r.peers_n), "percentile": _propre(r.percentile),
                      "median": _propre(r.median)},
        }
        if _entier(r.previous_year) is not None:
            element["previous"] = {"value": _propre(float(r.previous_value)), "year": _entier(r.previous_year)}
        indicateurs.append(element)
    return {"territory": {"code": territoire.code, "name": territoire.name, "level": territoire.level},
            "demo": entrepot.demo, "indicators": indicateurs}


def en_texte_json(donnees) -> str:
    """Strict JSON for what the CLI prints (a NaN would be a bug: it raises)."""
    import json

    return json.dumps(donnees, ensure_ascii=False, indent=2, allow_nan=False)
