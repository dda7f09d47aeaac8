"""Harmonisation of commune codes to the referential's COG.

Files of earlier vintages use codes of communes that have since merged, changed code or
been split. Three kinds of history are applied, from the files loaded (COG communes and
movements, Etalab's découpage administratif with each commune's former codes) and from the
restorations the package knows (``donnees/cog_retablissements.csv``, INSEE movements of
type 21):

- **former codes** (mergers, communes nouvelles, code changes) map to the commune they now
  belong to: counts of merged communes are summed; values that are not counts (medians,
  published rates) cannot be merged and become missing (``not_additive``);
- **restored communes**: a vintage older than the restoration publishes one figure for the
  former territory under the parent's code. That figure is kept for group sums but is not
  the parent's own (``other_geography``, with a note naming the territory), and each
  restored commune is ``included`` in it: covered for sums, without a value of its own;
- codes that lead nowhere are dropped and listed in the build journal.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from territoire_data import catalogue
from territoire_data.referential import Referentiel
from territoire_data.sources import observations

PREFIXES_GROUPES = ("epci:", "dep:", "reg:")
CATEGORIES = ("variable", "statut", "source", "edition", "raison", "note")


def retablissements_connus() -> pd.DataFrame:
    """Restorations of communes since 2016 (INSEE COG movements, type 21): date, parent, retablie."""
    with resources.files("territoire_data").joinpath("donnees/cog_retablissements.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, comment="#")
    return table.assign(date=pd.to_datetime(table["date"]))[["date", "parent", "retablie"]]


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


def _en_objets(obs: pd.DataFrame) -> pd.DataFrame:
    return obs.astype({c: object for c in CATEGORIES if c in obs.columns})


def _en_categories(obs: pd.DataFrame) -> pd.DataFrame:
    for colonne in CATEGORIES:
        if colonne in obs.columns:
            obs[colonne] = obs[colonne].astype("category")
    return obs


def appliquer_retablissements(obs: pd.DataFrame, ref: Referentiel, retablissements: pd.DataFrame,
                              journal: list[str]) -> pd.DataFrame:
    """Flag figures of a parent's former territory and cover its restored communes by them.

    Per file (source and edition): a restoration applies when the parent is there and none
    of the communes restored out of it is — the file predates the restoration.
    """
    if retablissements is None or retablissements.empty:
        return obs
    noms = ref.communes["nom"]
    groupes = {parent: (sorted(bloc["retablie"]), bloc["date"].max())
               for parent, bloc in retablissements.groupby("parent")}
    concernes = set(groupes) | set(retablissements["retablie"])
    codes = obs["code"].astype(str)
    proches = codes.isin(concernes).to_numpy()  # only these rows matter: the table stays as it is
    if not codes[proches].isin(groupes.keys()).any():
        return obs
    petit = _en_objets(obs[proches])
    petit["cle"] = petit["source"].astype(str) + "|" + petit["edition"].astype(str)
    marques = pd.Series(False, index=petit.index)
    notes = pd.Series("", index=petit.index, dtype=object)
    ajouts = []
    for cle, du_fichier in petit.groupby("cle", sort=False):
        presents = set(du_fichier["code"])
        for parent in sorted(set(groupes) & presents):
            retablies, date = groupes[parent]
            if presents & set(retablies):
                continue
            ici = du_fichier.index[(du_fichier["code"] == parent) & (du_fichier["statut"] == "ok")]
            if not len(ici):
                continue
            liste = ", ".join(f"{noms.get(r, r)} ({r})" for r in retablies)
            marques[ici] = True
            notes[ici] = (f"valeur de l'ancien territoire de {noms.get(parent, parent)} ({parent}), "
                          f"avant le rétablissement de {liste} le {date:%d/%m/%Y}")
            for retablie in retablies:
                if retablie in ref.communes.index:
                    ajouts.append(petit.loc[ici, list(obs.columns)].assign(
                        code=retablie, valeur=0.0, statut="missing", raison="included",
                        note=f"comprise dans la valeur de l'ancien territoire de {noms.get(parent, parent)} ({parent})"))
            journal.append(f"{cle.split('|', 1)[0]} : {parent} publié pour son ancien territoire (avant le "
                           f"rétablissement de {', '.join(retablies)}) : valeur comptée dans les agrégats, pas comme "
                           f"celle de {parent}")
    if not marques.any():
        return obs
    lignes = np.flatnonzero(proches)[marques.to_numpy()]
    modifiees = _en_objets(obs.iloc[lignes]).assign(statut="missing", raison="other_geography",
                                                     note=notes[marques].to_numpy())
    garder = np.ones(len(obs), bool)
    garder[lignes] = False
    return observations.concatener([obs[garder].reset_index(drop=True), _en_categories(modifiees),
                                    *(_en_categories(a) for a in ajouts)])


def completer_par_arrondissements(obs: pd.DataFrame, ref: Referentiel, journal: list[str]) -> pd.DataFrame:
    """Paris, Lyon and Marseille from their arrondissements, where a file gives only these.

    Counts of a file that has every arrondissement of a city and not the city itself are
    summed into the city (the arrondissements stay as they are).
    """
    sous = ref.sous_communes
    arm = sous.loc[sous["type"] == "ARM", ["code", "parent"]]
    if arm.empty:
        return obs
    parents = dict(zip(arm["code"], arm["parent"]))
    codes = obs["code"].astype(str)
    villes = set(parents.values())
    ici = codes.isin(parents.keys()).to_numpy()
    if not ici.any():
        return obs
    cles = ["variable", "annee", "source", "edition"]
    bloc = _en_objets(obs[ici]).assign(parent=codes[ici].map(parents).to_numpy())
    bloc = bloc[bloc["statut"] == "ok"]
    bloc = bloc[bloc["variable"].map(catalogue.est_additive).astype(bool)]
    if bloc.empty:
        return obs
    deja = _en_objets(obs[codes.isin(villes).to_numpy()])
    presents = set(zip(deja["code"], *[deja[c] for c in cles]))
    effectifs = arm.groupby("parent")["code"].size()
    sommes = bloc.groupby(["parent", *cles], dropna=False).agg(valeur=("valeur", "sum"), n=("code", "nunique"),
                                                              debut=("debut", "first")).reset_index()
    sommes = sommes[sommes["n"].to_numpy() == sommes["parent"].map(effectifs).to_numpy()]
    sommes = sommes[[(p, *k) not in presents for p, *k in sommes[["parent", *cles]].itertuples(index=False)]]
    if sommes.empty:
        return obs
    journal.append(f"{sommes['parent'].nunique()} commune(s) obtenue(s) par la somme de leurs arrondissements "
                   f"({', '.join(sorted(sommes['parent'].unique()))}) dans {', '.join(sorted(sommes['source'].unique()))}")
    ajout = sommes.rename(columns={"parent": "code"}).assign(statut="ok", raison="", note="")
    ajout["annee"] = ajout["annee"].astype(obs["annee"].dtype)
    ajout["debut"] = ajout["debut"].astype(obs["debut"].dtype)
    return observations.concatener([obs, _en_categories(ajout[list(obs.columns)].reset_index(drop=True))])


def harmoniser(obs: pd.DataFrame, ref: Referentiel, mouvements: pd.DataFrame | None = None,
               retablissements: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Observations on the referential's codes, and the build-log lines it produced."""
    journal: list[str] = []
    if retablissements is None:
        retablissements = retablissements_connus()
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
    obs = obs[~perdus.to_numpy()]
    if a_passer.any():
        anciens = sorted(codes[a_passer].unique())
        journal.append(f"{len(anciens)} ancien(s) code(s) rattaché(s) à leur commune actuelle "
                       f"({', '.join(f'{a}→{passage[a]}' for a in anciens[:10])}{' …' if len(anciens) > 10 else ''})")
        obs = obs.copy()
        obs["code"] = obs["code"].astype(str).map(lambda c: passage.get(c, c))
    obs = completer_par_arrondissements(obs.reset_index(drop=True), ref, journal)
    obs = appliquer_retablissements(obs, ref, retablissements, journal)
    if not a_passer.any():
        return obs.reset_index(drop=True), journal
    cles = ["code", "variable", "annee", "source", "edition"]
    doublons = obs.duplicated(cles, keep=False)
    simples, fusions = obs[~doublons], obs[doublons]
    if fusions.empty:
        return obs.reset_index(drop=True), journal
    fusions = _en_objets(fusions)
    fusions = fusions.assign(ok=fusions["statut"] == "ok", secret=fusions["statut"] == "secret",
                             autre=fusions["raison"] == "other_geography")
    groupe = fusions.groupby(cles, sort=False)
    somme = groupe["valeur"].sum(min_count=1)
    tous_ok, un_secret, debut = groupe["ok"].all(), groupe["secret"].any(), groupe["debut"].first()
    autre = groupe["autre"].any().to_numpy()
    additif = somme.index.get_level_values("variable").map(catalogue.est_additive).to_numpy(dtype=bool)
    comptables = (groupe["ok"].sum() + groupe["autre"].sum() == groupe.size()).to_numpy()
    statut = np.where(additif & tous_ok.to_numpy(), "ok",
                      np.where(un_secret.to_numpy(), "secret", "missing"))
    raison = np.where(statut != "missing", "",
                      np.where(additif & comptables & autre, "other_geography",
                               np.where(~additif, "not_additive", "")))
    note = groupe["note"].max().fillna("").to_numpy()
    fusion = somme.to_frame("valeur").assign(statut=statut, debut=debut, raison=raison, note=note).reset_index()
    fusion.loc[(fusion["statut"] != "ok") & (fusion["raison"] != "other_geography"), "valeur"] = np.nan
    fusion = fusion[list(obs.columns)].astype({"annee": obs["annee"].dtype, "debut": obs["debut"].dtype})
    return observations.concatener([simples.reset_index(drop=True), _en_categories(fusion)]), journal
