"""Search territories by name or code, insensitive to accents, case, hyphens and articles.

Matches are ranked by tier:

1. the code itself (``33063``, ``dep:33``, ``75115``);
2. the name: the whole normalised name (``saint etienne`` → Saint-Étienne) or the name
   starting with the text (``bordeau`` → Bordeaux), ranked together by population with a
   bonus for the whole name (×30): ``evry`` gives Évry-Courcouronnes (67,000 inhabitants)
   before Évry (Yonne, 386), ``aix`` Aix-en-Provence before Aix (Corrèze);
3. every word of the text starting a word of the name, in any order;
4. a close spelling (``bordaux``, ``bordeuax`` → Bordeaux): candidates sharing character
   trigrams, scored by edit similarity (``difflib``), with a small bonus for population.

A département number or name at the end of the text (``saint denis 93``, ``saint denis
reunion``) keeps the communes of that département. Municipal arrondissements are found by
their name, with or without « arrondissement » (``paris 15``, ``marseille 1er``, ``lyon 3``)
and by code. Former communes (déléguées, associées) are found by their own name and lead
to the commune they belong to. Population is that of the latest census in the warehouse
when one is given, else the referential's; unknown stays unknown (``None``), never 0.
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from territoire_data.referential import Referentiel, charger
from territoire_data.texte import normaliser, trigrammes

SEUIL_TRIGRAMMES = 0.25   # Dice similarity to be a close-spelling candidate
CANDIDATS_APPROCHES = 200  # at most this many candidates are scored by edit similarity
SEUIL_SIMILARITE = 0.7     # edit similarity to be returned
NIVEAUX_RECHERCHE = ("commune", "arrondissement", "epci", "departement", "region")
NIVEAUX_COMMUNES = ("commune", "arrondissement")
BONUS_NOM_ENTIER = 1.5  # log10 units: the whole name counts as a population 30 times larger


@dataclass(frozen=True)
class Resultat:
    code: str
    name: str
    level: str
    departement: str | None
    population: int | None  # None when unknown
    match: str  # code, nom, debut, mots, approche, ancienne_commune
    score: float

    def as_dict(self) -> dict:
        return asdict(self)


class IndexRecherche:
    """Normalised names of every territory, with a trigram index for close spellings."""

    def __init__(self, referentiel: Referentiel, populations: pd.Series | None = None):
        """``populations``: code → population (latest census), overriding the referential's."""
        ref = referentiel
        communes = ref.communes
        population = communes["population_municipale"].astype("float64")
        if populations is not None:
            recentes = pd.to_numeric(populations, errors="coerce").reindex(communes.index)
            population = recentes.where(recentes.notna(), population)
        population_epci = population.groupby(communes["epci"]).sum(min_count=1)
        population_dep = population.groupby(communes["departement"]).sum(min_count=1)
        population_reg = population.groupby(communes["region"]).sum(min_count=1)
        sous = ref.sous_communes[ref.sous_communes["type"].isin(["COMD", "COMA"])]
        sous = sous[sous["parent"].isin(communes.index)]
        arm = ref.sous_communes[ref.sous_communes["type"] == "ARM"]
        population_arm = arm["population_municipale"].astype("float64")
        if populations is not None:
            recentes = pd.to_numeric(populations, errors="coerce").reindex(arm["code"]).to_numpy()
            population_arm = pd.Series(np.where(np.isnan(recentes), population_arm, recentes), index=arm.index)
        morceaux = [
            pd.DataFrame({
                "code": communes["code"], "cible": communes["code"], "name": communes["nom"],
                "level": "commune", "departement": communes["departement"],
                "population": population.to_numpy(), "ancienne": False,
            }),
            pd.DataFrame({
                # A delegated commune sharing its parent's name adds nothing.
                "code": sous["code"], "cible": sous["parent"], "name": sous["nom"], "level": "commune",
                "departement": communes.loc[sous["parent"], "departement"].to_numpy(),
                "population": population.reindex(sous["parent"]).to_numpy(),
                "ancienne": True,
            }),
            *[pd.DataFrame({
                # « Paris 15e Arrondissement », also found as « paris 15eme »: each form points at the code.
                "code": arm["code"], "cible": arm["code"], "name": noms, "level": "arrondissement",
                "departement": communes.loc[arm["parent"], "departement"].to_numpy(),
                "population": population_arm.to_numpy(), "ancienne": False,
            }) for noms in (arm["nom"], arm["nom"].str.replace(r"(\d+)(e|er) Arrondissement$", r"\1eme arrondissement",
                                                                regex=True))],
            pd.DataFrame({
                "code": "epci:" + ref.epci["code"], "cible": "epci:" + ref.epci["code"], "name": ref.epci["nom"],
                "level": "epci", "departement": None,
                "population": ref.epci["code"].map(population_epci).to_numpy(), "ancienne": False,
            }),
            pd.DataFrame({
                "code": "dep:" + ref.departements["code"], "cible": "dep:" + ref.departements["code"],
                "name": ref.departements["nom"], "level": "departement", "departement": ref.departements["code"],
                "population": ref.departements["code"].map(population_dep).to_numpy(), "ancienne": False,
            }),
            pd.DataFrame({
                "code": "reg:" + ref.regions["code"], "cible": "reg:" + ref.regions["code"],
                "name": ref.regions["nom"], "level": "region", "departement": None,
                "population": ref.regions["code"].map(population_reg).to_numpy(), "ancienne": False,
            }),
        ]
        table = pd.concat(morceaux, ignore_index=True)
        table["norm"] = table["name"].map(normaliser)
        table = table.drop_duplicates(["cible", "norm"]).reset_index(drop=True)
        table["population"] = pd.to_numeric(table["population"]).astype("float64")  # NaN: unknown
        self.table = table
        self._departements = {normaliser(nom): code for code, nom in ref.departements["nom"].items()}
        self._codes_departements = {code.lower(): code for code in ref.departements.index}
        self._noms = table["norm"].to_numpy(dtype=object)
        self._mots = [n.split() for n in self._noms]
        self._trigrammes: dict[str, np.ndarray] | None = None
        self._tailles: np.ndarray | None = None

    def _index_trigrammes(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        if self._trigrammes is None:
            postings: dict[str, list[int]] = defaultdict(list)
            tailles = np.empty(len(self._noms), dtype=np.int32)
            for i, nom in enumerate(self._noms):
                grammes = trigrammes(nom)
                tailles[i] = len(grammes)
                for g in grammes:
                    postings[g].append(i)
            self._trigrammes = {g: np.asarray(v, dtype=np.int32) for g, v in postings.items()}
            self._tailles = tailles
        return self._trigrammes, self._tailles

    def _similarites(self, requete: str) -> np.ndarray:
        index, tailles = self._index_trigrammes()
        grammes = trigrammes(requete)
        communs = np.zeros(len(self._noms), dtype=np.int32)
        for g in grammes:
            postings = index.get(g)
            if postings is not None:
                communs[postings] += 1
        return 2.0 * communs / (len(grammes) + tailles)

    def _approches(self, requete: str, eligibles: np.ndarray) -> np.ndarray:
        """Edit similarity (0–1) for the names closest by trigrams, 0 elsewhere."""
        dice = np.where(eligibles, self._similarites(requete), 0.0)
        candidats = np.flatnonzero(dice >= SEUIL_TRIGRAMMES)
        if len(candidats) > CANDIDATS_APPROCHES:
            candidats = candidats[np.argsort(dice[candidats])[-CANDIDATS_APPROCHES:]]
        score = np.zeros(len(dice))
        for i in candidats:
            score[i] = difflib.SequenceMatcher(None, requete, self._noms[i], autojunk=False).ratio()
        return score

    def _departement(self, requete: str) -> tuple[str, str | None]:
        """(text without it, département code) when the text ends with a département."""
        mots = requete.split()
        if len(mots) < 2:
            return requete, None
        if mots[-1] in self._codes_departements:
            return " ".join(mots[:-1]), self._codes_departements[mots[-1]]
        for n in range(min(4, len(mots) - 1), 0, -1):
            fin = " ".join(mots[-n:])
            if fin in self._departements:
                return " ".join(mots[:-n]), self._departements[fin]
        return requete, None

    def rechercher(self, texte: str, limite: int = 10, niveaux=NIVEAUX_COMMUNES) -> list[Resultat]:
        requete = normaliser(texte)
        brut = texte.strip()
        if not requete and not brut:
            return []
        sans_departement, departement = self._departement(requete)
        if departement is not None:
            filtres = self._chercher(brut, sans_departement, limite, niveaux, departement)
            if filtres:
                return filtres
        return self._chercher(brut, requete, limite, niveaux, None)

    def _chercher(self, brut: str, requete: str, limite: int, niveaux, departement: str | None) -> list[Resultat]:
        table = self.table
        n = len(table)
        rang = np.zeros(n, dtype=np.int8)  # 0 = no match; higher is better
        score = np.zeros(n)
        exact = np.zeros(n, dtype=bool)

        prefixe, deux_points, reste = brut.partition(":")
        code_cherche = f"{prefixe.lower()}:{reste.upper()}" if deux_points else brut.upper()
        rang[(table["code"] == code_cherche).to_numpy()] = 5
        if requete:
            noms = self._noms
            exact = noms == requete
            debut = np.fromiter((nom.startswith(requete) for nom in noms), bool, n)
            rang = np.maximum(rang, np.where(debut, 3, 0))
            mots_requete = requete.split()
            if len(mots_requete) > 1:
                tous = np.fromiter(
                    (all(any(m.startswith(q) for m in mots) for q in mots_requete) for mots in self._mots), bool, n
                )
                rang = np.maximum(rang, np.where(tous, 2, 0))
            score = self._approches(requete, rang == 0)
            rang = np.where((rang == 0) & (score >= SEUIL_SIMILARITE), 1, rang)

        # Names (whole or start) are ranked by population, the whole name with a bonus; close
        # spellings by similarity (a populous place wins a near tie); other tiers by population.
        poids = np.log10(np.nan_to_num(table["population"].to_numpy(), nan=0.0) + 1)
        tri = np.where(rang == 3, poids + BONUS_NOM_ENTIER * exact,
                       np.where(rang == 1, score + 0.01 * poids, poids))
        candidats = table.assign(rang=rang, score=score, tri=tri, exact=exact)
        garder = (candidats["rang"] > 0) & candidats["level"].isin(niveaux)
        if departement is not None:
            garder &= candidats["departement"] == departement
        candidats = candidats[garder]
        # A former commune ranks after a current commune of the same tier.
        candidats = candidats.sort_values(["rang", "ancienne", "tri"], ascending=[False, True, False])
        resultats: list[Resultat] = []
        vus: set[str] = set()
        for ligne in candidats.itertuples(index=False):
            if ligne.cible in vus:
                continue
            vus.add(ligne.cible)
            resultats.append(self._resultat(ligne))
            if len(resultats) >= limite:
                break
        return resultats

    def _resultat(self, ligne) -> Resultat:
        if ligne.ancienne:
            cible = self.table[(self.table["code"] == ligne.cible) & ~self.table["ancienne"]].iloc[0]
            return Resultat(
                cible["code"], cible["name"], "commune", cible["departement"], _population(cible["population"]),
                f"ancienne_commune:{ligne.name}", round(float(ligne.score), 3),
            )
        types = {5: "code", 3: "nom" if ligne.exact else "debut", 2: "mots", 1: "approche"}
        nom = self.table.loc[(self.table["code"] == ligne.cible), "name"].iloc[0]  # the official form of the name
        return Resultat(
            ligne.code, nom, ligne.level,
            None if ligne.departement is None or ligne.departement != ligne.departement else ligne.departement,
            _population(ligne.population), types[int(ligne.rang)], round(float(ligne.score), 3),
        )


def _population(valeur) -> int | None:
    return None if valeur is None or valeur != valeur else int(valeur)


_index: dict[tuple, IndexRecherche] = {}


def index_de(referentiel: Referentiel, entrepot=None) -> IndexRecherche:
    cle = (id(referentiel), None if entrepot is None else str(entrepot.dossier))
    if cle not in _index:
        _index[cle] = IndexRecherche(referentiel, None if entrepot is None else entrepot.populations())
    return _index[cle]


def rechercher(
    texte: str,
    limite: int = 10,
    niveaux=NIVEAUX_COMMUNES,
    home: str | os.PathLike | None = None,
    *,
    referentiel: Referentiel | None = None,
) -> list[Resultat]:
    """Territories matching ``texte``, best first (see the module docstring)."""
    from territoire_data.entrepot import EntrepotAbsent, ouvrir

    ref = referentiel if referentiel is not None else charger(home)
    try:
        entrepot = ouvrir(home)
    except EntrepotAbsent:
        entrepot = None
    return index_de(ref, entrepot).rechercher(texte, limite=limite, niveaux=tuple(niveaux))
