"""Demo data: official formats, deterministic, flagged as demo everywhere."""

import json

import pytest

from conftest import lancer
from territoire_data import catalogue, territoire
from territoire_data.demo import generer
from territoire_data.entrepot import ouvrir
from territoire_data.sources import SOURCES, lire_tout
from territoire_data.zan import trajectoire


def test_toutes_les_sources_presentes(home_demo, dans):
    dans(home_demo)
    manifeste = ouvrir().manifeste
    assert manifeste["demo"] is True
    # Every source with observations, except the ones published only as aggregates or copies.
    sans_demo = {"insee_dictionnaire", "insee_cog", "insee_comparateur_derive", "dvf_indicateurs_communes"}
    assert set(manifeste["sources"]) == {s.nom for s in SOURCES} - sans_demo
    for nom, source in manifeste["sources"].items():
        assert source["communes"] > 500, nom
    assert manifeste["ignores"] == []
    roles = {i["fichier"].rsplit("!", 1)[-1].rsplit("/", 1)[-1]: i["role"] for i in manifeste["references"]}
    assert set(roles) == {"meta_base_cc_comparateur.CSV", "v_commune_2026.csv"}


def test_indicateurs_de_bordeaux(home_demo, dans):
    dans(home_demo)
    table = territoire("33063").indicateurs()
    assert len(table) == len(catalogue.INDICATEURS) >= 45
    assert (table["status"] == "ok").sum() >= 55
    assert table.groupby("theme").size().min() >= 4
    assert set(table["theme"]) == set(catalogue.THEMES)
    assert (table.loc[table["status"] == "ok", "source"].notna()).all()


def test_drapeau_demo_partout(home_demo):
    sortie = lancer("indicateurs", "33063", "--json", home=home_demo)
    assert json.loads(sortie.stdout)["demo"] is True
    texte = lancer("indicateurs", "33063", "--theme", "logement", home=home_demo)
    assert "DONNÉES DE DÉMONSTRATION" in texte.stdout
    statut = lancer("data", "status", "--json", home=home_demo)
    assert json.loads(statut.stdout)["demo"] is True


def test_deterministe_quel_que_soit_le_perimetre(tmp_path, ref):
    seul = generer(tmp_path / "seul", ["33"])
    avec = generer(tmp_path / "avec", ["24", "33"])
    a = lire_tout([seul]).observations
    b = lire_tout([avec]).observations
    cle = ["code", "variable", "annee", "source"]
    a = a[a["code"].astype(str).str.startswith("33")].astype({"variable": str, "source": str}).sort_values(cle)
    b = b[b["code"].astype(str).str.startswith("33")].astype({"variable": str, "source": str}).sort_values(cle)
    communs = a.merge(b, on=cle, suffixes=("_a", "_b"))
    assert len(communs) > 10_000
    assert (communs["valeur_a"].fillna(-1) == communs["valeur_b"].fillna(-1)).all()


def test_derivee_de_la_population_reelle(home_demo, dans, ref):
    dans(home_demo)
    population = ouvrir().matrice["population"]
    reelle = ref.communes["population_municipale"].astype(float)
    communes = population.index.intersection(reelle.index)
    rapport = population[communes] / reelle[communes]
    assert rapport.median() == pytest.approx(1.0, abs=0.05)
    assert population["33063"] > 200_000 and population["dep:33"] > 1_400_000


def test_zan_de_la_demo(home_demo, dans):
    dans(home_demo)
    zan = territoire("33063").zan()
    assert zan["disponible"]
    assert zan["enveloppe_2021_2030_ha"] == pytest.approx(zan["reference_2011_2020_ha"] / 2)
    assert zan["restant_ha"] == pytest.approx(zan["enveloppe_2021_2030_ha"] - zan["consomme_depuis_2021_ha"])
    # A group's reference is the sum of its communes' flows.
    gironde = territoire("dep:33").zan()
    flux = ouvrir().observations(variable="NAF_ART")
    flux = flux[flux["code"].astype(str).str.match(r"^33\d{3}$") & flux["annee"].between(2011, 2020)]
    assert gironde["reference_2011_2020_ha"] == pytest.approx(flux["valeur"].sum() / 10_000)
    scot = trajectoire("scot:SCoT 33")
    assert scot["reference_2011_2020_ha"] == pytest.approx(gironde["reference_2011_2020_ha"])
    plancher = trajectoire(territoire("33063"), rythme_ha_an=0.0, plancher_1ha=True)
    assert plancher["projection_2031_ha"] == pytest.approx(plancher["consomme_depuis_2021_ha"])


def test_dynamique_et_annees_disponibles(home_demo, dans):
    dans(home_demo)
    table = territoire("33063").indicateurs().set_index("id")
    population = table.loc["population"]
    assert (population["first_year"], population["year"]) == (2016, 2022)
    attendu = 100 * ((population["value"] / population["first_value"]) ** (1 / 6) - 1)
    assert population["annual_rate"] == pytest.approx(attendu)
    assert population["change"] == pytest.approx(population["value"] - population["first_value"])
    from territoire_data.catalogue import tableau

    annees = tableau(ouvrir()).set_index("id")["years"]
    assert annees["population"] == [2016, 2022]
    assert annees["logements_autorises"] == list(range(2015, 2025))


def test_cli_themes_pairs_et_erreurs(home_demo):
    sortie = lancer("indicateurs", "33063", "--theme", "foncier", "--pairs", "departement", "--json", home=home_demo)
    donnees = json.loads(sortie.stdout)
    assert {i["theme"] for i in donnees["indicators"]} == {"foncier"}
    assert {i["peers"]["group"] for i in donnees["indicators"]} == {"departement"}
    liste = json.loads(lancer("indicateurs", "33063", "--pairs", "liste:33281,33318", "--json", home=home_demo).stdout)
    effectifs = [i["peers"]["n"] for i in liste["indicators"] if i["status"] == "ok"]
    assert max(effectifs) == 3 and sum(n == 3 for n in effectifs) > 50  # a peer may lack a value
    groupe = json.loads(lancer("indicateurs", "dep:33", "--json", home=home_demo).stdout)
    assert groupe["territory"]["level"] == "departement"
    assert {i["peers"]["group"] for i in groupe["indicators"]} == {"niveau"}
    for args in (("--theme", "inexistant"), ("--pairs", "voisins"), ("--pairs", "liste:99999")):
        erreur = lancer("indicateurs", "33063", *args, home=home_demo)
        assert erreur.returncode == 2 and erreur.stderr.startswith("Erreur : ") and "Traceback" not in erreur.stderr
    statut = lancer("data", "status", home=home_demo)
    assert statut.returncode == 0 and "sdes_sitadel" in statut.stdout and "DÉMONSTRATION" in statut.stdout


def test_departement_inconnu_pour_la_demo(home_demo):
    sortie = lancer("data", "demo", "--departements", "33,999", home=home_demo)
    assert sortie.returncode == 2 and "999" in sortie.stderr
