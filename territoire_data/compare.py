"""Peer groups and positioning: where a territory stands among comparable ones.

Groups for a commune: ``densite`` (same class of INSEE's 7-level density grid; without
the grid, a class computed from population / area, flagged approximate), ``taille``
(INSEE population size classes), ``departement``, ``epci``, ``france``, or a custom list
of codes (``liste:33063,33281,…``). Other territories are compared with every territory
of their level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territoire_data.erreurs import TerritoireErreur

GROUPES = ("densite", "taille", "departement", "epci", "france")
LIBELLES = {
    "densite": "communes de même densité", "densite_approchee": "communes de densité comparable (approchée)",
    "taille": "communes de même taille", "departement": "communes du département", "epci": "communes de l'EPCI",
    "france": "communes de France", "liste": "liste choisie", "niveau": "territoires de même niveau",
}
# INSEE population size classes (bornes basses).
TAILLES = [0, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000]
# Approximate density classes (hab./km²) standing in for the 7-level grid when it is absent.
SEUILS_DENSITE = [20, 50, 100, 300, 700, 2_000]  # → classes 7 (peu dense) … 1 (grand centre)


@dataclass(frozen=True)
class Pairs:
    groupe: str  # as reported: densite, densite_approchee, taille, departement, epci, france, liste, niveau
    codes: pd.Index
    cle: str = ""  # identifies the peer set (for caching its sorted values)


def classe_taille(population: pd.Series) -> pd.Series:
    return pd.Series(np.searchsorted(TAILLES, population.to_numpy(), side="right"), index=population.index)


def classe_densite_approchee(densite: pd.Series) -> pd.Series:
    classes = 7 - np.searchsorted(SEUILS_DENSITE, densite.to_numpy(), side="right")
    return pd.Series(np.where(np.isnan(densite.to_numpy()), np.nan, classes), index=densite.index)


def pairs(territoire, groupe: str, matrice: pd.DataFrame, dens7: pd.Series | None) -> Pairs:
    """The codes of the territory's peers (itself included)."""
    ref = territoire.referentiel
    communes = ref.communes
    if groupe.startswith("liste:"):
        codes = pd.Index([c.strip() for c in groupe[6:].split(",") if c.strip()])
        inconnus = [c for c in codes if c not in matrice.index]
        if inconnus:
            raise TerritoireErreur(f"Codes inconnus dans la liste de comparaison : {', '.join(inconnus[:10])}")
        codes = codes.union([territoire.code])
        return Pairs("liste", codes, "liste:" + ",".join(codes))
    if territoire.level != "commune":
        prefixe = territoire.code.split(":")[0] + ":" if ":" in territoire.code else territoire.code
        return Pairs("niveau", matrice.index[matrice.index.str.startswith(prefixe)], f"niveau:{prefixe}")
    code = territoire.code
    if groupe not in GROUPES:
        raise TerritoireErreur(
            f"Groupe de comparaison inconnu : « {groupe} ». Choix : {', '.join(GROUPES)} ou liste:CODE1,CODE2…"
        )
    if groupe == "france":
        return Pairs("france", communes.index, "france")
    if groupe in ("departement", "epci"):
        valeur = communes.at[code, groupe]
        if not isinstance(valeur, str):
            return Pairs(groupe, pd.Index([code]), f"seul:{code}")
        return Pairs(groupe, communes.index[communes[groupe] == valeur], f"{groupe}:{valeur}")
    population = matrice["population"].reindex(communes.index) if "population" in matrice else None
    if population is None or population.isna().all():
        population = communes["population_municipale"].astype("float64")
    if groupe == "taille":
        classes = classe_taille(population.fillna(-1))
        return Pairs("taille", classes.index[classes == classes.at[code]], f"taille:{classes.at[code]}")
    if dens7 is not None and dens7.notna().any() and code in dens7.index and not np.isnan(dens7.get(code, np.nan)):
        return Pairs("densite", dens7.index[dens7 == dens7.at[code]], f"densite:{dens7.at[code]}")
    densite = population / communes["superficie_km2"]
    classes = classe_densite_approchee(densite)
    return Pairs("densite_approchee", classes.index[classes == classes.at[code]],
                 f"densite_approchee:{classes.at[code]}")


def position_triee(valeur: float, tries: np.ndarray) -> dict:
    """``position`` over peer values already sorted, without NaN (O(log n))."""
    n = len(tries)
    if n == 0:
        return {"n": 0, "percentile": None, "median": None, "q1": None, "q3": None}
    q1, mediane, q3 = (float(np.interp(q * (n - 1), np.arange(n), tries)) for q in (0.25, 0.5, 0.75))
    rang = None
    if valeur is not None and not np.isnan(valeur):
        dessous = np.searchsorted(tries, valeur, "left")
        egaux = np.searchsorted(tries, valeur, "right") - dessous
        rang = round(100.0 * (dessous + 0.5 * egaux) / n, 1)
    return {"n": int(n), "percentile": rang, "median": mediane, "q1": q1, "q3": q3}


def position(valeur: float, valeurs: np.ndarray) -> dict:
    """Percentile rank (0–100, ties counted half), median, quartiles and n of the peers."""
    valeurs = np.asarray(valeurs, dtype="float64")
    return position_triee(valeur, np.sort(valeurs[~np.isnan(valeurs)]))
