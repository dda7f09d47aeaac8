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


def _categorie(valeur, n: int) -> pd.Categorical:
    """A categorical column of n rows; a scalar (the usual case: one source, one variable…)
    is built from its code directly, without going through an object array."""
    if np.ndim(valeur) == 0:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[valeur])
    return pd.Categorical(np.asarray(valeur, dtype=object))


def tableau(code, variable, annee, debut, valeur, statut, source: str, edition: str, raison="", note=""
            ) -> pd.DataFrame:
    """Observations of one block; ``statut`` may also be ``not_covered``, which is stored as
    ``missing`` with that reason (the readers' shorthand for blanks of an uncovered territory)."""
    n = len(code)
    if np.ndim(statut) and (np.asarray(statut, dtype=object) == "not_covered").any():
        statut = np.asarray(statut, dtype=object)
        non_couvert = statut == "not_covered"
        raison = np.where(non_couvert, "not_covered", np.broadcast_to(np.asarray(raison, dtype=object), n))
        statut = np.where(non_couvert, "missing", statut)
    valeurs = np.array(valeur, dtype="float64", copy=True).reshape(-1) if n else np.zeros(0)
    valeurs[np.broadcast_to(np.asarray(statut, dtype=object) != "ok", n)] = np.nan
    return pd.DataFrame({
        "code": np.asarray(code, dtype=object),
        "variable": _categorie(variable, n),
        "annee": pd.array(np.broadcast_to(np.asarray(annee, dtype="float64"), n), dtype="Int16"),
        "debut": pd.array(np.broadcast_to(np.asarray(debut, dtype="float64"), n), dtype="Int16"),
        "valeur": valeurs,
        "statut": _categorie(statut, n),
        "source": _categorie(source, n),
        "edition": _categorie(edition, n),
        "raison": _categorie(raison, n),
        "note": _categorie(note, n),
    })


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
