"""Tidy observations: one row per (code, variable, year) with status and provenance.

Columns: ``code`` (INSEE code, or a prefixed group code when the source publishes group
values), ``variable``, ``annee``, ``debut`` (first year of a period flow, else <NA>),
``valeur`` (float, NaN unless ``statut`` is ok), ``statut`` (ok / secret / missing),
``source``, ``edition``, ``raison`` (why a value is missing, see ``statuts``; empty
otherwise) and ``note`` (French text about the figure's geography or coverage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLONNES = ("code", "variable", "annee", "debut", "valeur", "statut", "source", "edition", "raison", "note")
CATEGORIES = ("variable", "statut", "source", "edition", "raison", "note")


def tableau(code, variable, annee, debut, valeur, statut, source: str, edition: str, raison="", note=""
            ) -> pd.DataFrame:
    """Observations of one block; ``statut`` may also be ``not_covered``, which is stored as
    ``missing`` with that reason (the readers' shorthand for blanks of an uncovered territory)."""
    n = len(code)
    statut = np.broadcast_to(np.asarray(statut, dtype=object), n)
    raison = np.broadcast_to(np.asarray(raison, dtype=object), n).copy()
    non_couvert = statut == "not_covered"
    if non_couvert.any():
        raison[non_couvert] = "not_covered"
        statut = np.where(non_couvert, "missing", statut)
    cadre = pd.DataFrame({
        "code": np.asarray(code, dtype=object),
        "variable": np.broadcast_to(np.asarray(variable, dtype=object), n),
        "annee": pd.array(np.broadcast_to(np.asarray(annee, dtype="float64"), n), dtype="Int16"),
        "debut": pd.array(np.broadcast_to(np.asarray(debut, dtype="float64"), n), dtype="Int16"),
        "valeur": np.asarray(valeur, dtype="float64"),
        "statut": np.broadcast_to(np.asarray(statut, dtype=object), n),
        "source": source,
        "edition": edition,
        "raison": raison,
        "note": np.broadcast_to(np.asarray(note, dtype=object), n),
    })
    cadre.loc[cadre["statut"] != "ok", "valeur"] = np.nan
    return normaliser(cadre)


def normaliser(cadre: pd.DataFrame) -> pd.DataFrame:
    for colonne in CATEGORIES:
        cadre[colonne] = cadre[colonne].astype("category")
    return cadre


def vide() -> pd.DataFrame:
    return tableau([], [], [], [], [], [], "", "")


def concatener(morceaux: list[pd.DataFrame]) -> pd.DataFrame:
    morceaux = [m for m in morceaux if len(m)]
    if not morceaux:
        return vide()
    for colonne in CATEGORIES:
        union = pd.api.types.union_categoricals([m[colonne] for m in morceaux]).categories
        for m in morceaux:
            m[colonne] = m[colonne].cat.set_categories(union)
    return pd.concat(morceaux, ignore_index=True)
