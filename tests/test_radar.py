"""Radar foncier: synthetic scenarios with known answers, the real cadastre of Saint-Martial, access."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from conftest import home_with_referential, run_cli
from shapely.geometry import LineString, box

from territoire_data.demo import cadastre_folder
from territoire_data.radar.method import Parameters, envelope, infill_plots

L93 = 2154


def _district(*, empty=(2, 2), light_alone=None):
    """A 5 × 5 block of 30 m × 30 m parcels with a house on each, except ``empty`` (and the
    parcel ``light_alone`` which only holds a light building), plus far parcels."""
    parcels, buildings = [], []
    for i in range(5):
        for j in range(5):
            x, y = 1_000 + 30 * i, 1_000 + 30 * j
            parcels.append({"id": f"P{i}{j}", "geometry": box(x, y, x + 30, y + 30)})
            if (i, j) == empty:
                continue
            type_ = "02" if (i, j) == light_alone else "01"
            buildings.append({"type": type_, "geometry": box(x + 10, y + 10, x + 20, y + 20)})
    parcels.append({"id": "ISOLEE", "geometry": box(5_000, 5_000, 5_030, 5_030)})  # far from everything
    parcels.append({"id": "PETITE", "geometry": box(1_150, 1_000, 1_165, 1_015)})  # 225 m², in the block
    return (gpd.GeoDataFrame(parcels, crs=L93), gpd.GeoDataFrame(buildings, crs=L93))


def test_empty_parcel_in_built_block_is_found():
    parcels, buildings = _district()
    plots, env = infill_plots(parcels, buildings)
    assert plots["id"].tolist() == ["P22"]
    assert len(env) == 1 and env["buildings"].iloc[0] == 24
    line = plots.iloc[0]
    assert line["built_share"] == 0 and line["envelope_share"] >= 0.8 and line["area_m2"] == 900
    assert "dans l'enveloppe urbaine" in line["reasons"] and not line["green_network_conflict"]


def test_isolated_and_too_small_are_not_found():
    parcels, buildings = _district()
    plots, _ = infill_plots(parcels, buildings)
    assert "ISOLEE" not in set(plots["id"]) and "PETITE" not in set(plots["id"])
    # With a lower minimum area the small one inside the block appears: the threshold is what excluded it.
    assert "PETITE" in set(infill_plots(parcels, buildings, Parameters(min_area_m2=200, min_width_m=8))[0]["id"])


def test_corridor_flags_or_excludes():
    parcels, buildings = _district()
    corridor = gpd.GeoDataFrame(geometry=[LineString([(1_075, 900), (1_075, 1_200)]).buffer(3)], crs=L93)
    reported, _ = infill_plots(parcels, buildings, green_network=corridor)
    line = reported.set_index("id").loc["P22"]
    assert bool(line["green_network_conflict"]) and line["green_network_distance_m"] == 0
    assert "trame verte" in line["reasons"]
    without_conflict, _ = infill_plots(parcels, buildings)
    assert line["score"] < without_conflict.set_index("id").loc["P22", "score"]
    excluded, _ = infill_plots(parcels, buildings, Parameters(green_network="exclure"), green_network=corridor)
    assert "P22" not in set(excluded["id"])


def test_light_building_alone_does_not_make_parcel_built():
    parcels, buildings = _district(light_alone=(1, 1))
    found = set(infill_plots(parcels, buildings)[0]["id"])
    assert {"P22", "P11"} <= found
    assert "P11" not in set(infill_plots(parcels, buildings, Parameters(count_light_buildings=True))[0]["id"])


def test_plu_and_exclusions():
    parcels, buildings = _district()
    plu = gpd.GeoDataFrame({"typezone": ["N"]}, geometry=[box(1_050, 1_050, 1_100, 1_100)], crs=L93)
    assert infill_plots(parcels, buildings, plu=plu)[0].empty  # a natural zone excludes
    plu_u = gpd.GeoDataFrame({"typezone": ["Ub"]}, geometry=[box(900, 900, 1_200, 1_200)], crs=L93)
    zone_u, _ = infill_plots(parcels, buildings, plu=plu_u)
    assert zone_u["plu_zone"].tolist() == ["U"]
    assert zone_u["score"].iloc[0] > infill_plots(parcels, buildings)[0]["score"].iloc[0]
    water = gpd.GeoDataFrame(geometry=[box(1_060, 1_060, 1_090, 1_090)], crs=L93)
    assert infill_plots(parcels, buildings, exclusions=[water])[0].empty


def test_envelope_without_small_clusters():
    parcels, buildings = _district()
    closed = gpd.GeoDataFrame(
        {"type": ["01", "01"]}, geometry=[box(8_000, 8_000, 8_010, 8_010), box(8_020, 8_000, 8_030, 8_010)], crs=L93
    )
    env = envelope(gpd.GeoDataFrame(__import__("pandas").concat([buildings, closed]), crs=L93), Parameters())
    assert len(env) == 1  # two buildings are a farm, not a built-up area


@pytest.fixture(scope="module")
def home_radar(tmp_path_factory, home, ref):
    folder = home_with_referential(tmp_path_factory, home, "home-radar")
    for command in (
        ["db", "upgrade"],
        ["users", "add", "maire", "--role", "elu", "--territoire", "33440"],
        ["users", "add", "services", "--role", "agent", "--territoire", "dep:33"],
        ["users", "add", "promoteur", "--role", "entreprise", "--territoire", "33440"],
        ["users", "add", "elu.voisin", "--role", "elu", "--territoire", "33063"],
    ):
        assert run_cli(*command, home=folder).returncode == 0
    return folder


CADASTRE_FOLDER = cadastre_folder()  # Saint-Martial (33440), real Etalab cadastre, gzipped as served


def _radar(home, login, output, *extra):
    return run_cli(
        "radar",
        "33440",
        "--as",
        login,
        "--parcelles",
        str(CADASTRE_FOLDER / "cadastre-33440-parcelles.json.gz"),
        "--batiments",
        str(CADASTRE_FOLDER / "cadastre-33440-batiments.json.gz"),
        "--out",
        str(output),
        "--json",
        *extra,
        home=home,
    )


def test_saint_martial_real_cadastre(home_radar, tmp_path):
    output = tmp_path / "radar.gpkg"
    result = _radar(home_radar, "maire", output)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    # Documented figures (README): 1,016 parcels, 212 hard buildings → 11 built-up areas (33.9 ha),
    # 33 infill plots (3.4 ha). Plausibility bounds rather than exact counts (the method may be tuned).
    assert 15 <= summary["plots"] <= 60 and 1 <= summary["hectares"] <= 8
    plots = gpd.read_file(output, layer="dents_creuses")
    env = gpd.read_file(output, layer="enveloppe_urbaine")
    buildings = gpd.read_file("/vsigzip/" + str(CADASTRE_FOLDER / "cadastre-33440-batiments.json.gz")).to_crs(L93)
    hard = buildings[buildings["type"] == "01"]
    assert plots.crs.to_epsg() == L93 and plots["id"].str.match(r"^33440\d{3}[A-Z]{2}\d{4}$").all()
    # Each plot named as on the cadastral plan: « section ZH n° 19 » for 33440000ZH0019.
    expected = (
        "section " + plots["id"].str[8:10].str.lstrip("0") + " n° " + plots["id"].str[10:].astype(int).astype(str)
    )
    assert (plots["designation"] == expected).all()
    # Every plot is unbuilt and inside the envelope, checked again from the files.
    inside = gpd.overlay(plots[["id", "geometry"]], env[["geometry"]], how="intersection", keep_geom_type=True)
    share = inside.dissolve("id").area / plots.set_index("id").area
    assert (share.reindex(plots["id"]).fillna(0) >= 0.8 - 1e-6).all()
    built = gpd.overlay(plots[["id", "geometry"]], hard[["geometry"]], how="intersection", keep_geom_type=True)
    built_share = (built.dissolve("id").area / plots.set_index("id").area).reindex(plots["id"]).fillna(0)
    assert (built_share <= 0.05 + 1e-6).all()
    assert plots["surface_m2"].between(300, 10_000).all() and plots["score"].between(0, 100).all()
    assert _radar(home_radar, "services", tmp_path / "agent.gpkg").returncode == 0  # agent of the département


@pytest.mark.parametrize("login", ["promoteur", "elu.voisin", "inconnu"])
def test_access_refused_without_file(home_radar, tmp_path, login):
    output = tmp_path / "refus.gpkg"
    result = _radar(home_radar, login, output)
    assert result.returncode == 2 and "réservé aux élus" in result.stderr
    assert not output.exists() and not list(tmp_path.iterdir())


@pytest.mark.notebooks
def test_radar_foncier_notebook(home_radar, use_home, tmp_path):
    import nbformat
    import papermill
    from conftest import ROOT

    use_home(home_radar)
    cadastre = CADASTRE_FOLDER
    output = tmp_path / "radar.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "radar_foncier.ipynb"),
        str(output),
        kernel_name="python3",
        progress_bar=False,
        parameters={
            "code": "33440",
            "login": "maire",
            "parcelles": str(cadastre / "cadastre-33440-parcelles.json.gz"),
            "batiments": str(cadastre / "cadastre-33440-batiments.json.gz"),
        },
    )
    text = json.dumps([c.get("outputs", []) for c in nbformat.read(output, as_version=4).cells], ensure_ascii=False)
    assert "potential_dwellings" in text and "33440000" in text
    with pytest.raises(papermill.PapermillExecutionError, match="réservé aux élus"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "radar_foncier.ipynb"),
            str(tmp_path / "refus.ipynb"),
            kernel_name="python3",
            progress_bar=False,
            parameters={
                "code": "33440",
                "login": "promoteur",
                "parcelles": str(cadastre / "cadastre-33440-parcelles.json.gz"),
                "batiments": str(cadastre / "cadastre-33440-batiments.json.gz"),
            },
        )


def test_radar_layer_of_the_dashboard(home_radar, use_home):
    import shutil

    from territoire_data import default_workspace
    from widgets import RadarPanel, State, WorkspaceRadar

    class Communes:
        demo = False

        def territory(self, code):
            return default_workspace().territory(code)

    use_home(home_radar)
    (home_radar / "cadastre").mkdir(exist_ok=True)
    for layer in ("parcelles", "batiments", "sections", "lieux_dits"):
        shutil.copy(CADASTRE_FOLDER / f"cadastre-33440-{layer}.json.gz", home_radar / "cadastre")
    state = State(Communes())
    state.choose("33440")
    panel = RadarPanel(state, WorkspaceRadar(default_workspace()))
    panel.login = "promoteur"
    assert panel.layout.display == "none"  # a company does not see the layer
    panel._run()  # nor can it run it by a forged message: the store refuses
    assert panel.result is None and "réservé aux élus" in panel.output.value
    panel.login = "maire"
    assert panel.layout.display is None
    panel._run()
    assert panel.result["summary"]["plots"] == len(panel.layer.data["features"]) > 0
    assert 'download="radar_33440.gpkg"' in panel.output.value and "dents creuses" in panel.output.value
    summary = panel.result["summary"]
    # Decision-ready: the density fits the commune (density grid), the need is its own pace.
    assert "grille de densité" in summary["density_basis"] and "Densité retenue" in panel.output.value
    expected = "non estimé" if summary["housing_need"] is None else "logements commencés par an"
    assert expected in summary["need_basis"] and "Hypothèses" in panel.output.value
    if summary["need_covered_share"] and summary["need_covered_share"] > 100:
        assert "n'ont pas à être ouvertes" in panel.output.value
    # Every plot listed, page by page, with its count; id, area, score and reasons apart.
    plots = panel.result["plots"]
    seen = []
    while True:
        seen += re.findall(
            r"<tr><td>[^<]+(?:<div class='ti-lieu-dit'>[^<]+</div>)?<div class='ti-note'>([^<]+)</div></td>"
            r"<td class='ti-chiffre'>",
            panel.table.value,
        )
        assert f"sur {len(plots)}" in panel.table.value
        if panel.next.disabled:
            break
        panel.next.click()
    assert seen == [str(i) for i in plots["id"]]
    last = plots.iloc[-1]  # on the last page: named as on the cadastral plan, its lieu-dit, its id below
    assert last["label"].startswith("section ") and last["lieu_dit"]
    assert (
        f"<td>{last['label']}<div class='ti-lieu-dit'>lieu-dit {last['lieu_dit']}</div>"
        f"<div class='ti-note'>{last['id']}<" in panel.table.value
    )
    # Without a basemap the map carries the cadastre's own landmarks: parcel outlines (the
    # streets between them), the sections dashed and named, the lieux-dits named.
    assert panel.parcel_outlines.data["features"] and panel.sections.data["features"]
    written = [m.icon.html for m in panel.labels.layers]
    assert any(">Section ZH<" in h for h in written) and any(f">{last['lieu_dit']}<" in h for h in written)
    assert all(not m.draggable for m in panel.labels.layers)
    assert "compacité" not in panel.table.value and "forme" in panel.table.value
    # The map moves to the plots (a village's plots: street level), buildings drawn under them.
    from widgets.radar import framing

    assert panel.buildings.data["features"]
    west, south, east, north = plots.to_crs(4326).total_bounds
    (lat, lon), zoom = framing((west, south, east, north))
    assert south <= lat <= north and west <= lon <= east and zoom >= 14


def test_cadastre_downloaded_by_code(home_radar, tmp_path):
    """Without files, the cadastre is fetched by code (served here over real HTTP on 127.0.0.1)."""
    import http.server
    import shutil
    import threading
    from functools import partial

    shutil.rmtree(home_radar / "cadastre", ignore_errors=True)  # nothing in the home: downloaded
    root = tmp_path / "miroir"
    folder = root / "33" / "33440"
    folder.mkdir(parents=True)
    for layer in ("parcelles", "batiments", "sections"):  # the mirror lacks the lieux-dits
        (folder / f"cadastre-33440-{layer}.json.gz").write_bytes(
            (CADASTRE_FOLDER / f"cadastre-33440-{layer}.json.gz").read_bytes()
        )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {"TERRITOIRE_CADASTRE_URL": f"http://127.0.0.1:{server.server_address[1]}"}
        output = run_cli(
            "radar", "33440", "--as", "maire", "--out", str(tmp_path / "r.gpkg"), "--json", home=home_radar, env=env
        )
        assert output.returncode == 0, output.stderr
        answer = json.loads(output.stdout)
        assert answer["plots"] > 0
        assert (home_radar / "downloads" / "cadastre" / "cadastre-33440-parcelles.json.gz").is_file()
        assert (home_radar / "downloads" / "cadastre" / "cadastre-33440-sections.json.gz").is_file()
        # A layer the mirror does not have: the plots stay, the reason is given.
        assert [m for m in answer["places_missing"] if m.startswith("Lieux-dits du cadastre non disponibles")]
        plots = gpd.read_file(tmp_path / "r.gpkg", layer="dents_creuses")
        assert (plots["lieu_dit"].fillna("") == "").all() and plots["designation"].str.startswith("section ").all()
        other_commune = run_cli(
            "radar", "33441", "--as", "maire", "--out", str(tmp_path / "x.gpkg"), home=home_radar, env=env
        )
        assert other_commune.returncode == 2 and not (tmp_path / "x.gpkg").exists()  # no right there: no download
    finally:
        server.shutdown()


def test_unreadable_layer_is_a_french_error(home_radar, tmp_path):
    """A damaged cadastre file names itself in French (exit 2), no traceback."""
    broken = tmp_path / "cadastre-33440-parcelles.json"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    output = run_cli(
        "radar",
        "33440",
        "--as",
        "maire",
        "--parcelles",
        str(broken),
        "--batiments",
        str(CADASTRE_FOLDER / "cadastre-33440-batiments.json.gz"),
        "--out",
        str(tmp_path / "r.gpkg"),
        home=home_radar,
    )
    assert output.returncode == 2, output.stderr
    assert "Parcelles illisible" in output.stderr and str(broken) in output.stderr
    assert "Traceback" not in output.stderr and not (tmp_path / "r.gpkg").exists()


def test_density_and_need_fit_the_commune(home_demo):
    """Saint-Martial (a village): the density comes from its density-grid level, the need from its
    own recent construction pace, and a potential above the need is said to be one."""
    from territoire_data.radar.method import DWELLINGS_PER_HA, density_for, housing_need_assumptions, summary
    from territoire_data.workspace import Workspace

    warehouse = Workspace(home_demo).warehouse
    level = int(warehouse.density_classes.at["33440"])
    per_ha, basis = density_for("33440", warehouse)
    assert per_ha == DWELLINGS_PER_HA[level] and f"niveau {level} sur 7" in basis
    assert density_for("33063", warehouse)[0] > per_ha  # Bordeaux builds denser than a village
    need = housing_need_assumptions("33440", warehouse)
    series = warehouse.series_of("33440", "logements_commences")
    recent = series[series["status"].astype(str) == "ok"].sort_values("year").tail(5)
    assert need["per_year"] == pytest.approx(recent["value"].astype(float).mean())
    assert need["need"] == pytest.approx(need["per_year"] * need["years_to_2031"])
    assert need["last_year"] + need["years_to_2031"] + 1 == 2031
    plots = gpd.GeoDataFrame({"area_m2": [20_000.0], "green_network_conflict": [False]}, geometry=[None])
    from territoire_data.radar.method import Parameters

    text = summary(plots, Parameters(dwellings_per_ha=per_ha), need["need"], need_basis=need)
    assert text["potential_dwellings"] == round(2 * per_ha)
    if text["need_covered_share"] > 100:
        assert "dépasse le besoin estimé" in text["reading"]
    assert f"{need['first_year']} à {need['last_year']}" in text["need_basis"]


def test_each_plot_carries_its_lieu_dit_from_the_real_cadastre(home_radar, tmp_path):
    """The lieu-dit of every plot of Saint-Martial, checked against the real Etalab layer read
    independently (plain JSON and shapely): the lieu-dit polygon holding the plot's inner point,
    or the nearest within 150 m; written in the GeoPackage as the cadastre spells it."""
    import gzip
    import shutil

    import shapely
    from shapely.geometry import shape

    (home_radar / "cadastre").mkdir(exist_ok=True)
    for layer in ("parcelles", "batiments", "sections", "lieux_dits"):
        shutil.copy(CADASTRE_FOLDER / f"cadastre-33440-{layer}.json.gz", home_radar / "cadastre")
    output = tmp_path / "lieux.gpkg"
    result = run_cli("radar", "33440", "--as", "maire", "--out", str(output), "--json", home=home_radar)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["places_missing"] == []
    plots = gpd.read_file(output, layer="dents_creuses").to_crs(4326)
    with gzip.open(CADASTRE_FOLDER / "cadastre-33440-lieux_dits.json.gz", "rt", encoding="utf-8") as source:
        places = [(f["properties"]["nom"], shape(f["geometry"])) for f in json.load(source)["features"]]
    assert plots["lieu_dit"].fillna("").str.len().gt(0).mean() >= 0.9  # nearly every plot is in a lieu-dit
    for point, name in zip(plots.geometry.representative_point(), plots["lieu_dit"].fillna("")):
        holding = [n for n, polygon in places if polygon.contains(point)]
        if holding:
            assert name in holding, (name, holding)
        elif name:  # outside every polygon: the nearest, within 150 m (≈ 0.0019° of latitude here)
            nearest = min(places, key=lambda item: item[1].distance(point))
            assert name == nearest[0] and shapely.distance(nearest[1], point) < 0.0025
    assert set(plots["lieu_dit"].dropna()) <= {n for n, _ in places}  # spelt as on the plan (capitals)
