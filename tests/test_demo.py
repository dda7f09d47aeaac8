"""Demo data: official formats, deterministic, flagged as demo everywhere."""

import json

import pytest
from conftest import run_cli

from territoire_data import open_warehouse, territory
from territoire_data.core import catalogue
from territoire_data.core.zan import trajectory
from territoire_data.demo import generate
from territoire_data.sources import SOURCES, read_all


def test_all_sources_present(home_demo, use_home):
    use_home(home_demo)
    manifest = open_warehouse().manifest
    assert manifest["demo"] is True
    # Every source with observations, except the ones published only as aggregates or copies.
    # The SCoT list is a reference (perimeters, no observation): the demo's SCoT come from its Cerema file.
    without_demo = {
        "insee_dictionnaire",
        "insee_cog",
        "insee_comparateur_derive",
        "dvf_indicateurs_communes",
        "dgaln_scot",
    }
    assert set(manifest["sources"]) == {s.name for s in SOURCES} - without_demo
    for name, source in manifest["sources"].items():
        assert source["communes"] > 500, name
    assert manifest["ignored"] == []
    roles = {i["file"].rsplit("!", 1)[-1].rsplit("/", 1)[-1]: i["role"] for i in manifest["references"]}
    assert set(roles) == {"meta_base_cc_comparateur.CSV", "v_commune_2026.csv"}


def test_bordeaux_indicators(home_demo, use_home):
    use_home(home_demo)
    table = territory("33063").indicators()
    assert len(table) == len(catalogue.INDICATORS) >= 45
    assert (table["status"] == "ok").sum() >= 55
    assert table.groupby("theme").size().min() >= 4
    assert set(table["theme"]) == set(catalogue.THEMES)
    assert (table.loc[table["status"] == "ok", "source"].notna()).all()


def test_demo_flag_everywhere(home_demo):
    output = run_cli("indicateurs", "33063", "--json", home=home_demo)
    assert json.loads(output.stdout)["demo"] is True
    text = run_cli("indicateurs", "33063", "--theme", "logement", home=home_demo)
    assert "DONNÉES DE DÉMONSTRATION" in text.stdout
    status = run_cli("data", "status", "--json", home=home_demo)
    assert json.loads(status.stdout)["demo"] is True


def test_deterministic_whatever_the_scope(tmp_path, workspace):
    alone = generate(tmp_path / "seul", ["33"], workspace=workspace)
    with_ = generate(tmp_path / "avec", ["24", "33"], workspace=workspace)
    a = read_all([alone]).observations
    b = read_all([with_]).observations
    key = ["code", "variable", "year", "source"]
    a = a[a["code"].astype(str).str.startswith("33")].astype({"variable": str, "source": str}).sort_values(key)
    b = b[b["code"].astype(str).str.startswith("33")].astype({"variable": str, "source": str}).sort_values(key)
    common = a.merge(b, on=key, suffixes=("_a", "_b"))
    assert len(common) > 10_000
    assert (common["value_a"].fillna(-1) == common["value_b"].fillna(-1)).all()


def test_derived_from_real_population(home_demo, use_home, ref):
    use_home(home_demo)
    population = open_warehouse().matrix["population"]
    real = ref.communes["municipal_population"].astype(float)
    communes = population.index.intersection(real.index)
    report = population[communes] / real[communes]
    assert report.median() == pytest.approx(1.0, abs=0.05)
    assert population["33063"] > 200_000 and population["dep:33"] > 1_400_000


def test_zan_demo(home_demo, use_home):
    use_home(home_demo)
    zan = territory("33063").zan()
    assert zan["available"]
    assert zan["allowance_2021_2030_ha"] == pytest.approx(zan["reference_2011_2020_ha"] / 2)
    assert zan["remaining_ha"] == pytest.approx(zan["allowance_2021_2030_ha"] - zan["consumed_since_2021_ha"])
    # A group's reference is the sum of its communes' flows.
    gironde = territory("dep:33").zan()
    flows = open_warehouse().observations(variable="NAF_ART")
    flows = flows[flows["code"].astype(str).str.match(r"^33\d{3}$") & flows["year"].between(2011, 2020)]
    assert gironde["reference_2011_2020_ha"] == pytest.approx(flows["value"].sum() / 10_000)
    scot = trajectory("scot:SCoT 33", warehouse=open_warehouse())
    assert scot["reference_2011_2020_ha"] == pytest.approx(gironde["reference_2011_2020_ha"])
    floor = trajectory(territory("33063"), warehouse=open_warehouse(), pace_ha_per_year=0.0, floor_1ha=True)
    assert floor["projection_2031_ha"] == pytest.approx(floor["consumed_since_2021_ha"])


def test_dynamics_and_years_available(home_demo, use_home):
    use_home(home_demo)
    table = territory("33063").indicators().set_index("id")
    population = table.loc["population"]
    assert (population["first_year"], population["year"]) == (2016, 2022)
    expected = 100 * ((population["value"] / population["first_value"]) ** (1 / 6) - 1)
    assert population["annual_rate"] == pytest.approx(expected)
    assert population["change"] == pytest.approx(population["value"] - population["first_value"])
    from territoire_data.core.catalogue import catalogue_table

    years = catalogue_table(open_warehouse()).set_index("id")["years"]
    assert years["population"] == [2016, 2022]
    assert years["logements_autorises"] == list(range(2015, 2025))


def test_cli_themes_peers_and_errors(home_demo):
    output = run_cli("indicateurs", "33063", "--theme", "foncier", "--pairs", "departement", "--json", home=home_demo)
    data = json.loads(output.stdout)
    assert {i["theme"] for i in data["indicators"]} == {"foncier"}
    assert {i["peers"]["group"] for i in data["indicators"]} == {"departement"}
    items = json.loads(run_cli("indicateurs", "33063", "--pairs", "liste:33281,33318", "--json", home=home_demo).stdout)
    counts = [i["peers"]["n"] for i in items["indicators"] if i["status"] == "ok"]
    assert max(counts) == 3 and sum(n == 3 for n in counts) > 50  # a peer may lack a value
    group = json.loads(run_cli("indicateurs", "dep:33", "--json", home=home_demo).stdout)
    assert group["territory"]["level"] == "departement"
    assert {i["peers"]["group"] for i in group["indicators"]} == {"niveau"}
    for args in (("--theme", "inexistant"), ("--pairs", "voisins"), ("--pairs", "liste:99999")):
        error = run_cli("indicateurs", "33063", *args, home=home_demo)
        assert error.returncode == 2 and error.stderr.startswith("Erreur : ") and "Traceback" not in error.stderr
    status = run_cli("data", "status", home=home_demo)
    assert status.returncode == 0 and "sdes_sitadel" in status.stdout and "DÉMONSTRATION" in status.stdout


def test_unknown_departement_for_demo(home_demo):
    output = run_cli("data", "demo", "--departements", "33,999", home=home_demo)
    assert output.returncode == 2 and "999" in output.stderr


def test_searching_every_level_finds_a_scot(home_demo):
    """`communes search "scot" --tous-niveaux` lists the SCoT with their level in French (it
    ended in « Erreur inattendue (KeyError) »)."""
    output = run_cli("communes", "search", "scot", "--tous-niveaux", home=home_demo)
    assert output.returncode == 0, output.stderr
    assert "[SCoT]" in output.stdout and "scot:" in output.stdout
