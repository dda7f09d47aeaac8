"""The indicator warehouse: Parquet files and a manifest, swapped in atomically.

Layout under the home::

    entrepot -> entrepots/<id>/          (a symbolic link, replaced in one rename)
    entrepots/<id>/observations.parquet  harmonised observations (communes, groups)
    entrepots/<id>/indicateurs.parquet   every indicator for every territory and year
    entrepots/<id>/derniers.parquet      the latest value of each indicator
    entrepots/<id>/manifest.json         sources, editions, file hashes, build time, demo flag

A build writes a new folder, then points the link at it: a build that fails, or is
killed, leaves the previous warehouse untouched. Only one build runs at a time (lock).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from territoire_data import calcul, catalogue, cog
from territoire_data.erreurs import TerritoireErreur
from territoire_data.home import dossier_home
from territoire_data.progression import Etapes
from territoire_data.referential import charger as charger_referentiel
from territoire_data.sources import Collecte, lire_tout
from territoire_data import jsonstrict

SCHEMA = 2  # 2: reasons, notes, reference-year comparability
COLONNES_SERIE = ["annee", "valeur", "statut", "source", "edition", "raison", "note"]
LIEN = "entrepot"
DOSSIERS = "entrepots"
MANIFESTE = "manifest.json"


class EntrepotAbsent(TerritoireErreur):
    pass


@contextmanager
def _verrou(home: Path):
    chemin = home / ".construction.lock"
    with open(chemin, "w") as fichier:
        try:
            fcntl.flock(fichier, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TerritoireErreur("Une construction de l'entrepôt est déjà en cours dans ce dossier de travail.") from None
        yield


def construire(
    bruts: list[Path | str],
    home: str | os.PathLike | None = None,
    *,
    demo: bool = False,
    strict: bool = True,
    mouvements: pd.DataFrame | None = None,
) -> dict:
    """Build the warehouse from raw files and swap it in; returns the manifest."""
    home = dossier_home(home)
    debut = time.perf_counter()
    ref = charger_referentiel(home)
    with _verrou(home), Etapes("Construction de l'entrepôt", total=6) as etapes:
        racine = home / DOSSIERS
        racine.mkdir(exist_ok=True)
        for ancien in racine.glob(".construction-*"):  # left by a killed build
            shutil.rmtree(ancien, ignore_errors=True)
        etapes("Lecture des fichiers")
        collecte = lire_tout(bruts, catalogue.variables_utiles(), strict=strict)
        if not collecte.lus:
            raise TerritoireErreur(
                "Aucun fichier reconnu dans " + ", ".join(map(str, bruts))
                + (" ; ignorés : " + "; ".join(f"{f} ({r})" for f, r in collecte.ignores[:5]) if collecte.ignores else "")
            )
        etapes("Harmonisation des codes communes (COG)")
        mouvements = mouvements if mouvements is not None else collecte.mouvements
        retablissements = pd.concat([cog.retablissements_connus(), collecte.retablissements]).drop_duplicates(
            ["parent", "retablie"]) if collecte.retablissements is not None else None
        obs, journal = cog.harmoniser(collecte.observations, ref, mouvements, retablissements)
        collecte.observations = None  # peak memory: keep one copy of the observations at a time
        obs = calcul.dedoublonner(obs)
        etapes("Agrégation EPCI, départements, régions, France")
        cube = calcul.agreger(obs, ref)
        del obs
        etapes("Calcul des indicateurs")
        indicateurs, derniers = calcul.calculer(cube)
        etapes("Écriture")
        identifiant = datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        temporaire = racine / f".construction-{identifiant}"
        temporaire.mkdir()
        try:
            # Written one table at a time, each dropped once on disk: peak memory stays that of the cube.
            indicateurs.to_parquet(temporaire / "indicateurs.parquet", index=False)
            annees = _annees_par_indicateur(indicateurs)
            del indicateurs
            obs = cube.en_long()
            del cube
            obs.to_parquet(temporaire / "observations.parquet", index=False)
            manifeste = _manifeste(collecte, journal, ref, demo, time.perf_counter() - debut, obs)
            manifeste["annees_indicateurs"] = annees
            del obs
            if collecte.scot is not None:
                collecte.scot.to_parquet(temporaire / "scot.parquet", index=False)
            derniers = derniers.assign(code=derniers["code"].astype(str), indicateur=derniers["indicateur"].astype(str))
            derniers.sort_values(["code", "indicateur"]).to_parquet(temporaire / "derniers.parquet", index=False)
            # Peers are compared on the reference year only: older values shown in place of a
            # missing one are not placed among them.
            matrice = derniers[derniers["comparable"]].pivot(index="code", columns="indicateur", values="valeur")
            matrice = matrice.reindex(sorted(derniers["code"].unique()))
            matrice.columns = matrice.columns.astype(str)
            matrice.to_parquet(temporaire / "matrice.parquet")
            (temporaire / MANIFESTE).write_text(jsonstrict.texte(jsonstrict.nettoyer(manifeste)), encoding="utf-8")
            final = racine / identifiant
            os.rename(temporaire, final)
        except BaseException:
            shutil.rmtree(temporaire, ignore_errors=True)
            raise
        etapes("Mise en service")
        _basculer(home, final)
    return manifeste


def _basculer(home: Path, cible: Path) -> None:
    """Point ``home/entrepot`` at ``cible`` in one atomic rename, then drop older builds."""
    lien = home / LIEN
    ancien = lien.resolve() if lien.is_symlink() else None
    provisoire = home / f".{LIEN}-{uuid.uuid4().hex[:6]}"
    os.symlink(Path(DOSSIERS) / cible.name, provisoire)
    os.replace(provisoire, lien)
    if ancien is not None and ancien != cible.resolve() and ancien.parent == cible.parent:
        shutil.rmtree(ancien, ignore_errors=True)


def _annees_par_indicateur(indicateurs: pd.DataFrame) -> dict[str, list[int]]:
    avec_valeur = indicateurs.loc[indicateurs["statut"] == "ok", ["indicateur", "annee"]].drop_duplicates()
    return {str(k): sorted(int(a) for a in v) for k, v in avec_valeur.groupby("indicateur", observed=True)["annee"]}


def _manifeste(collecte: Collecte, journal: list[str], ref, demo: bool, duree: float, obs: pd.DataFrame) -> dict:
    """Sources with editions, files (sha256), years and communes covered (from ``obs``)."""
    sources: dict[str, dict] = {}
    for lu in collecte.lus:
        source = sources.setdefault(lu.source, {"editions": [], "fichiers": []})
        if lu.edition not in source["editions"]:
            source["editions"].append(lu.edition)
        source["fichiers"].append({"chemin": lu.chemin, "sha256": lu.sha256, "edition": lu.edition,
                                   "observations": lu.lignes})
    codes = obs["code"].cat if isinstance(obs["code"].dtype, pd.CategoricalDtype) else None
    est_commune = (codes.categories.isin(ref.communes.index)[codes.codes] if codes is not None
                   else obs["code"].astype(str).isin(ref.communes.index).to_numpy())
    communes = obs[est_commune]
    for nom, source in sources.items():
        bloc = communes[(communes["source"] == nom).to_numpy()]
        annees = bloc["annee"].dropna()
        source["annees"] = [int(annees.min()), int(annees.max())] if len(annees) else []
        source["communes"] = int(bloc["code"].nunique())
        source["editions"].sort()
    return {
        "schema": SCHEMA,
        "construit_le": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duree_s": round(duree, 2),
        "demo": demo,
        "referentiel": ref.manifeste["cle"],
        "sources": sources,
        "ignores": [{"fichier": f, "raison": r} for f, r in collecte.ignores],
        "references": [{"fichier": f, "role": r} for f, r in collecte.references],
        "journal": list(dict.fromkeys(journal + collecte.remarques)),
        "indicateurs": len(catalogue.INDICATEURS),
    }


class Entrepot:
    """A built warehouse, read lazily; ``derniers`` stays in memory for fast queries."""

    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.manifeste = json.loads((dossier / MANIFESTE).read_text(encoding="utf-8"))

    @property
    def demo(self) -> bool:
        return bool(self.manifeste.get("demo"))

    @cached_property
    def derniers(self) -> pd.DataFrame:
        """Latest value of each indicator, sorted by code (see ``lignes``)."""
        cadre = pd.read_parquet(self.dossier / "derniers.parquet")
        for colonne in ("code", "indicateur", "statut", "source", "edition", "raison", "note"):
            if colonne in cadre.columns:
                cadre[colonne] = cadre[colonne].astype(object)
        return cadre

    @cached_property
    def _codes_tries(self):
        return self.derniers["code"].to_numpy(dtype=object)

    @cached_property
    def matrice(self) -> pd.DataFrame:
        """Latest values, one row per territory, one column per indicator."""
        matrice = pd.read_parquet(self.dossier / "matrice.parquet")
        matrice.index = matrice.index.astype(object)
        return matrice

    @cached_property
    def valeurs_matrice(self):
        return self.matrice.to_numpy(dtype="float64")

    def valeurs_triees(self, cle: str, codes) -> dict[str, np.ndarray]:
        """Sorted peer values per indicator for a peer set, cached by its key."""
        cache = self.__dict__.setdefault("_tries", {})
        if cle not in cache:
            if len(cache) > 256:
                cache.clear()
            positions = self.matrice.index.get_indexer(codes)
            bloc = self.valeurs_matrice[positions[positions >= 0]]
            cache[cle] = {nom: np.sort(colonne[~np.isnan(colonne)])
                          for nom, colonne in zip(self.matrice.columns, bloc.T)}
        return cache[cle]

    def populations(self) -> pd.Series:
        """Latest census population of every territory (code → inhabitants), where known."""
        derniers = self.derniers
        bloc = derniers[(derniers["indicateur"] == "population") & (derniers["statut"] == "ok")]
        return pd.Series(bloc["valeur"].to_numpy(), index=bloc["code"].to_numpy(), dtype="float64")

    def population(self, code: str) -> tuple[float, int, str | None] | None:
        """(population, year, source) of a territory from the latest census loaded, or None."""
        lignes = self.lignes(code)
        if "population" not in lignes.index:
            return None
        ligne = lignes.loc["population"]
        if ligne["statut"] != "ok" or pd.isna(ligne["valeur"]):
            return None
        return float(ligne["valeur"]), int(ligne["annee"]), None if pd.isna(ligne["source"]) else str(ligne["source"])

    def lignes(self, code: str) -> pd.DataFrame:
        """The latest values of one territory, indexed by indicator id."""
        codes = self._codes_tries
        debut, fin = codes.searchsorted(code, "left"), codes.searchsorted(code, "right")
        return self.derniers.iloc[debut:fin].set_index("indicateur")

    def serie(self, code: str, indicateur: str) -> pd.DataFrame:
        table = pd.read_parquet(
            self.dossier / "indicateurs.parquet",
            filters=[("code", "==", code), ("indicateur", "==", indicateur)],
        )
        return table.sort_values("annee").reset_index(drop=True)[COLONNES_SERIE]

    def memoriser_observations(self, variables, codes=None) -> None:
        """Hold some variables' observations in memory (all territories, or ``codes``):
        ``observations(variable=…, code=…)`` then answers without reading Parquet."""
        filtres = [("variable", "in", list(variables))] + ([("code", "in", list(codes))] if codes is not None else [])
        obs = pd.read_parquet(self.dossier / "observations.parquet", filters=filtres)
        obs["code"] = obs["code"].astype(str)
        memo = self.__dict__.setdefault("_obs_memo", {})
        for (variable, code), bloc in obs.groupby(["variable", "code"], sort=False, observed=True):
            memo[(str(variable), code)] = bloc.reset_index(drop=True)

    def precharger(self, codes, variables=("NAF_ART",)) -> None:
        """Hold the series and some observations of these territories in memory (batch work)."""
        codes = list(codes)
        table = pd.read_parquet(self.dossier / "indicateurs.parquet", filters=[("code", "in", codes)])
        table["code"] = table["code"].astype(str)
        self.__dict__["_series_memo"] = {c: bloc for c, bloc in table.groupby("code", sort=False)}
        self.memoriser_observations(variables, codes)

    def series(self, code: str, indicateurs) -> dict[str, pd.DataFrame]:
        """Several indicators over the years, in one read."""
        memo = self.__dict__.get("_series_memo")
        if memo is not None and code in memo:
            table = memo[code]
            table = table[table["indicateur"].astype(str).isin(list(indicateurs))].copy()
        else:
            table = pd.read_parquet(
                self.dossier / "indicateurs.parquet",
                filters=[("code", "==", code), ("indicateur", "in", list(indicateurs))],
            )
        table["indicateur"] = table["indicateur"].astype(str)
        return {nom: bloc.sort_values("annee").reset_index(drop=True)[COLONNES_SERIE]
                for nom, bloc in table.groupby("indicateur", sort=False)}

    def observations(self, **filtres) -> pd.DataFrame:
        if set(filtres) == {"variable", "code"} and isinstance(filtres["code"], str):
            bloc = self.__dict__.get("_obs_memo", {}).get((filtres["variable"], filtres["code"]))
            if bloc is not None:
                return bloc.copy()
        conditions = [(k, "in" if isinstance(v, (list, tuple, set)) else "==", list(v) if isinstance(v, (list, tuple, set)) else v)
                      for k, v in filtres.items()]
        return pd.read_parquet(self.dossier / "observations.parquet", filters=conditions or None)


_ouverts: dict[Path, Entrepot] = {}


def ouvrir(home: str | os.PathLike | None = None) -> Entrepot:
    """The current warehouse of this home (cached until a new build swaps it)."""
    lien = dossier_home(home) / LIEN
    if not (lien / MANIFESTE).is_file():
        raise EntrepotAbsent(
            "Aucun entrepôt de données dans ce dossier de travail. Construisez-le avec "
            "`territoire data demo` (données de démonstration) ou `territoire data build --raw DOSSIER`."
        )
    dossier = lien.resolve()
    if dossier not in _ouverts:
        _ouverts[dossier] = Entrepot(dossier)
    return _ouverts[dossier]
