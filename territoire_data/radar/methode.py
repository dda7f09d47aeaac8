"""Radar foncier: infill plots ("dents creuses") inside the urban envelope.

Method (every threshold is a ``Parametres`` field; defaults follow common practice of
sobriété foncière studies — Cerema "gisements fonciers", DDT(M) infill inventories):

1. Work in metres, in the official projection of the territory (Lambert-93; local UTM
   overseas).
2. **Urban envelope**: hard buildings (Etalab cadastre ``type = "01"``; light ones ``"02"``
   only if ``bati_leger``) are dilated by 50 m then eroded by 25 m, which joins buildings
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

from territoire_data.format import nombre


@dataclass(frozen=True)
class Parametres:
    dilatation_m: float = 50.0
    erosion_m: float = 25.0
    batiments_min_par_amas: int = 5
    bati_leger: bool = False               # count light buildings ("02") as built
    part_batie_max: float = 0.05
    part_enveloppe_min: float = 0.80
    surface_min_m2: float = 300.0
    surface_max_m2: float = 10_000.0
    compacite_min: float = 0.25
    largeur_min_m: float = 10.0
    part_exclusion_max: float = 0.10
    trame_verte: str = "signaler"          # or "exclure"
    densite_logements_ha: float = 25.0     # dwellings per hectare on the plots found
    types_durs: tuple[str, ...] = field(default=("01",))


COLONNES = ["id", "surface_m2", "part_batie", "part_enveloppe", "compacite", "zone_plu", "conflit_trame_verte",
            "distance_trame_verte_m", "score", "raisons", "geometry"]


def enveloppe(batiments: gpd.GeoDataFrame, p: Parametres) -> gpd.GeoDataFrame:
    """Built-up areas (dilation then erosion of hard buildings), without small clusters."""
    durs = batiments[_durs(batiments, p)]
    if durs.empty:
        return gpd.GeoDataFrame({"batiments": []}, geometry=[], crs=batiments.crs)
    fusion = shapely.union_all(shapely.buffer(durs.geometry.to_numpy(), p.dilatation_m, quad_segs=4))
    parties = shapely.get_parts(shapely.buffer(fusion, -p.erosion_m, quad_segs=4))
    parties = parties[~shapely.is_empty(parties)]
    amas = gpd.GeoDataFrame(geometry=parties, crs=batiments.crs)
    centres = gpd.GeoDataFrame(geometry=durs.geometry.representative_point().to_numpy(), crs=batiments.crs)
    compte = gpd.sjoin(centres, amas, predicate="within").groupby("index_right").size()
    amas["batiments"] = compte.reindex(amas.index, fill_value=0).to_numpy()
    return amas[amas["batiments"] >= p.batiments_min_par_amas].reset_index(drop=True)


def _durs(batiments: gpd.GeoDataFrame, p: Parametres) -> np.ndarray:
    if "type" not in batiments.columns:
        return np.ones(len(batiments), dtype=bool)
    types = set(p.types_durs) | ({"02"} if p.bati_leger else set())
    return batiments["type"].astype(str).isin(types).to_numpy()


def _part_couverte(parcelles: gpd.GeoDataFrame, couche: gpd.GeoDataFrame | None) -> np.ndarray:
    """Share of each parcel's area covered by a layer (0 when the layer is absent)."""
    if couche is None or couche.empty:
        return np.zeros(len(parcelles))
    union = shapely.union_all(couche.geometry.to_numpy())
    surfaces = parcelles.geometry.area.to_numpy()
    arbre = shapely.STRtree([union])
    part = np.zeros(len(parcelles))
    touche = np.unique(arbre.query(parcelles.geometry.to_numpy(), predicate="intersects")[0])
    if len(touche):
        part[touche] = shapely.area(shapely.intersection(parcelles.geometry.to_numpy()[touche], union)) / surfaces[touche]
    return part


def _surface_batie(parcelles: gpd.GeoDataFrame, batis: gpd.GeoDataFrame) -> np.ndarray:
    if batis.empty:
        return np.zeros(len(parcelles))
    paires = gpd.sjoin(parcelles[["geometry"]].reset_index(names="_p"), batis[["geometry"]], predicate="intersects")
    if paires.empty:
        return np.zeros(len(parcelles))
    geoms_p = parcelles.geometry.to_numpy()[paires["_p"].to_numpy()]
    geoms_b = batis.geometry.to_numpy()[paires["index_right"].to_numpy()]
    surfaces = shapely.area(shapely.intersection(geoms_p, geoms_b))
    return np.bincount(paires["_p"].to_numpy(), weights=surfaces, minlength=len(parcelles))


def _zone_plu(parcelles: gpd.GeoDataFrame, plu: gpd.GeoDataFrame | None) -> np.ndarray:
    """U, AU, A, N (majority by area) or empty."""
    zones = np.full(len(parcelles), "", dtype=object)
    if plu is None or plu.empty or "typezone" not in plu.columns:
        return zones
    plu = plu[["typezone", "geometry"]].reset_index(drop=True)
    plu["famille"] = plu["typezone"].astype(str).str.upper().str.extract(r"^(AU|U|A|N)", expand=False).fillna("")
    paires = gpd.sjoin(parcelles[["geometry"]].reset_index(names="_p"), plu, predicate="intersects")
    if paires.empty:
        return zones
    paires["surface"] = shapely.area(shapely.intersection(parcelles.geometry.to_numpy()[paires["_p"].to_numpy()],
                                                          plu.geometry.to_numpy()[paires["index_right"].to_numpy()]))
    majoritaire = paires.sort_values("surface").groupby("_p")["famille"].last()
    zones[majoritaire.index.to_numpy()] = majoritaire.to_numpy()
    return zones


def dents_creuses(parcelles: gpd.GeoDataFrame, batiments: gpd.GeoDataFrame, p: Parametres = Parametres(), *,
                  trame_verte: gpd.GeoDataFrame | None = None, plu: gpd.GeoDataFrame | None = None,
                  exclusions: list[gpd.GeoDataFrame] | None = None) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(plots found, urban envelope). Every layer must be in the same metric CRS."""
    parcelles = parcelles.reset_index(drop=True)
    parcelles = parcelles[parcelles.geometry.notna() & ~parcelles.geometry.is_empty].reset_index(drop=True)
    parcelles["geometry"] = shapely.make_valid(parcelles.geometry.to_numpy())
    env = enveloppe(batiments, p)
    surfaces = parcelles.geometry.area.to_numpy()
    batis = batiments[_durs(batiments, p)].reset_index(drop=True)
    part_batie = _surface_batie(parcelles, batis) / np.maximum(surfaces, 1e-9)
    part_env = _part_couverte(parcelles, env)
    perimetres = parcelles.geometry.length.to_numpy()
    compacite = 4 * np.pi * surfaces / np.maximum(perimetres, 1e-9) ** 2
    garde = ((part_batie <= p.part_batie_max) & (part_env >= p.part_enveloppe_min)
             & (surfaces >= p.surface_min_m2) & (surfaces <= p.surface_max_m2) & (compacite >= p.compacite_min))
    if garde.any():
        interieurs = shapely.buffer(parcelles.geometry.to_numpy()[garde], -p.largeur_min_m / 2, quad_segs=2)
        garde[np.flatnonzero(garde)] = ~shapely.is_empty(interieurs)
    for couche in exclusions or []:
        garde &= _part_couverte(parcelles, couche) <= p.part_exclusion_max
    zones = _zone_plu(parcelles, plu)
    garde &= ~np.isin(zones, ["A", "N"])
    conflit = np.zeros(len(parcelles), dtype=bool)
    distance = np.full(len(parcelles), np.nan)
    if trame_verte is not None and not trame_verte.empty:
        reseau = shapely.union_all(trame_verte.geometry.to_numpy())
        conflit = shapely.intersects(parcelles.geometry.to_numpy(), reseau)
        distance = shapely.distance(parcelles.geometry.to_numpy(), reseau)
        if p.trame_verte == "exclure":
            garde &= ~conflit
    taille = np.clip(1 - np.abs(np.log(np.clip(surfaces, 1, None) / 2_000)) / np.log(2_000 / 300), 0, 1)
    score = (40 * np.clip(compacite / 0.8, 0, 1) + 25 * taille + 20 * np.clip((part_env - 0.8) / 0.2, 0, 1)
             + np.where(zones == "U", 15, np.where(zones == "AU", 8, 0)) - 30 * conflit)
    score = np.clip(np.round(score, 1), 0, 100)
    ids = parcelles["id"].astype(str).to_numpy() if "id" in parcelles.columns else parcelles.index.astype(str).to_numpy()
    raisons = [
        "; ".join(filter(None, [
            f"non bâtie ({nombre(100 * b, 0)} % bâti)", f"dans l'enveloppe urbaine ({nombre(100 * e, 0)} %)",
            f"{nombre(s, 0)} m²", f"compacité {nombre(c, 2)}", f"zone {z} du PLU" if z else "",
            ("intersecte la trame verte et bleue" if k else
             (f"trame verte à {nombre(d, 0)} m" if np.isfinite(d) else "")),
        ]))
        for b, e, s, c, z, k, d in zip(part_batie, part_env, surfaces, compacite, zones, conflit, distance)
    ]
    resultat = gpd.GeoDataFrame({
        "id": ids, "surface_m2": np.round(surfaces, 1), "part_batie": np.round(part_batie, 4),
        "part_enveloppe": np.round(part_env, 4), "compacite": np.round(compacite, 3), "zone_plu": zones,
        "conflit_trame_verte": conflit, "distance_trame_verte_m": np.round(distance, 1), "score": score,
        "raisons": raisons}, geometry=parcelles.geometry.to_numpy(), crs=parcelles.crs)
    resultat = resultat[garde].sort_values("score", ascending=False).reset_index(drop=True)
    return resultat[COLONNES], env


def synthese(plots: gpd.GeoDataFrame, p: Parametres, besoin_logements: float | None = None) -> dict:
    hectares = float(plots["surface_m2"].sum() / 10_000) if len(plots) else 0.0
    logements = hectares * p.densite_logements_ha
    return {
        "parcelles": int(len(plots)), "hectares": round(hectares, 3),
        "conflits_trame_verte": int(plots["conflit_trame_verte"].sum()) if len(plots) else 0,
        "densite_logements_ha": p.densite_logements_ha, "logements_potentiels": int(round(logements)),
        "besoin_logements": None if besoin_logements is None else round(float(besoin_logements), 1),
        "part_besoin_couverte": (None if not besoin_logements else round(100 * logements / besoin_logements, 1)),
    }


def besoin_depuis_entrepot(code: str, entrepot=None) -> float | None:
    """Housing need to 2031: the commune's dwellings started per year (Sitadel) × 10 years."""
    from territoire_data.entrepot import EntrepotAbsent, ouvrir

    try:
        entrepot = entrepot or ouvrir()
    except EntrepotAbsent:
        return None
    serie = entrepot.serie(code, "logements_commences")
    valeurs = pd.to_numeric(serie.loc[serie["statut"].astype(str) == "ok", "valeur"], errors="coerce").dropna()
    return None if valeurs.empty else float(valeurs.tail(10).mean() * 10)
