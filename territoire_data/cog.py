"""Harmonisation of commune codes to the referential's COG.

Files of earlier vintages use codes of communes that have since merged. Each old code is
mapped to the commune it now belongs to, from the referential's communes déléguées and
associées, and from COG movement files when they are loaded (mergers, code changes).
Counts of merged communes are summed; values that are not counts (medians, published
rates) cannot be merged and become ``missing``; indicators are recomputed afterwards
from the summed counts. Codes that lead nowhere are dropped and reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data import catalogue
from territoire_data.referential import Referentiel

PREFIXES_GROUPES = ("epci:", "dep:", "reg:")


def table_de_passage(ref: Referentiel, mouvements: pd.DataFrame | None = None) -> dict[str, str]:
    """Old code → current commune code (only for codes that are not current communes)."""
    actuelles = set(ref.communes.index)
    passage: dict[str, str] = {}
    if mouvements is not None and len(mouvements):
        # Apply movements in date order; chains (A → B → C) resolve to the last commune.
        for ancien, nouveau in mouvements.sort_values("date")[["ancien", "nouveau"]].itertuples(index=False):
            if ancien != nouveau and ancien not in actuelles:
                passage[ancien] = nouveau
    sous = ref.sous_communes
    for code, parent in sous.loc[sous["type"].isin(["COMD", "COMA"]), ["code", "parent"]].itertuples(index=False):
        if code not in actuelles:
            passage.setdefault(code, parent)
    for ancien in list(passage):
        vu, cible = {ancien}, passage[ancien]
        while cible in passage and cible not in vu and cible not in actuelles:
            vu.add(cible)
            cible = passage[cible]
        passage[ancien] = cible
    return {a: n for a, n in passage.items() if n in actuelles}


def harmoniser(obs: pd.DataFrame, ref: Referentiel, mouvements: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, list[str]]:
    """Observations on the referential's codes, and the build-log lines it produced."""
    journal: list[str] = []
    codes = obs["code"].astype(str)
    actuelles = ref.communes.index
    arrondissements = set(ref.sous_communes.loc[ref.sous_communes["type"] == "ARM", "code"])
    groupes_connus = (
        {f"epci:{c}" for c in ref.epci.index} | {f"dep:{c}" for c in ref.departements.index}
        | {f"reg:{c}" for c in ref.regions.index} | {"france"}
    )
    passage = table_de_passage(ref, mouvements)
    connu = codes.isin(actuelles) | codes.isin(arrondissements) | codes.isin(groupes_connus)
    a_passer = ~connu & codes.isin(passage.keys())
    perdus = ~connu & ~a_passer
    if perdus.any():
        liste = sorted(codes[perdus].unique())
        journal.append(
            f"{len(liste)} code(s) sans correspondance dans le COG du référentiel, écarté(s) : "
            + ", ".join(liste[:30]) + (" …" if len(liste) > 30 else "")
        )
    if not a_passer.any():
        return obs[~perdus.to_numpy()].reset_index(drop=True), journal
    anciens = sorted(codes[a_passer].unique())
    journal.append(f"{len(anciens)} ancien(s) code(s) rattaché(s) à leur commune actuelle "
                   f"({', '.join(f'{a}→{passage[a]}' for a in anciens[:10])}{' …' if len(anciens) > 10 else ''})")
    obs = obs[~perdus.to_numpy()].copy()
    obs["code"] = obs["code"].astype(str).map(lambda c: passage.get(c, c))
    cles = ["code", "variable", "annee", "source", "edition"]
    doublons = obs.duplicated(cles, keep=False)
    simples, fusions = obs[~doublons], obs[doublons]
    if fusions.empty:
        return simples.reset_index(drop=True), journal
    fusions = fusions.assign(variable=fusions["variable"].astype(str), statut=fusions["statut"].astype(str),
                             source=fusions["source"].astype(str), edition=fusions["edition"].astype(str))
    fusions = fusions.assign(ok=fusions["statut"] == "ok", secret=fusions["statut"] == "secret")
    groupe = fusions.groupby(cles, sort=False)
    somme = groupe["valeur"].sum(min_count=1)
    tous_ok, un_secret, debut = groupe["ok"].all(), groupe["secret"].any(), groupe["debut"].first()
    additif = somme.index.get_level_values("variable").map(catalogue.est_additive).to_numpy(dtype=bool)
    statut = np.where(additif & tous_ok.to_numpy(), "ok", np.where(un_secret.to_numpy(), "secret", "missing"))
    fusion = somme.to_frame("valeur").assign(statut=statut, debut=debut).reset_index()
    fusion.loc[fusion["statut"] != "ok", "valeur"] = np.nan
    resultat = pd.concat([simples.astype({c: object for c in ("variable", "statut", "source", "edition")}),
                          fusion[list(obs.columns)]], ignore_index=True)
    for colonne in ("variable", "statut", "source", "edition"):
        resultat[colonne] = resultat[colonne].astype("category")
    return resultat, journal
