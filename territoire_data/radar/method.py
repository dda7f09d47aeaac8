"""Radar foncier: infill plots ("dents creuses") inside the urban envelope.

Method (every threshold is a ``Parameters`` field; defaults follow common practice of
sobriété foncière studies — Cerema "gisements fonciers", DDT(M) infill inventories):

1. Work in metres, in the official projection of the territory (Lambert-93; local UTM
   overseas).
2. **Urban envelope**: hard buildings (Etalab cadastre ``type = "01"``; light ones ``"02"``
   only if ``count_light_buildings``) are dilated by 50 m then eroded by 25 m, which joins buildings
   less than ~100 m apart into built-up areas and smooths them; parts holding fewer than
   5 buildings (isolated farms, sheds) are dropped.
3. **Unbuilt parcel**: its built footprint covers at most 5 % of it.
4. **Inside the envelope**: at least 80 % of the parcel's area.
5. **Size and shape**: 300 m² to 1 ha; compactness (Polsby-Popper 4πA/P²) ≥ 0.25; a 10 m
   wide square fits in it (an inner buffer of 5 m is not empty) — strips and slivers go.
6. **Exclusions**: parcels overlapping exclusion layers (water, roads…) by more than 10 %;
   parcels mostly in an A or N zone of the PLU.
7. **Green network** (réservoirs, corridors): an intersecting parcel is kept and flagged
   ``conflit_trame_verte`` (default) or excluded (``trame_verte="exclure"``); the distance
   to the network is given for every plot.
8. **Score** 0–100: shape (compactness), size (closest to 1,000–3,000 m²), depth in the
   envelope, PLU zone (U +15, AU +8), minus 30 for a green-network conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territoire_data.core.peer_groups import DENSITY_LEVELS
from territoire_data.rendering.formatting import number


@dataclass(frozen=True)
class Parameters:
    dilation_m: float = 50.0
    erosion_m: float = 25.0
    min_buildings_per_cluster: int = 5
    count_light_buildings: bool = False  # count light buildings ("02") as built
    max_built_share: float = 0.05
    min_envelope_share: float = 0.80
    min_area_m2: float = 300.0
    max_area_m2: float = 10_000.0
    min_compactness: float = 0.25
    min_width_m: float = 10.0
    max_excluded_share: float = 0.10
    green_network: str = "signaler"  # or "exclure"
    # Dwellings per hectare on the plots found; None: from the commune's density-grid level
    # (``DWELLINGS_PER_HA``), what a SCoT would ask of such a commune.
    dwellings_per_ha: float | None = None
    hard_types: tuple[str, ...] = field(default=("01",))


def cadastral_label(identifier: str) -> str:
    """A parcel as it reads on the cadastral plan and on the ground: ``33440000ZH0019`` →
    « section ZH n° 19 » (with its prefix when the section belongs to a former commune:
    « section 123 ZH n° 19 »); any other identifier as it is."""
    text = str(identifier).strip()
    if len(text) != 14 or not text[10:].isdigit():
        return text
    prefix, section, number_ = text[5:8], text[8:10].lstrip("0") or "0", int(text[10:])
    return f"section {'' if prefix == '000' else prefix + ' '}{section} n° {number_}"


COLUMNS = [
    "id",
    "label",
    "area_m2",
    "built_share",
    "envelope_share",
    "compactness",
    "plu_zone",
    "green_network_conflict",
    "green_network_distance_m",
    "score",
    "reasons",
    "geometry",
]


def envelope(buildings: gpd.GeoDataFrame, p: Parameters) -> gpd.GeoDataFrame:
    """Built-up areas (dilation then erosion of hard buildings), without small clusters."""
    hard = buildings[_hard(buildings, p)]
    if hard.empty:
        return gpd.GeoDataFrame({"buildings": []}, geometry=[], crs=buildings.crs)
    merger = shapely.union_all(shapely.buffer(hard.geometry.to_numpy(), p.dilation_m, quad_segs=4))
    parts = shapely.get_parts(shapely.buffer(merger, -p.erosion_m, quad_segs=4))
    parts = parts[~shapely.is_empty(parts)]
    cluster = gpd.GeoDataFrame(geometry=parts, crs=buildings.crs)
    centres = gpd.GeoDataFrame(geometry=hard.geometry.representative_point().to_numpy(), crs=buildings.crs)
    count = gpd.sjoin(centres, cluster, predicate="within").groupby("index_right").size()
    cluster["buildings"] = count.reindex(cluster.index, fill_value=0).to_numpy()
    return cluster[cluster["buildings"] >= p.min_buildings_per_cluster].reset_index(drop=True)


def _hard(buildings: gpd.GeoDataFrame, p: Parameters) -> np.ndarray:
    if "type" not in buildings.columns:
        return np.ones(len(buildings), dtype=bool)
    types = set(p.hard_types) | ({"02"} if p.count_light_buildings else set())
    return buildings["type"].astype(str).isin(types).to_numpy()


def _share_covered(parcels: gpd.GeoDataFrame, layer: gpd.GeoDataFrame | None) -> np.ndarray:
    """Share of each parcel's area covered by a layer (0 when the layer is absent)."""
    if layer is None or layer.empty:
        return np.zeros(len(parcels))
    union = shapely.union_all(layer.geometry.to_numpy())
    areas = parcels.geometry.area.to_numpy()
    tree = shapely.STRtree([union])
    share = np.zeros(len(parcels))
    touched = np.unique(tree.query(parcels.geometry.to_numpy(), predicate="intersects")[0])
    if len(touched):
        share[touched] = (
            shapely.area(shapely.intersection(parcels.geometry.to_numpy()[touched], union)) / areas[touched]
        )
    return share


def _area_built(parcels: gpd.GeoDataFrame, built: gpd.GeoDataFrame) -> np.ndarray:
    if built.empty:
        return np.zeros(len(parcels))
    peer_pairs = gpd.sjoin(parcels[["geometry"]].reset_index(names="_p"), built[["geometry"]], predicate="intersects")
    if peer_pairs.empty:
        return np.zeros(len(parcels))
    geoms_p = parcels.geometry.to_numpy()[peer_pairs["_p"].to_numpy()]
    geoms_b = built.geometry.to_numpy()[peer_pairs["index_right"].to_numpy()]
    areas = shapely.area(shapely.intersection(geoms_p, geoms_b))
    return np.bincount(peer_pairs["_p"].to_numpy(), weights=areas, minlength=len(parcels))


def _zone_plu(parcels: gpd.GeoDataFrame, plu: gpd.GeoDataFrame | None) -> np.ndarray:
    """U, AU, A, N (majority by area) or empty."""
    zones = np.full(len(parcels), "", dtype=object)
    if plu is None or plu.empty or "typezone" not in plu.columns:
        return zones
    plu = plu[["typezone", "geometry"]].reset_index(drop=True)
    plu["famille"] = plu["typezone"].astype(str).str.upper().str.extract(r"^(AU|U|A|N)", expand=False).fillna("")
    peer_pairs = gpd.sjoin(parcels[["geometry"]].reset_index(names="_p"), plu, predicate="intersects")
    if peer_pairs.empty:
        return zones
    peer_pairs["surface"] = shapely.area(
        shapely.intersection(
            parcels.geometry.to_numpy()[peer_pairs["_p"].to_numpy()],
            plu.geometry.to_numpy()[peer_pairs["index_right"].to_numpy()],
        )
    )
    majority = peer_pairs.sort_values("surface").groupby("_p")["famille"].last()
    zones[majority.index.to_numpy()] = majority.to_numpy()
    return zones


def _shape(compactness: float) -> str:
    """A plot's shape in words (compactness: 1 for a circle, ≈ 0,8 for a square)."""
    if compactness >= 0.6:
        return "forme ramassée, facile à bâtir"
    if compactness >= 0.4:
        return "forme assez régulière"
    return "forme allongée ou irrégulière"


def infill_plots(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    p: Parameters = Parameters(),
    *,
    green_network: gpd.GeoDataFrame | None = None,
    plu: gpd.GeoDataFrame | None = None,
    exclusions: list[gpd.GeoDataFrame] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(plots found, urban envelope). Every layer must be in the same metric CRS."""
    parcels = parcels.reset_index(drop=True)
    parcels = parcels[parcels.geometry.notna() & ~parcels.geometry.is_empty].reset_index(drop=True)
    parcels["geometry"] = shapely.make_valid(parcels.geometry.to_numpy())
    env = envelope(buildings, p)
    areas = parcels.geometry.area.to_numpy()
    built = buildings[_hard(buildings, p)].reset_index(drop=True)
    built_share = _area_built(parcels, built) / np.maximum(areas, 1e-9)
    envelope_share = _share_covered(parcels, env)
    perimeters = parcels.geometry.length.to_numpy()
    compactness = 4 * np.pi * areas / np.maximum(perimeters, 1e-9) ** 2
    guard = (
        (built_share <= p.max_built_share)
        & (envelope_share >= p.min_envelope_share)
        & (areas >= p.min_area_m2)
        & (areas <= p.max_area_m2)
        & (compactness >= p.min_compactness)
    )
    if guard.any():
        interiors = shapely.buffer(parcels.geometry.to_numpy()[guard], -p.min_width_m / 2, quad_segs=2)
        guard[np.flatnonzero(guard)] = ~shapely.is_empty(interiors)
    for layer in exclusions or []:
        guard &= _share_covered(parcels, layer) <= p.max_excluded_share
    zones = _zone_plu(parcels, plu)
    guard &= ~np.isin(zones, ["A", "N"])
    conflict = np.zeros(len(parcels), dtype=bool)
    distance = np.full(len(parcels), np.nan)
    if green_network is not None and not green_network.empty:
        network = shapely.union_all(green_network.geometry.to_numpy())
        conflict = shapely.intersects(parcels.geometry.to_numpy(), network)
        distance = shapely.distance(parcels.geometry.to_numpy(), network)
        if p.green_network == "exclure":
            guard &= ~conflict
    size = np.clip(1 - np.abs(np.log(np.clip(areas, 1, None) / 2_000)) / np.log(2_000 / 300), 0, 1)
    score = (
        40 * np.clip(compactness / 0.8, 0, 1)
        + 25 * size
        + 20 * np.clip((envelope_share - 0.8) / 0.2, 0, 1)
        + np.where(zones == "U", 15, np.where(zones == "AU", 8, 0))
        - 30 * conflict
    )
    score = np.clip(np.round(score, 1), 0, 100)
    ids = parcels["id"].astype(str).to_numpy() if "id" in parcels.columns else parcels.index.astype(str).to_numpy()
    reasons = [
        " ; ".join(
            filter(
                None,
                [
                    "non bâtie" if b < 0.005 else f"presque pas bâtie ({number(100 * b, 0)} % de sa surface)",
                    f"au cœur du bâti existant ({number(100 * e, 0)} % dans l'enveloppe urbaine)",
                    _shape(c),
                    {"U": "en zone urbaine (U) du PLU", "AU": "en zone à urbaniser (AU) du PLU"}.get(
                        z, f"zone {z} du PLU" if z else ""
                    ),
                    (
                        "touche la trame verte et bleue : à examiner avant tout projet"
                        if k
                        else (f"à {number(d, 0)} m de la trame verte et bleue" if np.isfinite(d) else "")
                    ),
                ],
            )
        )
        for b, e, c, z, k, d in zip(built_share, envelope_share, compactness, zones, conflict, distance)
    ]
    result = gpd.GeoDataFrame(
        {
            "id": ids,
            "label": [cadastral_label(i) for i in ids],
            "area_m2": np.round(areas, 1),
            "built_share": np.round(built_share, 4),
            "envelope_share": np.round(envelope_share, 4),
            "compactness": np.round(compactness, 3),
            "plu_zone": zones,
            "green_network_conflict": conflict,
            "green_network_distance_m": np.round(distance, 1),
            "score": score,
            "reasons": reasons,
        },
        geometry=parcels.geometry.to_numpy(),
        crs=parcels.crs,
    )
    result = result[guard].sort_values("score", ascending=False).reset_index(drop=True)
    return result[COLUMNS], env


# Densities (dwellings/ha) for new housing by INSEE density-grid level: the orders of magnitude
# SCoT use for infill (from 60 in large urban centres to 10 in very scattered rural areas).
DWELLINGS_PER_HA = {1: 60.0, 2: 40.0, 3: 30.0, 4: 25.0, 5: 18.0, 6: 12.0, 7: 10.0}
DEFAULT_DWELLINGS_PER_HA = 20.0
RECENT_YEARS = 5  # the construction pace is the mean of the last five years with a figure
HORIZON = 2031


def density_for(code: str, warehouse) -> tuple[float, str]:
    """(dwellings/ha, why) for a commune, from its level of INSEE's density grid."""
    classes = None if warehouse is None else warehouse.density_classes
    if classes is not None and code in classes.index and pd.notna(classes.get(code)):
        level = int(classes.at[code])
        return DWELLINGS_PER_HA[level], (
            f"{number(DWELLINGS_PER_HA[level], 0)} logements par hectare, densité courante des communes "
            f"« {DENSITY_LEVELS[level]} » (niveau {level} sur 7 de la grille de densité de l'INSEE)"
        )
    return DEFAULT_DWELLINGS_PER_HA, (
        f"{number(DEFAULT_DWELLINGS_PER_HA, 0)} logements par hectare (grille de densité non chargée : valeur moyenne)"
    )


def housing_need_assumptions(code: str, warehouse) -> dict | None:
    """The housing need to 2031 from the commune's own recent pace: dwellings started per year
    (Sitadel) over the last five years with a figure × the years left before 2031."""
    if warehouse is None:
        return None
    series = warehouse.series_of(code, "logements_commences")
    ok = series.loc[series["status"].astype(str) == "ok"]
    values = pd.to_numeric(ok["value"], errors="coerce")
    years = pd.to_numeric(ok["year"], errors="coerce")
    kept = pd.DataFrame({"year": years, "value": values}).dropna().sort_values("year").tail(RECENT_YEARS)
    if kept.empty:
        return None
    per_year = float(kept["value"].mean())
    last = int(kept["year"].max())
    remaining = max(HORIZON - (last + 1), 1)
    return {
        "need": per_year * remaining,
        "per_year": per_year,
        "first_year": int(kept["year"].min()),
        "last_year": last,
        "years_to_2031": remaining,
    }


def housing_need(code: str, warehouse) -> float | None:
    """Housing need to 2031 (see ``housing_need_assumptions``), or None without figures."""
    assumptions = housing_need_assumptions(code, warehouse)
    return None if assumptions is None else assumptions["need"]


def summary(
    plots: gpd.GeoDataFrame,
    p: Parameters,
    need_dwellings: float | None = None,
    *,
    density_basis: str = "",
    need_basis: dict | None = None,
) -> dict:
    hectares = float(plots["area_m2"].sum() / 10_000) if len(plots) else 0.0
    per_ha = p.dwellings_per_ha if p.dwellings_per_ha is not None else DEFAULT_DWELLINGS_PER_HA
    dwellings = hectares * per_ha
    share = None if not need_dwellings else round(100 * dwellings / need_dwellings, 1)
    return {
        "plots": int(len(plots)),
        "hectares": round(hectares, 3),
        "green_network_conflicts": int(plots["green_network_conflict"].sum()) if len(plots) else 0,
        "dwellings_per_ha": per_ha,
        "density_basis": density_basis or f"{number(per_ha, 0)} logements par hectare (valeur choisie)",
        "potential_dwellings": int(round(dwellings)),
        "housing_need": None if need_dwellings is None else round(float(need_dwellings), 1),
        "need_covered_share": share,
        "need_basis": need_explanation(need_basis, need_dwellings),
        "reading": potential_reading(int(round(dwellings)), need_dwellings, share),
    }


def need_explanation(basis: dict | None, need: float | None) -> str:
    """How the need was estimated, in words (its assumptions)."""
    if need is None:
        return "Besoin en logements non estimé (pas de chiffres de construction pour la commune)."
    if basis is None:
        return f"Besoin en logements d'ici 2031 fixé à {number(need, 0)} logements."
    return (
        f"Besoin estimé d'ici 2031 : {number(need, 0)} logements, soit le rythme de construction de la commune "
        f"({number(basis['per_year'], 1)} logements commencés par an en moyenne de {basis['first_year']} à "
        f"{basis['last_year']}) prolongé sur les {basis['years_to_2031']} années restantes. Ni les besoins de "
        "desserrement des ménages ni la vacance ne sont pris en compte."
    )


def potential_reading(dwellings: int, need: float | None, share: float | None) -> str:
    """What the potential means against the need, without overstating it."""
    if need is None or share is None:
        return f"Potentiel d'environ {number(dwellings)} logements sur ces parcelles."
    if share > 100:
        return (
            f"Le potentiel (≈ {number(dwellings)} logements) dépasse le besoin estimé ({number(need, 0)}) : "
            "toutes ces parcelles n'ont pas à être ouvertes ; priorisez-les selon leur score."
        )
    return (
        f"Le potentiel (≈ {number(dwellings)} logements) couvre environ {number(share, 0)} % du besoin estimé "
        f"({number(need, 0)} logements) sans consommer d'espace naturel, agricole ou forestier."
    )
