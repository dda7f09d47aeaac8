"""The warehouse built from real published files.

Most tests run on the real extracts of ``tests/donnees`` (comparateur 2022 on the COG 2021,
Filosofi 2021, COG 2026, Etalab's découpage): figures checked against values computed by
hand from the same lines. The last one builds France, every département and every région from
the national comparateur (``tests/donnees/national``: every commune, the
columns it needs).
"""

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import TEST_DATA, run_cli

from territoire_data import open_warehouse, territory
from territoire_data.core.warehouse import build_warehouse
from territoire_data.sources import read_all

COMPARATEUR_FILE = TEST_DATA / "insee_comparateur" / "base_cc_comparateur.CSV"
FILOSOFI_VARIABLES = TEST_DATA / "insee_filosofi" / "cc_filosofi_2021_COM.csv"


def comparateur() -> pd.DataFrame:
    return pd.read_csv(COMPARATEUR_FILE, sep=";", dtype=str, keep_default_na=False).set_index("CODGEO")


def line(code, indicator):
    return open_warehouse().rows(code).loc[indicator]


def value(code, indicator):
    x = line(code, indicator)
    return x["value"], x["status"], int(x["year"])


def observation(code, variable, year):
    obs = open_warehouse().observations(code=code, variable=variable)
    return obs[obs["year"] == year].iloc[0]


def test_bordeaux_comparateur_2022(home_real, use_home):
    use_home(home_real)
    assert value("33063", "population") == (257_068, "ok", 2018)
    unemployment, status, year = value("33063", "taux_chomage_15_64")
    assert round(unemployment, 2) == 14.47 and year == 2018
    assert round(value("33063", "part_logements_vacants")[0], 2) == 6.93


def test_bordeaux_filosofi_2021(home_real, use_home):
    use_home(home_real)
    assert value("33063", "revenu_median") == (24_870, "ok", 2021)
    assert value("33063", "taux_pauvrete") == (17.0, "ok", 2021)


def test_secret_filosofi_s_is_secret_not_zero(home_real, use_home):
    use_home(home_real)
    filo = pd.read_csv(FILOSOFI_VARIABLES, sep=";", dtype=str)
    code = filo.loc[(filo["TP6021"] == "s") & (filo["MED21"] != "s"), "CODGEO"].iloc[0]
    x = observation(code, "TP60", 2021)
    assert x["status"] == "secret" and np.isnan(x["value"])


def test_comparateur_blank_secret_for_filosofi_not_covered_for_mayotte(home_real, use_home):
    use_home(home_real)
    comp = comparateur()
    code = comp.index[(comp["MED19"] == "") & ~comp.index.str.startswith("976")][0]
    assert observation(code, "MED", 2019)["status"] == "secret"
    # Mayotte: no census in 2018, no Filosofi: blanks of a whole département are not secrecy.
    for variable, year in (("P_POP", 2018), ("MED", 2019)):
        x = observation("97611", variable, year)
        assert (x["status"], x["reason"]) == ("missing", "not_covered")
    assert (line("dep:976", "population")["status"], line("dep:976", "population")["reason"]) == (
        "missing",
        "not_covered",
    )


def test_newest_value_secret_stays_secret(home_real, use_home):
    """33125: poverty rate secret in Filosofi 2021, published for 2019 in the comparateur."""
    use_home(home_real)
    x = line("33125", "taux_pauvrete")
    assert (x["status"], int(x["year"]), np.isnan(x["value"])) == ("secret", 2021, True)
    assert (int(x["previous_year"]), x["previous_value"]) == (2019, float(comparateur().at["33125", "TP6019"]))
    assert np.isnan(open_warehouse().matrix.at["33125", "taux_pauvrete"])  # never among the 2021 peers
    table = territory("33125").indicators(peers="departement").set_index("id")
    assert pd.isna(table.at["taux_pauvrete", "percentile"]) and table.at["taux_pauvrete", "previous_year"] == 2019


def test_gironde_sum_of_numerators(home_real, use_home):
    use_home(home_real)
    comp = pd.read_csv(COMPARATEUR_FILE, sep=";", dtype={"CODGEO": str})
    gironde = comp[comp["CODGEO"].str.startswith("33")]  # includes 33409, now part of 33008
    expected = 100 * gironde["P18_CHOM1564"].sum() / gironde["P18_ACT1564"].sum()
    unemployment, status, _ = value("dep:33", "taux_chomage_15_64")
    assert status == "ok" and unemployment == pytest.approx(expected)
    mean_rate = (100 * gironde["P18_CHOM1564"] / gironde["P18_ACT1564"]).mean()
    assert abs(unemployment - mean_rate) > 0.1  # a mean of rates would be wrong


def test_former_codes_attached_by_decoupage(home_real, use_home):
    """72287 merged into 72155 (2025), 27058 is now Les Trois Lacs (27676): nothing dropped."""
    use_home(home_real)
    comp = comparateur()
    manifest = open_warehouse().manifest
    assert not any("sans correspondance" in line for line in manifest["log"])
    population, status, year = value("72155", "population")
    assert (round(population), status, year) == (4_379, "ok", 2018)
    assert population == pytest.approx(float(comp.at["72155", "P18_POP"]) + float(comp.at["72287", "P18_POP"]))
    sarthe = comp.loc[comp.index.str.startswith("72"), "P18_POP"].astype(float).sum()
    assert round(value("dep:72", "population")[0]) == round(sarthe) == 565_963
    assert value("27676", "population")[0] == float(comp.at["27058", "P18_POP"])
    # A median of one member is not the merged commune's median.
    for indicator in ("revenu_median",):
        x = line("72155", indicator)
        assert (x["status"], x["reason"]) == ("missing", "not_additive") and np.isnan(x["value"])


def test_restored_communes_and_former_territory(home_real, use_home):
    """15141 was published for Neussargues en Pinatelle, before Celles, Chalinargues, Chavagnac
    and Sainte-Anastasie were restored (2025): not 15141's own figure, but counted for Cantal."""
    use_home(home_real)
    comp = comparateur()
    parent = line("15141", "population")
    assert (parent["status"], parent["reason"]) == ("missing", "other_geography") and np.isnan(parent["value"])
    assert "15031" in parent["note"] and "avant le rétablissement" in parent["note"]
    for restored in ("15031", "15035", "15047", "15171"):
        x = line(restored, "population")
        assert (x["status"], x["reason"]) == ("missing", "included") and "15141" in x["note"]
    cantal = line("dep:15", "population")
    assert cantal["status"] == "ok" and not cantal["note"]  # complete: the former territory covers them
    assert cantal["value"] == pytest.approx(comp.loc[comp.index.str.startswith("15"), "P18_POP"].astype(float).sum())
    for code in ("60054", "85084"):  # restored out of in 2024: not in the extract's départements…
        assert open_warehouse().rows(code).empty or line(code, "population")["reason"] == "other_geography"


def test_json_strict_years_and_sources_null_without_value(home_real):
    output = run_cli("indicateurs", "15141", "--json", home=home_real)
    assert output.returncode == 0, output.stderr

    def refuse(constant):
        raise ValueError(f"JSON non strict : {constant}")

    data = json.loads(output.stdout, parse_constant=refuse)
    assert {i["id"] for i in data["indicators"]} >= {"population", "taux_chomage_15_64", "revenu_median"}
    for i in data["indicators"]:
        if i["value"] is None:
            assert i["year"] is None and i["source"] is None, i
    population = next(i for i in data["indicators"] if i["id"] == "population")
    assert population["reason"] == "other_geography" and "Celles" in population["note"]


def test_renamed_file_recognised(tmp_path):
    shutil.copy(FILOSOFI_VARIABLES, tmp_path / "export (3).dat")
    collection = read_all([tmp_path])
    assert [file_read.source for file_read in collection.files_read] == ["insee_filosofi"] and not collection.ignores


def test_cog_and_decoupage_files_recognised_as_references():
    collection = read_all([TEST_DATA / "insee_cog", TEST_DATA / "etalab_decoupage"])
    assert not collection.ignores and not collection.files_read
    roles = [role for _, role in collection.references]
    assert any("anciens codes" in r for r in roles) and any("déléguées" in r for r in roles)
    movements = collection.movements.set_index("old")["new"]
    assert movements["72287"] == "72155" and movements["27058"] == "27676"


def test_derived_copy_of_the_comparateur(home, ref, tmp_path_factory, use_home):
    """One line per postal code, delegated communes repeating their parent, zeros for Mayotte,
    Paris given by its arrondissements only: read as the real file is."""
    from conftest import home_with_referential

    folder = use_home(home_with_referential(tmp_path_factory, home, "home-derive"))
    raw = folder / "brut"
    raw.mkdir()
    shutil.copy(TEST_DATA / "comparateur_derive" / "communes.csv", raw)
    shutil.copy(TEST_DATA / "etalab_decoupage" / "communes.json", raw)
    build_warehouse([raw], folder)
    derived = pd.read_csv(TEST_DATA / "comparateur_derive" / "communes.csv", dtype=str)
    bordeaux = derived[derived["insee_com"] == "33063"].iloc[0]
    assert value("33063", "population") == (float(bordeaux["population_2021"]), "ok", 2021)
    arrondissements = derived[derived["commune_type"] == "ARM"].drop_duplicates("insee_com")
    paris = arrondissements[arrondissements["insee_com"].str.startswith("751")]["population_2021"].astype(int).sum()
    assert value("75056", "population")[0] == paris and value("75115", "population")[1] == "ok"
    mayotte = line("97611", "population")
    assert (mayotte["status"], mayotte["reason"]) == ("missing", "not_covered")  # a 0 there is no census
    assert line("15141", "population")["reason"] == "other_geography"  # COG 2024: before the 2025 restoration
    # Its postal codes: a commune's own, and those of its arrondissements for Paris and Marseille,
    # found by the national site's search.
    from territoire_data.reports import national, site
    from territoire_data.workspace import Workspace

    workspace = Workspace(folder)
    postal = workspace.warehouse.postal_codes
    assert postal["33063"] == ["33000", "33100", "33200", "33300", "33800"]
    assert postal["75056"] == [f"750{n:02d}" for n in range(1, 21)] + ["75116"]
    marseille = sorted(derived.loc[derived["insee_parente"] == "13055", "code_postal"].unique())
    assert postal["13055"] == marseille and "13201" not in postal
    # Saint-Genis-du-Bois (33409), merged into 33008 since the copy's geography: found under its new commune.
    assert "33760" in postal["33008"] and "33409" not in postal
    index = site.search_index(national.plan(workspace, ["33", "75"]), None, postal)
    rows = json.loads(index.removeprefix("const TERRITOIRES = ").rstrip().rstrip(";"))
    bordeaux = next(r for r in rows if r[3] == "communes/33/33063.html")
    assert " 33800" in f" {bordeaux[4]} " and " 33063" in f" {bordeaux[4]} "
    assert [r[3] for r in rows if " 75016 " in f" {r[4]} "] == ["communes/75/75056.html"]


# -- the national comparateur, every commune (a column extract in tests/donnees) ---------------


@pytest.fixture(scope="module")
def home_national(tmp_path_factory, home, ref):
    from conftest import home_with_referential

    folder = home_with_referential(tmp_path_factory, home, "home-national")
    build_warehouse([TEST_DATA / "national"], folder)
    return folder


@pytest.mark.slow
def test_all_real_files_read_france_departements_regions(home_national, ref, use_home):
    use_home(home_national)
    manifest = open_warehouse().manifest
    assert manifest["ignored"] == []  # every real file is read, or recognised for what it is
    assert not any("sans correspondance" in line for line in manifest["log"])
    france = line("france", "population")
    assert france["status"] == "ok" and "Mayotte" in france["note"]
    assert 66e6 < france["value"] < 68e6
    groups = [f"dep:{d}" for d in ref.departements.index if d != "976"] + [
        f"reg:{r}" for r in ref.regions.index if r != "06"
    ]
    for code in groups + ["france"]:
        for indicator in ("population", "taux_chomage_15_64", "logements"):
            x = line(code, indicator)
            assert x["status"] == "ok" and math.isfinite(x["value"]), (code, indicator, x["status"], x["reason"])
    assert line("dep:976", "population")["reason"] == "not_covered"
    # A région is the sum of its départements (both are sums of the same communes).
    departements_of = ref.departements.groupby("region")["code"].apply(list)
    for region, members in departements_of.items():
        if region == "06":
            continue
        total = sum(line(f"dep:{d}", "population")["value"] for d in members)
        assert line(f"reg:{region}", "population")["value"] == pytest.approx(total, rel=1e-12), region
