"""Peer groups and positioning: where a territory stands among comparable ones.

Groups for a commune: ``density`` (same class of INSEE's 7-level density grid — without
the grid, a class computed from population / area, flagged approximate — narrowed to the
commune's INSEE size class, widened to the neighbouring classes until the group holds
``MIN_SIMILAR`` communes, so that a city is not compared with hamlets), ``size``
(INSEE population size classes), ``departement``, ``epci``, ``france``, or a custom list
of codes (``liste:33063,33281,…``). Other territories are compared with every territory
of their level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territoire_data.errors import TerritoireError

GROUPS = ("densite", "taille", "departement", "epci", "france")
LABELS = {
    "densite": "communes de même densité",
    "densite_approchee": "communes de densité comparable (approchée)",
    "taille": "communes de même taille",
    "departement": "communes du département",
    "epci": "communes de l'EPCI",
    "france": "communes de France",
    "liste": "communes de la liste choisie",
    "niveau": "territoires de même niveau",
}
# INSEE population size classes (bornes basses).
SIZE_BOUNDS = [0, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000]
# INSEE's communal density grid, 7 levels (2022 onwards), as INSEE names them (lower case).
DENSITY_LEVELS = {
    1: "grands centres urbains",
    2: "centres urbains intermédiaires",
    3: "ceintures urbaines",
    4: "petites villes",
    5: "bourgs ruraux",
    6: "rural à habitat dispersé",
    7: "rural à habitat très dispersé",
}
# A density group narrowed by size holds at least this many communes (the commune included).
MIN_SIMILAR = 10
# Approximate density classes (hab./km²) standing in for the 7-level grid when it is absent.
DENSITY_THRESHOLDS = [20, 50, 100, 300, 700, 2_000]  # → classes 7 (peu dense) … 1 (grand centre)


@dataclass(frozen=True)
class Peers:
    group: str  # as reported: densite, densite_approchee, taille, departement, epci, france, liste, niveau
    codes: pd.Index
    key: str = ""  # identifies the peer set (for caching its sorted values)


def populations(communes: pd.DataFrame, matrix: pd.DataFrame) -> pd.Series:
    """Every commune's population: the census's where the warehouse has it, else the
    referential's (COG) — the one population peers are sized and ordered by."""
    reference = communes["municipal_population"].astype("float64")
    if "population" not in matrix:
        return reference
    return matrix["population"].reindex(communes.index).fillna(reference)


def populations_of(referential, warehouse) -> pd.Series:
    """``populations`` for a referential and a warehouse, computed once by the warehouse."""
    key = ("peer-populations", referential.manifest.get("key", ""), len(referential.communes))
    return warehouse.derived(key, lambda: populations(referential.communes, warehouse.matrix))


def size_class(population: pd.Series) -> pd.Series:
    return pd.Series(np.searchsorted(SIZE_BOUNDS, population.to_numpy(), side="right"), index=population.index)


def approximate_density_class(density: pd.Series) -> pd.Series:
    classes = 7 - np.searchsorted(DENSITY_THRESHOLDS, density.to_numpy(), side="right")
    return pd.Series(np.where(np.isnan(density.to_numpy()), np.nan, classes), index=density.index)


def peers(territory, group: str, matrix: pd.DataFrame, dens7: pd.Series | None) -> Peers:
    """The codes of the territory's peers (itself included) — the public form notebooks use."""
    return _peers(territory, group, matrix, dens7, populations(territory.referential.communes, matrix))


def peers_in(territory, group: str, warehouse) -> Peers:
    """``peers`` from a warehouse's figures, its populations computed once; a page asks for
    the same peers twice in a row, so the warehouse keeps the last answer."""
    question = (territory.code, group, territory.referential.manifest.get("key", ""))
    last = warehouse.derived(("last-peers",), dict)
    if last.get("question") != question:
        population = populations_of(territory.referential, warehouse)
        last["answer"] = _peers(territory, group, warehouse.matrix, warehouse.density_classes, population)
        last["question"] = question
    return last["answer"]


def _peers(territory, group: str, matrix: pd.DataFrame, dens7: pd.Series | None, population: pd.Series) -> Peers:
    ref = territory.referential
    communes = ref.communes
    if group.startswith("liste:"):
        codes = pd.Index([c.strip() for c in group[6:].split(",") if c.strip()])
        unknown = [c for c in codes if c not in matrix.index]
        if unknown:
            raise TerritoireError(f"Codes inconnus dans la liste de comparaison : {', '.join(unknown[:10])}")
        codes = codes.union([territory.code])
        return Peers("liste", codes, "liste:" + ",".join(codes))
    if territory.level != "commune":
        prefix = territory.code.split(":")[0] + ":" if ":" in territory.code else territory.code
        return Peers("niveau", matrix.index[matrix.index.str.startswith(prefix)], f"niveau:{prefix}")
    code = territory.code
    if group not in GROUPS:
        raise TerritoireError(
            f"Groupe de comparaison inconnu : « {group} ». Choix : {', '.join(GROUPS)} ou liste:CODE1,CODE2…"
        )
    if group == "france":
        return Peers("france", communes.index, "france")
    if group in ("departement", "epci"):
        value = communes.at[code, group]
        if not isinstance(value, str):
            return Peers(group, pd.Index([code]), f"seul:{code}")
        return Peers(group, communes.index[communes[group] == value], f"{group}:{value}")
    if group == "taille":
        classes = size_class(population.fillna(-1))
        return Peers("taille", classes.index[classes == classes.at[code]], f"taille:{classes.at[code]}")
    if dens7 is not None and dens7.notna().any() and code in dens7.index and not np.isnan(dens7.get(code, np.nan)):
        name, classes = "densite", dens7
    else:
        name, classes = "densite_approchee", approximate_density_class(population / communes["area_km2"])
    level = classes.get(code, np.nan)
    if np.isnan(level):  # neither the grid nor a population and area: compared with itself only
        return Peers(name, pd.Index([code]), f"seul:{code}")
    same = classes.index[classes == level]
    sizes = size_class(population.reindex(same).fillna(-1))
    low, high, own = size_band(sizes, int(sizes.at[code]))
    codes = sizes.index[(sizes >= low) & (sizes <= high)]
    return Peers(name, codes, f"{name}:{int(level)}:{low}-{high}:{own}")


def similar_groups(communes: pd.DataFrame, matrix: pd.DataFrame, dens7: pd.Series | None, codes) -> dict:
    """The density groups (key → codes) of ``codes``, as ``peers`` makes them one by one, in
    one pass: a density level and a size class give the same group to all their communes."""
    population = populations(communes, matrix)
    if dens7 is not None and dens7.notna().any():
        name, classes = "densite", dens7.reindex(communes.index)
        fallback = approximate_density_class(population / communes["area_km2"])
        approximate = classes.isna()
        classes = classes.where(~approximate, fallback)
    else:
        name, classes = "densite_approchee", approximate_density_class(population / communes["area_km2"])
        approximate = pd.Series(True, index=communes.index)
    groups: dict[str, pd.Index] = {}
    wanted = pd.Index([c for c in codes if c in communes.index])
    for (level, is_approximate), members in pd.Series(wanted, index=wanted).groupby(
        [classes.reindex(wanted), approximate.reindex(wanted)]
    ):
        kind = "densite_approchee" if (is_approximate and name == "densite") or name == "densite_approchee" else name
        reference = (
            dens7
            if kind == "densite" and dens7 is not None
            else approximate_density_class(population / communes["area_km2"])
        )
        same = reference.index[reference == level]
        sizes = size_class(population.reindex(same).fillna(-1))
        for own in sorted(set(sizes.reindex(members.index).dropna().astype(int))):
            low, high, own = size_band(sizes, own)
            groups[f"{kind}:{int(level)}:{low}-{high}:{own}"] = sizes.index[(sizes >= low) & (sizes <= high)]
    return groups


def size_band(sizes: pd.Series, own: int) -> tuple[int, int, int]:
    """The band of size classes (low, high, own) around ``own``: the commune's class, widened
    one class each side at a time while the band holds fewer than ``MIN_SIMILAR`` communes."""
    counts = sizes.value_counts()
    low = high = own
    smallest, largest = 1, len(SIZE_BOUNDS)
    while counts[(counts.index >= low) & (counts.index <= high)].sum() < MIN_SIMILAR and (
        low > smallest or high < largest
    ):
        low, high = max(low - 1, smallest), min(high + 1, largest)
    return low, high, own


def sorted_position(value: float, sorted: np.ndarray) -> dict:
    """``position`` over peer values already sorted, without NaN (O(log n))."""
    n = len(sorted)
    if n == 0:
        return {"n": 0, "percentile": None, "median": None, "q1": None, "q3": None}
    q1, median, q3 = (float(np.interp(q * (n - 1), np.arange(n), sorted)) for q in (0.25, 0.5, 0.75))
    rank = None
    if value is not None and not np.isnan(value):
        below = np.searchsorted(sorted, value, "left")
        ties = np.searchsorted(sorted, value, "right") - below
        rank = round(100.0 * (below + 0.5 * ties) / n, 1)
    return {"n": int(n), "percentile": rank, "median": median, "q1": q1, "q3": q3}


def position(value: float, values: np.ndarray) -> dict:
    """Percentile rank (0–100, ties counted half), median, quartiles and n of the peers."""
    values = np.asarray(values, dtype="float64")
    return sorted_position(value, np.sort(values[~np.isnan(values)]))
