"""From observations to indicator values, for communes and for groups of communes.

1. Each (code, variable, year) keeps its latest edition.
2. Group values (EPCI, département, région, France) of count variables are sums over
   member communes; a sum is ``ok`` only when every member is ``ok`` (a secret member
   makes it secret, an absent one missing). Variables that are not counts come only
   from the group rows a source publishes.
3. Each indicator's formula runs, vectorised, over every (territory, year).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data import catalogue
from territoire_data.referential import Referentiel

STATUTS = {"ok": 1, "secret": 2, "missing": 3}
NOMS_STATUTS = {1: "ok", 2: "secret", 3: "missing"}
# Counts whose absence from a file means zero, within the départements the file covers.
ZERO_SI_ABSENT = frozenset({"LOG_AUT", "LOG_COM", "SDP_AUT", "PUISSANCE_ENR", "PUISSANCE_PV", "BPE_D265",
                            "BPE_ECOLES", "BPE_ALIMENTAIRE", "BPE_D307", "FLUX_SORTANTS"})
ECART_RECENSEMENTS = 5  # years between the two censuses an evolution compares


def dedoublonner(obs: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each (code, variable, year), the value of the latest edition."""
    tri = obs.assign(_ed=obs["edition"].astype(str)).sort_values("_ed", kind="stable")
    return tri.drop_duplicates(["code", "variable", "annee"], keep="last").drop(columns="_ed")


def agreger(obs: pd.DataFrame, ref: Referentiel) -> pd.DataFrame:
    """Observations of communes plus the sums of count variables for every group level."""
    communes = ref.communes
    obs = obs.copy()
    obs["code"] = obs["code"].astype(str)
    est_commune = obs["code"].isin(communes.index)
    de_communes = obs[est_commune & obs["variable"].map(catalogue.est_additive).astype(bool)]
    de_communes = _completer_zeros(de_communes, communes)
    niveaux = {"epci": "epci:", "departement": "dep:", "region": "reg:"}
    morceaux = [obs]
    membres_par_niveau = {}
    for colonne, prefixe in niveaux.items():
        groupes = prefixe + communes[colonne].astype("string")
        membres_par_niveau[colonne] = groupes.value_counts()
        morceaux.append(_sommer(de_communes, de_communes["code"].map(groupes), membres_par_niveau[colonne]))
    france = pd.Series("france", index=communes.index)
    morceaux.append(_sommer(de_communes, de_communes["code"].map(france), pd.Series({"france": len(communes)})))
    tout = pd.concat([m for m in morceaux if len(m)], ignore_index=True)
    for colonne in ("variable", "statut", "source", "edition"):
        tout[colonne] = tout[colonne].astype("category")
    # A group row published by the source wins over our sum (same year): keep the first.
    return tout.drop_duplicates(["code", "variable", "annee"], keep="first")


def _completer_zeros(obs: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Zero rows for communes absent from a yearly count, in the départements it covers."""
    ajouts = []
    cibles = obs[obs["variable"].isin(ZERO_SI_ABSENT)]
    if cibles.empty:
        return obs
    deps = communes["departement"]
    for (variable, annee), bloc in cibles.groupby(["variable", "annee"], observed=True):
        couverts = set(deps.reindex(bloc["code"]).dropna())
        manquants = communes.index[deps.isin(couverts) & ~communes.index.isin(bloc["code"])]
        if len(manquants):
            modele = bloc.iloc[0]
            ajouts.append(pd.DataFrame({
                "code": manquants, "variable": variable, "annee": annee, "debut": modele["debut"],
                "valeur": 0.0, "statut": "ok", "source": modele["source"], "edition": modele["edition"],
            }))
    if not ajouts:
        return obs
    return pd.concat([obs.astype({c: "object" for c in ("variable", "statut", "source", "edition")}), *ajouts],
                     ignore_index=True)


def _sommer(obs: pd.DataFrame, groupes: pd.Series, membres: pd.Series) -> pd.DataFrame:
    cadre = obs.assign(groupe=groupes.to_numpy(), ok=(obs["statut"] == "ok").to_numpy(),
                       source=obs["source"].astype(str).to_numpy(), edition=obs["edition"].astype(str).to_numpy(),
                       variable=obs["variable"].astype(str).to_numpy(),
                       secret=(obs["statut"] == "secret").to_numpy()).dropna(subset=["groupe"])
    cles = ["groupe", "variable", "annee"]
    somme = cadre.groupby(cles, observed=True, sort=False).agg(
        valeur=("valeur", "sum"), n_ok=("ok", "sum"), n_secret=("secret", "sum"),
        debut=("debut", "first"), source=("source", "first"), edition=("edition", "max"),
    ).reset_index()
    attendus = somme["groupe"].map(membres).to_numpy()
    statut = np.where(somme["n_ok"].to_numpy() == attendus, "ok",
                      np.where(somme["n_secret"].to_numpy() > 0, "secret", "missing"))
    somme["valeur"] = np.where(statut == "ok", somme["valeur"], np.nan)
    return pd.DataFrame({
        "code": somme["groupe"].astype(str), "variable": somme["variable"].astype(str), "annee": somme["annee"],
        "debut": somme["debut"], "valeur": somme["valeur"], "statut": statut,
        "source": somme["source"].astype(str), "edition": somme["edition"].astype(str),
    })


class Variables:
    """Vectorised access to variables for every (code, year) row of the computation."""

    def __init__(self, obs: pd.DataFrame):
        obs = obs.assign(code=obs["code"].astype(str), variable=obs["variable"].astype(str),
                         annee=obs["annee"].astype("int64"), statut=obs["statut"].astype(str),
                         source=obs["source"].astype(str), edition=obs["edition"].astype(str))
        self._valeurs = {v: g.set_index(["code", "annee"])["valeur"] for v, g in obs.groupby("variable")}
        self._debuts = {v: g.set_index(["code", "annee"])["debut"] for v, g in obs.groupby("variable")
                        if g["debut"].notna().any()}
        self._statuts = {v: g.set_index(["code", "annee"])["statut"].map(STATUTS)
                         for v, g in obs.groupby("variable")}
        self._provenance = {v: g.set_index(["code", "annee"])[["source", "edition"]]
                            for v, g in obs.groupby("variable")}
        lignes = obs[["code", "annee"]].drop_duplicates().sort_values(["code", "annee"])
        self.index = pd.MultiIndex.from_frame(lignes)
        self.codes = lignes["code"].to_numpy()
        self.annee = lignes["annee"].to_numpy()
        self._cache: dict = {}

    def __call__(self, variable: str) -> np.ndarray:
        if variable not in self._cache:
            serie = self._valeurs.get(variable)
            self._cache[variable] = (np.full(len(self.index), np.nan) if serie is None
                                     else serie.reindex(self.index).to_numpy(dtype="float64"))
        return self._cache[variable]

    def statut(self, variable: str) -> np.ndarray:
        serie = self._statuts.get(variable)
        return np.zeros(len(self.index), int) if serie is None else serie.reindex(self.index).fillna(0).to_numpy(int)

    def provenance(self, variable: str) -> pd.DataFrame | None:
        cadre = self._provenance.get(variable)
        return None if cadre is None else cadre.reindex(self.index)

    def a(self, variable: str, annees) -> np.ndarray:
        serie = self._valeurs.get(variable)
        annees = np.asarray(annees, dtype="float64")
        if serie is None:
            return np.full(len(annees), np.nan)
        valides = ~np.isnan(annees)
        sortie = np.full(len(annees), np.nan)
        cles = pd.MultiIndex.from_arrays([self.codes[valides], annees[valides].astype("int64")])
        sortie[valides] = serie.reindex(cles).to_numpy(dtype="float64")
        return sortie

    def debut(self, variable: str) -> np.ndarray:
        serie = self._debuts.get(variable)
        if serie is None:
            return np.full(len(self.index), np.nan)
        return serie.reindex(self.index).to_numpy(dtype="float64", na_value=np.nan)

    def _annees(self, variable: str) -> pd.Series:
        """Sorted years at which the variable is known (a value), per code."""
        cle = ("annees", variable)
        if cle not in self._cache:
            serie = self._valeurs.get(variable)
            if serie is None:
                self._cache[cle] = pd.DataFrame(columns=["code", "annee"])
            else:
                connues = serie.dropna().reset_index()[["code", "annee"]]
                self._cache[cle] = connues.sort_values(["annee", "code"])
        return self._cache[cle]

    def annee_precedente(self, variable: str) -> np.ndarray:
        """The latest year at least ``ECART_RECENSEMENTS`` before each row's year."""
        connues = self._annees(variable)
        if connues.empty:
            return np.full(len(self.index), np.nan)
        lignes = pd.DataFrame({"code": self.codes, "cible": self.annee - ECART_RECENSEMENTS,
                               "ordre": np.arange(len(self.codes))}).sort_values(["cible", "code"])
        fusion = pd.merge_asof(lignes, connues.rename(columns={"annee": "trouvee"}).astype({"trouvee": "int64"}),
                               left_on="cible", right_on="trouvee", by="code", direction="backward")
        return fusion.sort_values("ordre")["trouvee"].to_numpy(dtype="float64")

    def recent(self, variable: str) -> np.ndarray:
        """The variable at the nearest year it is known (a census population for yearly data)."""
        connues = self._annees(variable)
        if connues.empty:
            return np.full(len(self.index), np.nan)
        lignes = pd.DataFrame({"code": self.codes, "cible": self.annee,
                               "ordre": np.arange(len(self.codes))}).sort_values(["cible", "code"])
        fusion = pd.merge_asof(lignes, connues.rename(columns={"annee": "trouvee"}).astype({"trouvee": "int64"}),
                               left_on="cible", right_on="trouvee", by="code", direction="nearest")
        annees = fusion.sort_values("ordre")["trouvee"].to_numpy(dtype="float64")
        return self.a(variable, annees)

    def premier(self, *variables: str) -> np.ndarray:
        sortie = np.full(len(self.index), np.nan)
        for variable in variables:
            sortie = np.where(np.isnan(sortie), self(variable), sortie)
        return sortie

    def premier_calcul(self, calcul, *variables: str) -> np.ndarray:
        return np.where(np.isnan(base := calcul()), self.premier(*variables), base)

    def cumul(self, variable: str, debut: int, fin) -> np.ndarray:
        """Σ variable over years debut…fin (fin per row or fixed); NaN when a year is missing."""
        fin = np.broadcast_to(np.asarray(fin, dtype="int64"), len(self.index))
        sortie = np.zeros(len(self.index))
        for annee in range(debut, int(fin.max(initial=debut)) + 1):
            valeur = self.a(variable, np.full(len(self.index), annee))
            sortie = np.where(annee <= fin, sortie + valeur, sortie)
        return np.where(fin >= debut, sortie, np.nan)

    def fige(self, valeurs, annee: int) -> np.ndarray:
        return np.where(self.annee == annee, valeurs, np.nan)

    def depuis(self, valeurs, annee: int) -> np.ndarray:
        return np.where(self.annee >= annee, valeurs, np.nan)

    def par_variation(self, variable: str) -> np.ndarray:
        """m² of NAF land consumed between two censuses per unit of change of ``variable``."""
        precedente = self.annee_precedente(variable)
        variation = self(variable) - self.a(variable, precedente)
        conso = np.full(len(self.index), np.nan)
        for debut in np.unique(precedente[~np.isnan(precedente)]).astype(int):
            ici = precedente == debut
            conso[ici] = self.cumul("NAF_ART", debut, self.annee - 1)[ici]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(variation > 0, conso / variation, np.nan)


def calculer(obs: pd.DataFrame) -> pd.DataFrame:
    """Every indicator for every (code, year): code, indicateur, annee, valeur, statut, source, edition."""
    v = Variables(obs)
    morceaux = []
    for indicateur in catalogue.INDICATEURS:
        valeurs = np.asarray(indicateur.formule(v), dtype="float64")
        valeurs = np.where(np.isfinite(valeurs), valeurs, np.nan)
        statuts = np.stack([v.statut(n) for n in indicateur.variables])
        secret = (statuts == 2).any(axis=0)
        present = (statuts > 0).any(axis=0)
        statut = np.where(~np.isnan(valeurs), 1, np.where(secret, 2, np.where(present, 3, 0)))
        garder = statut > 0
        if not garder.any():
            continue
        source = np.full(len(v.index), None, dtype=object)
        edition = np.full(len(v.index), None, dtype=object)
        for variable in reversed(indicateur.variables):  # the first present variable wins
            provenance = v.provenance(variable)
            if provenance is None:
                continue
            connue = provenance["source"].notna().to_numpy()
            source = np.where(connue, provenance["source"].astype(object).to_numpy(), source)
            edition = np.where(connue, provenance["edition"].astype(object).to_numpy(), edition)
        morceaux.append(pd.DataFrame({
            "code": v.codes[garder], "indicateur": indicateur.id, "annee": v.annee[garder].astype("int16"),
            "valeur": valeurs[garder], "statut": pd.Series(statut[garder]).map(NOMS_STATUTS).to_numpy(),
            "source": source[garder], "edition": edition[garder],
        }))
    resultat = pd.concat(morceaux, ignore_index=True)
    for colonne in ("indicateur", "statut", "source", "edition"):
        resultat[colonne] = resultat[colonne].astype("category")
    return resultat


def derniers(indicateurs: pd.DataFrame) -> pd.DataFrame:
    """Per (code, indicator): the latest year with a value, else the latest year and its status."""
    avec_valeur = indicateurs[indicateurs["statut"] == "ok"]
    tri = ["code", "indicateur", "annee"]
    ok = avec_valeur.sort_values(tri).drop_duplicates(["code", "indicateur"], keep="last")
    autres = indicateurs.sort_values(tri).drop_duplicates(["code", "indicateur"], keep="last")
    return (pd.concat([ok, autres], ignore_index=True)
            .drop_duplicates(["code", "indicateur"], keep="first")
            .reset_index(drop=True))
