"""Radar foncier: synthetic scenarios with known answers, the real cadastre of Saint-Martial, access."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from conftest import DONNEES, home_avec_referentiel, lancer
from territoire_data.radar.methode import Parametres, dents_creuses, enveloppe

L93 = 2154


def _quartier(*, vide=(2, 2), leger_seul=None):
    """A 5 × 5 block of 30 m × 30 m parcels with a house on each, except ``vide`` (and the
    parcel ``leger_seul`` which only holds a light building), plus far parcels."""
    parcelles, batiments = [], []
    for i in range(5):
        for j in range(5):
            x, y = 1_000 + 30 * i, 1_000 + 30 * j
            parcelles.append({"id": f"P{i}{j}", "geometry": box(x, y, x + 30, y + 30)})
            if (i, j) == vide:
                continue
            type_ = "02" if (i, j) == leger_seul else "01"
            batiments.append({"type": type_, "geometry": box(x + 10, y + 10, x + 20, y + 20)})
    parcelles.append({"id": "ISOLEE", "geometry": box(5_000, 5_000, 5_030, 5_030)})       # far from everything
    parcelles.append({"id": "PETITE", "geometry": box(1_150, 1_000, 1_165, 1_015)})        # 225 m², in the block
    return (gpd.GeoDataFrame(parcelles, crs=L93), gpd.GeoDataFrame(batiments, crs=L93))


def test_une_parcelle_vide_dans_un_ilot_bati_est_trouvee():
    parcelles, batiments = _quartier()
    plots, env = dents_creuses(parcelles, batiments)
    assert plots["id"].tolist() == ["P22"]
    assert len(env) == 1 and env["batiments"].iloc[0] == 24
    ligne = plots.iloc[0]
    assert ligne["part_batie"] == 0 and ligne["part_enveloppe"] >= 0.8 and ligne["surface_m2"] == 900
    assert "dans l'enveloppe urbaine" in ligne["raisons"] and not ligne["conflit_trame_verte"]


def test_isolee_et_trop_petite_ne_sont_pas_trouvees():
    parcelles, batiments = _quartier()
    plots, _ = dents_creuses(parcelles, batiments)
    assert "ISOLEE" not in set(plots["id"]) and "PETITE" not in set(plots["id"])
    # With a lower minimum area the small one inside the block appears: the threshold is what excluded it.
    assert "PETITE" in set(dents_creuses(parcelles, batiments, Parametres(surface_min_m2=200, largeur_min_m=8))[0]["id"])


def test_un_corridor_signale_ou_exclut():
    parcelles, batiments = _quartier()
    corridor = gpd.GeoDataFrame(geometry=[LineString([(1_075, 900), (1_075, 1_200)]).buffer(3)], crs=L93)
    signales, _ = dents_creuses(parcelles, batiments, trame_verte=corridor)
    ligne = signales.set_index("id").loc["P22"]
    assert bool(ligne["conflit_trame_verte"]) and ligne["distance_trame_verte_m"] == 0
    assert "trame verte" in ligne["raisons"]
    sans_conflit, _ = dents_creuses(parcelles, batiments)
    assert ligne["score"] < sans_conflit.set_index("id").loc["P22", "score"]
    exclus, _ = dents_creuses(parcelles, batiments, Parametres(trame_verte="exclure"), trame_verte=corridor)
    assert "P22" not in set(exclus["id"])


def test_un_batiment_leger_seul_ne_rend_pas_la_parcelle_batie():
    parcelles, batiments = _quartier(leger_seul=(1, 1))
    trouvees = set(dents_creuses(parcelles, batiments)[0]["id"])
    assert {"P22", "P11"} <= trouvees
    assert "P11" not in set(dents_creuses(parcelles, batiments, Parametres(bati_leger=True))[0]["id"])


def test_plu_et_exclusions():
    parcelles, batiments = _quartier()
    plu = gpd.GeoDataFrame({"typezone": ["N"]}, geometry=[box(1_050, 1_050, 1_100, 1_100)], crs=L93)
    assert dents_creuses(parcelles, batiments, plu=plu)[0].empty  # a natural zone excludes
    plu_u = gpd.GeoDataFrame({"typezone": ["Ub"]}, geometry=[box(900, 900, 1_200, 1_200)], crs=L93)
    zone_u, _ = dents_creuses(parcelles, batiments, plu=plu_u)
    assert zone_u["zone_plu"].tolist() == ["U"]
    assert zone_u["score"].iloc[0] > dents_creuses(parcelles, batiments)[0]["score"].iloc[0]
    eau = gpd.GeoDataFrame(geometry=[box(1_060, 1_060, 1_090, 1_090)], crs=L93)
    assert dents_creuses(parcelles, batiments, exclusions=[eau])[0].empty


def test_enveloppe_sans_petits_amas():
    parcelles, batiments = _quartier()
    ferme = gpd.GeoDataFrame({"type": ["01", "01"]}, geometry=[box(8_000, 8_000, 8_010, 8_010),
                                                                 box(8_020, 8_000, 8_030, 8_010)], crs=L93)
    env = enveloppe(gpd.GeoDataFrame(__import__("pandas").concat([batiments, ferme]), crs=L93), Parametres())
    assert len(env) == 1  # two buildings are a farm, not a built-up area


@pytest.fixture(scope="module")
def home_radar(tmp_path_factory, home, ref):
    dossier = home_avec_referentiel(tmp_path_factory, home, "home-radar")
    for commande in (["db", "upgrade"], ["users", "add", "maire", "--role", "elu", "--territoire", "33440"],
                     ["users", "add", "services", "--role", "agent", "--territoire", "dep:33"],
                     ["users", "add", "promoteur", "--role", "entreprise", "--territoire", "33440"],
                     ["users", "add", "elu.voisin", "--role", "elu", "--territoire", "33063"]):
        assert lancer(*commande, home=dossier).returncode == 0
    return dossier


CADASTRE = DONNEES / "cadastre"  # Saint-Martial (33440), real Etalab cadastre, gzipped as served


def _radar(home, login, sortie, *extra):
    return lancer("radar", "33440", "--as", login, "--parcelles", str(CADASTRE / "cadastre-33440-parcelles.json.gz"),
                  "--batiments", str(CADASTRE / "cadastre-33440-batiments.json.gz"), "--out", str(sortie), "--json",
                  *extra, home=home)


def test_saint_martial_cadastre_reel(home_radar, tmp_path):
    sortie = tmp_path / "radar.gpkg"
    resultat = _radar(home_radar, "maire", sortie)
    assert resultat.returncode == 0, resultat.stderr
    synthese = json.loads(resultat.stdout)
    # Documented figures (README): 1,016 parcels, 212 hard buildings → 11 built-up areas (33.9 ha),
    # 33 infill plots (3.4 ha). Plausibility bounds rather than exact counts (the method may be tuned).
    assert 15 <= synthese["parcelles"] <= 60 and 1 <= synthese["hectares"] <= 8
    plots = gpd.read_file(sortie, layer="dents_creuses")
    env = gpd.read_file(sortie, layer="enveloppe_urbaine")
    batiments = gpd.read_file("/vsigzip/" + str(CADASTRE / "cadastre-33440-batiments.json.gz")).to_crs(L93)
    durs = batiments[batiments["type"] == "01"]
    assert plots.crs.to_epsg() == L93 and plots["id"].str.match(r"^33440\d{3}[A-Z]{2}\d{4}$").all()
    # Every plot is unbuilt and inside the envelope, checked again from the files.
    dans = gpd.overlay(plots[["id", "geometry"]], env[["geometry"]], how="intersection", keep_geom_type=True)
    part = dans.dissolve("id").area / plots.set_index("id").area
    assert (part.reindex(plots["id"]).fillna(0) >= 0.8 - 1e-6).all()
    bati = gpd.overlay(plots[["id", "geometry"]], durs[["geometry"]], how="intersection", keep_geom_type=True)
    part_batie = (bati.dissolve("id").area / plots.set_index("id").area).reindex(plots["id"]).fillna(0)
    assert (part_batie <= 0.05 + 1e-6).all()
    assert plots["surface_m2"].between(300, 10_000).all() and plots["score"].between(0, 100).all()
    assert _radar(home_radar, "services", tmp_path / "agent.gpkg").returncode == 0  # agent of the département


@pytest.mark.parametrize("login", ["promoteur", "elu.voisin", "inconnu"])
def test_acces_refuse_sans_fichier(home_radar, tmp_path, login):
    sortie = tmp_path / "refus.gpkg"
    resultat = _radar(home_radar, login, sortie)
    assert resultat.returncode == 2 and "réservé aux élus" in resultat.stderr
    assert not sortie.exists() and not list(tmp_path.iterdir())


@pytest.mark.notebooks
def test_carnet_radar_foncier(home_radar, dans, tmp_path):
    import nbformat
    import papermill

    from conftest import RACINE

    dans(home_radar)
    cadastre = CADASTRE
    sortie = tmp_path / "radar.ipynb"
    papermill.execute_notebook(str(RACINE / "notebooks" / "radar_foncier.ipynb"), str(sortie), kernel_name="python3",
                               progress_bar=False, parameters={
                                   "code": "33440", "login": "maire",
                                   "parcelles": str(cadastre / "cadastre-33440-parcelles.json.gz"),
                                   "batiments": str(cadastre / "cadastre-33440-batiments.json.gz")})
    texte = json.dumps([c.get("outputs", []) for c in nbformat.read(sortie, as_version=4).cells], ensure_ascii=False)
    assert "logements_potentiels" in texte and "33440000" in texte
    with pytest.raises(papermill.PapermillExecutionError, match="réservé aux élus"):
        papermill.execute_notebook(str(RACINE / "notebooks" / "radar_foncier.ipynb"), str(tmp_path / "refus.ipynb"),
                                   kernel_name="python3", progress_bar=False, parameters={
                                       "code": "33440", "login": "promoteur",
                                       "parcelles": str(cadastre / "cadastre-33440-parcelles.json.gz"),
                                       "batiments": str(cadastre / "cadastre-33440-batiments.json.gz")})


def test_couche_radar_du_tableau_de_bord(home_radar, dans):
    import shutil

    from widgets import Etat, RadarPanel

    class Communes:
        demo = False

        def territoire(self, code):
            from territoire_data.territoires import territoire

            return territoire(code)

    dans(home_radar)
    (home_radar / "cadastre").mkdir(exist_ok=True)
    for couche in ("parcelles", "batiments"):
        shutil.copy(CADASTRE / f"cadastre-33440-{couche}.json.gz", home_radar / "cadastre")
    etat = Etat(Communes())
    etat.choisir("33440")
    panneau = RadarPanel(etat)
    panneau.login = "promoteur"
    assert panneau.layout.display == "none"  # a company does not see the layer
    panneau._lancer()  # nor can it run it by a forged message: the store refuses
    assert panneau.resultat is None and "réservé aux élus" in panneau.sortie.value
    panneau.login = "maire"
    assert panneau.layout.display is None
    panneau._lancer()
    assert panneau.resultat["synthese"]["parcelles"] == len(panneau.couche.data["features"]) > 0
    assert 'download="radar_33440.gpkg"' in panneau.sortie.value and "dent(s) creuse(s)" in panneau.sortie.value


def test_cadastre_telecharge_par_code(home_radar, tmp_path):
    """Without files, the cadastre is fetched by code (served here over real HTTP on 127.0.0.1)."""
    import http.server
    import threading
    from functools import partial

    racine = tmp_path / "miroir"
    dossier = racine / "33" / "33440"
    dossier.mkdir(parents=True)
    for couche in ("parcelles", "batiments"):
        (dossier / f"cadastre-33440-{couche}.json.gz").write_bytes((CADASTRE / f"cadastre-33440-{couche}.json.gz")
                                                                   .read_bytes())
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(http.server.SimpleHTTPRequestHandler,
                                                                        directory=str(racine)))
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    try:
        env = {"TERRITOIRE_URL_CADASTRE": f"http://127.0.0.1:{serveur.server_address[1]}"}
        sortie = lancer("radar", "33440", "--as", "maire", "--out", str(tmp_path / "r.gpkg"), "--json",
                        home=home_radar, env=env)
        assert sortie.returncode == 0, sortie.stderr
        assert json.loads(sortie.stdout)["parcelles"] > 0
        assert (home_radar / "telechargements" / "cadastre" / "cadastre-33440-parcelles.json.gz").is_file()
        autre_commune = lancer("radar", "33441", "--as", "maire", "--out", str(tmp_path / "x.gpkg"), home=home_radar,
                            env=env)
        assert autre_commune.returncode == 2 and not (tmp_path / "x.gpkg").exists()  # no right there: no download
    finally:
        serveur.shutdown()
