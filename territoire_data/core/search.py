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
from collections import defaultdict
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from territoire_data.core.referential import Referential
from territoire_data.text.places import normalise, trigrams

TRIGRAM_THRESHOLD = 0.25  # Dice similarity to be a close-spelling candidate
CLOSE_CANDIDATES = 200  # at most this many candidates are scored by edit similarity
SIMILARITY_THRESHOLD = 0.7  # edit similarity to be returned
SEARCH_LEVELS = ("commune", "arrondissement", "epci", "scot", "departement", "region")
# Each level as a reader names it (one label per level: the command line, the dashboard).
LEVEL_LABELS = {
    "commune": "commune",
    "arrondissement": "arrondissement municipal",
    "epci": "EPCI",
    "scot": "SCoT",
    "departement": "département",
    "region": "région",
    "france": "France",
}
COMMUNE_LEVELS = ("commune", "arrondissement")
WHOLE_NAME_BONUS = 1.5  # log10 units: the whole name counts as a population 30 times larger


@dataclass(frozen=True)
class SearchResult:
    code: str
    name: str
    level: str
    departement: str | None
    population: int | None  # None when unknown
    match: str  # code, name, start, words, close, former_commune:<its name>
    score: float

    def as_dict(self) -> dict:
        return asdict(self)


class SearchIndex:
    """Normalised names of every territory, with a trigram index for close spellings."""

    def __init__(
        self, referential: Referential, populations: pd.Series | None = None, scot: pd.DataFrame | None = None
    ):
        """``populations``: code → population (latest census), overriding the referential's;
        ``scot``: the SCoT of each commune (``code``, ``scot``), found by their names too."""
        ref = referential
        communes = ref.communes
        population = communes["municipal_population"].astype("float64")
        if populations is not None:
            recent = pd.to_numeric(populations, errors="coerce").reindex(communes.index)
            population = recent.where(recent.notna(), population)
        population_epci = population.groupby(communes["epci"]).sum(min_count=1)
        population_dep = population.groupby(communes["departement"]).sum(min_count=1)
        population_reg = population.groupby(communes["region"]).sum(min_count=1)
        sub = ref.sub_communes[ref.sub_communes["type"].isin(["COMD", "COMA"])]
        sub = sub[sub["parent"].isin(communes.index)]
        arm = ref.sub_communes[ref.sub_communes["type"] == "ARM"]
        population_arm = arm["municipal_population"].astype("float64")
        if populations is not None:
            recent = pd.to_numeric(populations, errors="coerce").reindex(arm["code"]).to_numpy()
            population_arm = pd.Series(np.where(np.isnan(recent), population_arm, recent), index=arm.index)
        pieces = [
            pd.DataFrame(
                {
                    "code": communes["code"],
                    "target": communes["code"],
                    "name": communes["name"],
                    "level": "commune",
                    "departement": communes["departement"],
                    "population": population.to_numpy(),
                    "former": False,
                }
            ),
            pd.DataFrame(
                {
                    # A delegated commune sharing its parent's name adds nothing.
                    "code": sub["code"],
                    "target": sub["parent"],
                    "name": sub["name"],
                    "level": "commune",
                    "departement": communes.loc[sub["parent"], "departement"].to_numpy(),
                    "population": population.reindex(sub["parent"]).to_numpy(),
                    "former": True,
                }
            ),
            *[
                pd.DataFrame(
                    {
                        # « Paris 15e Arrondissement », also found as « paris 15eme »: each form points at the code.
                        "code": arm["code"],
                        "target": arm["code"],
                        "name": names,
                        "level": "arrondissement",
                        "departement": communes.loc[arm["parent"], "departement"].to_numpy(),
                        "population": population_arm.to_numpy(),
                        "former": False,
                    }
                )
                for names in (
                    arm["name"],
                    arm["name"].str.replace(r"(\d+)(e|er) Arrondissement$", r"\1eme arrondissement", regex=True),
                )
            ],
            pd.DataFrame(
                {
                    "code": "epci:" + ref.epci["code"],
                    "target": "epci:" + ref.epci["code"],
                    "name": ref.epci["name"],
                    "level": "epci",
                    "departement": None,
                    "population": ref.epci["code"].map(population_epci).to_numpy(),
                    "former": False,
                }
            ),
            pd.DataFrame(
                {
                    "code": "dep:" + ref.departements["code"],
                    "target": "dep:" + ref.departements["code"],
                    "name": ref.departements["name"],
                    "level": "departement",
                    "departement": ref.departements["code"],
                    "population": ref.departements["code"].map(population_dep).to_numpy(),
                    "former": False,
                }
            ),
            pd.DataFrame(
                {
                    "code": "reg:" + ref.regions["code"],
                    "target": "reg:" + ref.regions["code"],
                    "name": ref.regions["name"],
                    "level": "region",
                    "departement": None,
                    "population": ref.regions["code"].map(population_reg).to_numpy(),
                    "former": False,
                }
            ),
        ]
        if scot is not None and len(scot):
            members = scot[scot["code"].isin(communes.index)]
            population_scot = population.reindex(members["code"]).groupby(members["scot"].to_numpy()).sum(min_count=1)
            names = sorted(members["scot"].astype(str).unique())
            deps = members.groupby("scot")["code"].first().map(communes["departement"])
            pieces.append(
                pd.DataFrame(
                    {
                        "code": ["scot:" + n for n in names],
                        "target": ["scot:" + n for n in names],
                        "name": names,
                        "level": "scot",
                        "departement": [deps.get(n) for n in names],
                        "population": [population_scot.get(n, np.nan) for n in names],
                        "former": False,
                    }
                )
            )
        table = pd.concat(pieces, ignore_index=True)
        table["norm"] = table["name"].map(normalise)
        table = table.drop_duplicates(["target", "norm"]).reset_index(drop=True)
        table["population"] = pd.to_numeric(table["population"]).astype("float64")  # NaN: unknown
        self.table = table
        self._departements = {normalise(name): code for code, name in ref.departements["name"].items()}
        self._codes_departements = {code.lower(): code for code in ref.departements.index}
        self._names = table["norm"].to_numpy(dtype=object)
        self._words = [n.split() for n in self._names]
        self._trigrams: dict[str, np.ndarray] | None = None
        self._sizes: np.ndarray | None = None

    def _index_trigrams(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        if self._trigrams is None:
            postings: dict[str, list[int]] = defaultdict(list)
            sizes = np.empty(len(self._names), dtype=np.int32)
            for i, name in enumerate(self._names):
                grams = trigrams(name)
                sizes[i] = len(grams)
                for g in grams:
                    postings[g].append(i)
            self._trigrams = {g: np.asarray(v, dtype=np.int32) for g, v in postings.items()}
            self._sizes = sizes
        assert self._sizes is not None
        return self._trigrams, self._sizes

    def _similarities(self, query: str) -> np.ndarray:
        index, sizes = self._index_trigrams()
        grams = trigrams(query)
        common = np.zeros(len(self._names), dtype=np.int32)
        for g in grams:
            postings = index.get(g)
            if postings is not None:
                common[postings] += 1
        return 2.0 * common / (len(grams) + sizes)

    def _close(self, query: str, eligible: np.ndarray) -> np.ndarray:
        """Edit similarity (0–1) for the names closest by trigrams, 0 elsewhere."""
        dice = np.where(eligible, self._similarities(query), 0.0)
        candidates = np.flatnonzero(dice >= TRIGRAM_THRESHOLD)
        if len(candidates) > CLOSE_CANDIDATES:
            candidates = candidates[np.argsort(dice[candidates])[-CLOSE_CANDIDATES:]]
        score = np.zeros(len(dice))
        for i in candidates:
            score[i] = difflib.SequenceMatcher(None, query, self._names[i], autojunk=False).ratio()
        return score

    def _departement(self, query: str) -> tuple[str, str | None]:
        """(text without it, département code) when the text ends with a département."""
        words = query.split()
        if len(words) < 2:
            return query, None
        if words[-1] in self._codes_departements:
            return " ".join(words[:-1]), self._codes_departements[words[-1]]
        for n in range(min(4, len(words) - 1), 0, -1):
            end = " ".join(words[-n:])
            if end in self._departements:
                return " ".join(words[:-n]), self._departements[end]
        return query, None

    def search(self, text: str, limit: int = 10, levels=COMMUNE_LEVELS) -> list[SearchResult]:
        query = normalise(text)
        raw = text.strip()
        if not query and not raw:
            return []
        without_department, departement = self._departement(query)
        if departement is not None:
            filters = self._search(raw, without_department, limit, levels, departement)
            if filters:
                return filters
        return self._search(raw, query, limit, levels, None)

    def _search(self, raw: str, query: str, limit: int, levels, departement: str | None) -> list[SearchResult]:
        table = self.table
        n = len(table)
        rank = np.zeros(n, dtype=np.int8)  # 0 = no match; higher is better
        score = np.zeros(n)
        exact = np.zeros(n, dtype=bool)

        prefix, colon, remaining = raw.partition(":")
        searched_code = f"{prefix.lower()}:{remaining.upper()}" if colon else raw.upper()
        rank[(table["code"] == searched_code).to_numpy()] = 5
        if query:
            names = self._names
            exact = names == query
            start = np.fromiter((name.startswith(query) for name in names), bool, n)
            rank = np.maximum(rank, np.where(start, 3, 0))
            query_words = query.split()
            if len(query_words) > 1:
                every = np.fromiter(
                    (all(any(m.startswith(q) for m in words) for q in query_words) for words in self._words), bool, n
                )
                rank = np.maximum(rank, np.where(every, 2, 0))
            score = self._close(query, rank == 0)
            rank = np.where((rank == 0) & (score >= SIMILARITY_THRESHOLD), 1, rank)

        # Names (whole or start) are ranked by population, the whole name with a bonus; close
        # spellings by similarity (a populous place wins a near tie); other tiers by population.
        weight = np.log10(np.nan_to_num(table["population"].to_numpy(), nan=0.0) + 1)
        sort = np.where(
            rank == 3, weight + WHOLE_NAME_BONUS * exact, np.where(rank == 1, score + 0.01 * weight, weight)
        )
        candidates = table.assign(rank=rank, score=score, sort=sort, exact=exact)
        keep = (candidates["rank"] > 0) & candidates["level"].isin(levels)
        if departement is not None:
            keep &= candidates["departement"] == departement
        candidates = candidates[keep]
        # A former commune ranks after a current commune of the same tier.
        candidates = candidates.sort_values(["rank", "former", "sort"], ascending=[False, True, False])
        results: list[SearchResult] = []
        seen: set[str] = set()
        for line in candidates.itertuples(index=False):
            if line.target in seen:
                continue
            seen.add(line.target)
            results.append(self._result(line))
            if len(results) >= limit:
                break
        return results

    def _result(self, line) -> SearchResult:
        if line.former:
            target = self.table[(self.table["code"] == line.target) & ~self.table["former"]].iloc[0]
            return SearchResult(
                target["code"],
                target["name"],
                "commune",
                target["departement"],
                _population(target["population"]),
                f"former_commune:{line.name}",
                round(float(line.score), 3),
            )
        types = {5: "code", 3: "name" if line.exact else "start", 2: "words", 1: "close"}
        name = self.table.loc[(self.table["code"] == line.target), "name"].iloc[0]  # the official form of the name
        return SearchResult(
            line.code,
            name,
            line.level,
            None if line.departement is None or line.departement != line.departement else line.departement,
            _population(line.population),
            types[int(line.rank)],
            round(float(line.score), 3),
        )


def _population(value) -> int | None:
    return None if value is None or value != value else int(value)
