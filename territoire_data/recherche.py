"""Search territories by name or code, insensitive to accents, case, hyphens and articles.

Matches are ranked by tier, then by population (homonyms: the most populated first):

1. the code itself (``33063``, ``dep:33``);
2. the whole normalised name (``saint etienne`` → Saint-Étienne);
3. the name starting with the text (``bordeau`` → Bordeaux);
4. every word of the text starting a word of the name, in any order;
5. a close spelling (``bordaux``, ``bordeuax`` → Bordeaux): candidates sharing character
   trigrams, scored by edit similarity (``difflib``), with a small bonus for population.

Former communes (déléguées, associées) are found by their own name and lead to the
commune they belong to.
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
NIVEAUX_RECHERCHE = ("commune", "epci", "departement", "region")


@dataclass(frozen=True)
class Resultat:
    code: str
    name: str
    level: str
    departement: str | None
    population: int | None
    match: str  # code, nom, debut, mots, approche, ancienne_commune
    score: float

    def as_dict(self) -> dict:
        return asdict(self)


class IndexRecherche:
    """Normalised names of every territory, with a trigram index for close spellings."""

    def __init__(self, referentiel: Referentiel):
        ref = referentiel
        communes = ref.communes
        population_epci = communes.groupby("epci")["population_municipale"].sum()
        population_dep = communes.groupby("departement")["population_municipale"].sum()
        population_reg = communes.groupby("region")["population_municipale"].sum()
        sous = ref.sous_communes[ref.sous_communes["type"].isin(["COMD", "COMA"])]
        sous = sous[sous["parent"].isin(communes.index)]
        morceaux = [
            pd.DataFrame({
                "code": communes["code"], "cible": communes["code"], "name": communes["nom"],
                "level": "commune", "departement": communes["departement"],
                "population": communes["population_municipale"], "ancienne": False,
            }),
            pd.DataFrame({
                # A delegated commune sharing its parent's name adds nothing.
                "code": sous["code"], "cible": sous["parent"], "name": sous["nom"], "level": "commune",
                "departement": communes.loc[sous["parent"], "departement"].to_numpy(),
                "population": communes.loc[sous["parent"], "population_municipale"].to_numpy(),
                "ancienne": True,
            }),
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
        table["population"] = pd.to_numeric(table["population"]).fillna(0).astype("int64")
        self.table = table
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

    def rechercher(self, texte: str, limite: int = 10, niveaux=("commune",)) -> list[Resultat]:
        requete = normaliser(texte)
        brut = texte.strip()
        if not requete and not brut:
            return []
        table = self.table
        n = len(table)
        rang = np.zeros(n, dtype=np.int8)  # 0 = no match; higher is better
        score = np.zeros(n)

        prefixe, deux_points, reste = brut.partition(":")
        code_cherche = f"{prefixe.lower()}:{reste.upper()}" if deux_points else brut.upper()
        rang[(table["code"] == code_cherche).to_numpy()] = 5
        if requete:
            noms = self._noms
            rang = np.maximum(rang, np.where(noms == requete, 4, 0))
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

        # Similarity orders close spellings only (a populous place wins a near tie);
        # exact tiers are ordered by population.
        bonus = 0.01 * np.log10(table["population"].to_numpy() + 1)
        candidats = table.assign(rang=rang, score=score, tri=np.where(rang == 1, score + bonus, 0.0))
        candidats = candidats[(candidats["rang"] > 0) & candidats["level"].isin(niveaux)]
        # A former commune ranks after a current commune of the same tier.
        candidats = candidats.sort_values(
            ["rang", "ancienne", "tri", "population"], ascending=[False, True, False, False]
        )
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
        types = {5: "code", 4: "nom", 3: "debut", 2: "mots", 1: "approche"}
        if ligne.ancienne:
            cible = self.table[(self.table["code"] == ligne.cible) & ~self.table["ancienne"]].iloc[0]
            return Resultat(
                cible["code"], cible["name"], "commune", cible["departement"], int(cible["population"]),
                f"ancienne_commune:{ligne.name}", round(float(ligne.score), 3),
            )
        return Resultat(
            ligne.code, ligne.name, ligne.level,
            None if ligne.departement is None or ligne.departement != ligne.departement else ligne.departement,
            int(ligne.population), types[int(ligne.rang)], round(float(ligne.score), 3),
        )


_index: dict[int, IndexRecherche] = {}


def index_de(referentiel: Referentiel) -> IndexRecherche:
    cle = id(referentiel)
    if cle not in _index:
        _index[cle] = IndexRecherche(referentiel)
    return _index[cle]


def rechercher(
    texte: str,
    limite: int = 10,
    niveaux=("commune",),
    home: str | os.PathLike | None = None,
    *,
    referentiel: Referentiel | None = None,
) -> list[Resultat]:
    """Territories matching ``texte``, best first (see the module docstring)."""
    ref = referentiel if referentiel is not None else charger(home)
    return index_de(ref).rechercher(texte, limite=limite, niveaux=tuple(niveaux))
