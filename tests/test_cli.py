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
