"""Tidy observations: one row per (code, variable, year) with status and provenance.

Columns: ``code`` (INSEE code, or a prefixed group code when the source publishes group
values), ``variable``, ``annee``, ``debut`` (first year of a period flow, else <NA>),
``valeur`` (float, NaN unless ``statut`` is ok), ``statut`` (ok / secret / missing),
``source``, ``edition``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLONNES = ("code", "variable", "annee", "debut", "valeur", "statut", "source", "edition")
CATEGORIES = ("variable", "statut", "source", "edition")


def tableau(code, variable, annee, debut, valeur, statut, source: str, edition: str) -> pd.DataFrame:
    n = len(code)
    cadre = pd.DataFrame({
        "code": np.asarray(code, dtype=object),
        "variable": np.broadcast_to(np.asarray(variable, dtype=object), n),
        "annee": pd.array(np.broadcast_to(np.asarray(annee, dtype="float64"), n), dtype="Int16"),
        "debut": pd.array(np.broadcast_to(np.asarray(debut, dtype="float64"), n), dtype="Int16"),
        "valeur": np.asarray(valeur, dtype="float64"),
        "statut": np.broadcast_to(np.asarray(statut, dtype=object), n),
        "source": source,
        "edition": edition,
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
