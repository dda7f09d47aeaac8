"""Only what the files say: partial files never become zeros, groups are sums of their
communes, every missing value says why (issue « Only what the files say »).

Built on the real extracts of ``tests/donnees`` (BPE of 15 communes of Ain, the Sitadel permit
list of one city, the head of a DVF file, Sitadel Île-de-France by commune and by
département, the Cerema extract), read by a referential of the départements they touch.
"""

import csv
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import TEST_DATA, run_cli

from territoire_data.core import calculation, catalogue, coverage
from territoire_data.core.indicators import to_json
from territoire_data.sources import observations, read_all
from territoire_data.workspace import Workspace

REAL = TEST_DATA / "formats_reels"
SCOPE = ["01", "31", "68", "75", "91", "93"]


@pytest.fixture(scope="module")
def referential_home(tmp_path_factory):
    """A home whose referential holds the départements the extracts touch."""
    from territoire_data.core.referential import load_referential

    folder = tmp_path_factory.mktemp("couverture")
    load_referential(folder, departements=SCOPE, progress=False)
    return folder


def built(tmp_path, referential_home, *files, name="brut") -> Workspace:
    """A workspace sharing the module's referential, its warehouse built from ``files``."""
    home = tmp_path / "home"
    shutil.copytree(referential_home / "referential", home / "referential")
    raw = tmp_path / name
    raw.mkdir()
    for file in files:
        if isinstance(file, tuple):
            (raw / file[0]).write_text(file[1], encoding="utf-8")
        else:
            shutil.copy(file, raw)
    workspace = Workspace(home)
    workspace.build_warehouse([raw])
    return workspace


def observation(workspace: Workspace, code: str, variable: str, year: int) -> dict:
    table = workspace.warehouse.observations(variable=variable)
    table = table[(table["code"].astype(str) == code) & (table["year"] == year)]
    assert len(table) == 1, (code, variable, year, table)
    row = table.iloc[0]
    return {k: (None if pd.isna(row[k]) else row[k]) for k in ("value", "status", "reason", "note")}


def test_partial_bpe_file_leaves_absent_communes_not_covered(tmp_path, referential_home):
    """The BPE health file of 15 communes of Ain says nothing of Bourg-en-Bresse (01053)."""
    workspace = built(tmp_path, referential_home, REAL / "insee_bpe2021_com_equip_serv_sante.csv")
    n_ain = int((workspace.referential.communes["departement"] == "01").sum())
    listed = observation(workspace, "01004", "BPE_PHARMACIES", 2021)
    assert listed["status"] == "ok" and listed["value"] == 4  # the file's own value stays
    assert listed["note"].startswith("fichier partiel : 15 communes sur")
    bourg = observation(workspace, "01053", "BPE_PHARMACIES", 2021)
    assert bourg["status"] == "missing" and bourg["reason"] == "not_covered" and bourg["value"] is None
    assert (
        bourg["note"] == f"fichier partiel : 15 communes sur {n_ain} du département Ain (01) (insee_bpe, édition 2021)"
    )
    ain = observation(workspace, "dep:01", "BPE_PHARMACIES", 2021)
    assert ain["status"] == "missing" and ain["reason"] == "insufficient_coverage"
    assert "couverture insuffisante" in ain["note"]
    # No file touches Haute-Garonne: nothing is said of it either.
    assert (
        workspace.warehouse.observations(variable="BPE_PHARMACIES")["code"].astype(str).str.startswith("31").sum() == 0
    )
    # The indicator of Bourg-en-Bresse and of Ain say why they have no value.
    for code in ("01053", "dep:01", "reg:84"):
        line = next(i for i in to_json(workspace.territory(code))["indicators"] if i["id"] == "pharmacies_1000_hab")
        assert line["value"] is None and line["reason"] in ("not_covered", "insufficient_coverage"), line
    summary = workspace.warehouse.manifest["summary"]["sources"]["insee_bpe"]
    assert summary["communes_with_value"] == 15
    assert summary["not_covered"][bourg["note"]] == n_ain - 15


def test_partial_sitadel_permit_list(tmp_path, referential_home):
    """Toulouse's permits say nothing of the 585 other communes of Haute-Garonne."""
    workspace = built(tmp_path, referential_home, REAL / "sdes_sitadel_logements_dau.csv")
    n_31 = int((workspace.referential.communes["departement"] == "31").sum())
    toulouse = observation(workspace, "31555", "LOG_AUT", 2021)
    assert toulouse["status"] == "ok" and toulouse["value"] == 192
    blagnac = observation(workspace, "31069", "LOG_AUT", 2021)
    assert (blagnac["status"], blagnac["reason"]) == ("missing", "not_covered")
    assert f"1 communes sur {n_31}" in blagnac["note"]
    assert observation(workspace, "dep:31", "LOG_AUT", 2021)["reason"] == "insufficient_coverage"
    lines = {i["id"]: i for i in to_json(workspace.territory("31555"))["indicators"]}
    assert lines["logements_autorises"]["value"] == 192
    assert lines["logements_autorises"]["reason"] == "partial_file"  # a value, with the file's coverage


def test_dvf_row_in_haut_rhin_does_not_cover_the_departement(tmp_path, referential_home):
    """DVF is not published in Alsace-Moselle: a row there (here the real head of a DVF file
    with one mutation placed in Mulhouse) covers nothing, and the partial Ain file covers Ain
    only for the communes it lists."""
    lines = (REAL / "dvf_geo_2020_head.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    at = header.index("code_commune")
    moved = lines[1].split(",")
    moved[at] = "68224"
    text = "\n".join([*lines, ",".join(moved).replace("2020-1,", "2020-99,", 1)]) + "\n"
    workspace = built(tmp_path, referential_home, ("dvf_2020.csv", text))
    for code in ("68224", "68066", "dep:68"):
        row = observation(workspace, code, "DVF_NB_VENTES", 2020)
        assert (row["status"], row["reason"]) == ("missing", "not_covered"), (code, row)
        assert "Alsace-Moselle" in row["note"]
    # Bourg-en-Bresse has its one house sold; Ceyzériat is listed with a sale of land only: no
    # dwelling sold there (zero, the file says so); Ambérieu-en-Bugey is not listed: not covered.
    assert observation(workspace, "01053", "DVF_NB_VENTES", 2020)["value"] == 1
    assert observation(workspace, "01072", "DVF_NB_VENTES", 2020)["value"] == 0
    assert observation(workspace, "01004", "DVF_NB_VENTES", 2020)["reason"] == "not_covered"
    ain = observation(workspace, "dep:01", "DVF_NB_VENTES", 2020)
    assert ain["status"] == "missing" and ain["reason"] == "insufficient_coverage"
    line = next(i for i in to_json(workspace.territory("dep:68"))["indicators"] if i["id"] == "ventes_logements")
    assert line["value"] is None and line["reason"] == "not_covered"


def test_departement_is_the_sum_of_its_communes_when_the_publisher_disagrees(tmp_path, referential_home):
    """Sitadel's département file counts Paris and its arrondissements: twice the city."""
    workspace = built(
        tmp_path,
        referential_home,
        TEST_DATA / "sitadel_idf" / "sitadel_idf_communes.parquet",
        TEST_DATA / "sitadel_idf" / "sitadel_idf_dept.csv",
    )
    city = observation(workspace, "75056", "LOG_AUT", 2024)
    paris = observation(workspace, "dep:75", "LOG_AUT", 2024)
    assert paris["status"] == "ok" and paris["value"] == city["value"]
    published = pd.read_csv(TEST_DATA / "sitadel_idf" / "sitadel_idf_dept.csv", dtype={"dept": str})
    stated = published[(published["dept"] == "75") & (published["annee"] == 2024)]
    stated = stated.loc[stated["type_lgt"].str.lower().str.startswith("tous"), "log_aut"].iloc[0]
    assert stated > 1.5 * city["value"]  # the publisher's figure really disagrees
    assert "la source (sdes_sitadel) publie" in paris["note"]
    assert f"{int(stated):,}".replace(",", "\u202f") in paris["note"]
    found = [
        d
        for d in workspace.warehouse.manifest["summary"]["disagreements"]
        if d["code"] == "dep:75" and d["variable"] == "LOG_AUT" and d["year"] == 2024
    ]
    assert found and found[0]["published"] == stated and found[0]["sum_of_communes"] == city["value"]
    # Seine-Saint-Denis: one commune listed of 39, so the publisher's figure is the only one there is.
    seine = observation(workspace, "dep:93", "LOG_AUT", 2024)
    assert seine["status"] == "ok"


def _cube_obs(rows, source, edition):
    frame = pd.DataFrame(rows, columns=["code", "variable", "year", "value", "status"])
    return observations.block(
        frame["code"], frame["variable"], frame["year"], np.nan, frame["value"], frame["status"], source, edition
    )


def test_no_trend_starts_from_a_partial_year(small_ref):
    """Dordogne: a 2020 extract listing Périgueux only, then a 2024 file listing every commune.
    Périgueux's 2020 value is kept but starts no trend; a base of a handful of events neither."""
    dordogne = small_ref.communes.index[small_ref.communes["departement"] == "24"]
    extract = _cube_obs([("24322", "DVF_NB_VENTES", 2020, 9, "ok")], "dgfip_dvf", "2020")
    whole = _cube_obs([(c, "DVF_NB_VENTES", 2024, 40, "ok") for c in dordogne], "dgfip_dvf", "2024")
    cube = calculation.aggregate(observations.concatenate([extract, whole]), small_ref)
    _, latest = calculation.compute(cube)
    latest = latest[latest["indicator"] == "ventes_logements"].assign(code=lambda t: t["code"].astype(str))
    perigueux = latest.set_index("code").loc["24322"]
    assert perigueux["year"] == 2024 and perigueux["value"] == 40
    assert perigueux["first_year"] == -1  # 2020 comes from a partial file: no trend from it
    row = cube.rank["24322"]
    assert cube.not_base["DVF_NB_VENTES"][row, list(cube.years).index(2020)]
    # The same base from a whole file starts a trend, unless it is a handful of events.
    indicator = catalogue.BY_ID["ventes_logements"]
    assert indicator.dynamics(40, 2024, 20, 2020)[1] == pytest.approx(100 * (2**0.25 - 1))
    assert indicator.dynamics(40, 2024, 2, 2020) == (None, None)


def test_growth_of_a_rate_is_in_points():
    rate = catalogue.BY_ID["variation_annuelle_population"]
    assert rate.dynamics(1.2, 2022, 0.5, 2016) == (pytest.approx(0.7), None)
    assert catalogue.BY_ID["taux_chomage_15_64"].dynamics(8.0, 2022, 10.0, 2016) == (pytest.approx(-2.0), None)
    population = catalogue.BY_ID["population"]
    assert population.dynamics(1100, 2022, 1000, 2016)[1] == pytest.approx(100 * (1.1 ** (1 / 6) - 1))


def test_every_explanation_is_read_whole():
    path = catalogue.Path(catalogue.__file__).parent / "data" / "explanations.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert rows[0] == ["id", "definition", "importance"]
    assert all(len(r) == 3 for r in rows), [r[0] for r in rows if len(r) != 3]
    texts = {r[0]: r for r in rows[1:]}
    for indicator in catalogue.INDICATORS:
        assert indicator.plain_definition == texts[indicator.id][1]
        assert indicator.importance == texts[indicator.id][2]
        assert indicator.importance.endswith((".", "!", ")")), indicator.id
    assert "; une population qui baisse fragilise" in catalogue.BY_ID["variation_annuelle_population"].importance


def test_scot_from_official_list_whole_and_from_cerema_insufficient(tmp_path, referential_home):
    """The Cerema extract names the SCoT of five communes of Ain only: a SCoT drawn from it is
    « couverture insuffisante ». A list of perimeters (the Sudocuh table as Mon Diagnostic
    Artificialisation loads it: ``INSEE commune;SCoT;SIREN EPCI``) is whole."""
    workspace = built(tmp_path, referential_home, REAL / "cerema_conso_espaces_2009_2023_extract.csv")
    members = workspace.warehouse.scot_members
    names = sorted(members["scot"].unique())
    assert names and not members["complete"].any()
    row = observation(workspace, f"scot:{names[0]}", "NAF_ART", 2015)
    assert row["reason"] == "insufficient_coverage" and "fichier du Cerema" in row["note"]
    assert workspace.warehouse.manifest["summary"]["scot"]["insufficient"] == names

    paris = tmp_path / "second"
    paris.mkdir()
    listing = "INSEE commune;SCoT;SIREN EPCI\n" + "".join(
        f"{c};SCoT de test;200054781\n" for c in ("01001", "01002", "01004", "01005")
    )
    workspace = built(
        paris, referential_home, REAL / "cerema_conso_espaces_2009_2023_extract.csv", ("scot.csv", listing)
    )
    members = workspace.warehouse.scot_members
    official = members[members["scot"] == "SCoT de test"]
    assert sorted(official["code"]) == ["01001", "01002", "01004", "01005"] and official["official"].all()
    cerema = pd.read_csv(REAL / "cerema_conso_espaces_2009_2023_extract.csv", sep=";", dtype={"idcom": str})
    expected = cerema.set_index("idcom").loc[["01001", "01002", "01004", "01005"], "naf15art16"].sum()
    test_scot = observation(workspace, "scot:SCoT de test", "NAF_ART", 2015)
    assert test_scot["status"] == "ok" and test_scot["value"] == expected


def test_density_grid_edition_from_the_file(tmp_path):
    collection = read_all([REAL / "insee_grille_densite_7niv_2024_extract.xlsx"])
    assert [f.edition for f in collection.files_read] == ["2024"]  # « Géographie au 01/01/2024 », not PMUN21


def test_catalogue_counts_coverage_over_every_commune(tmp_path, referential_home):
    workspace = built(tmp_path, referential_home, REAL / "insee_bpe2021_com_equip_serv_sante.csv")
    card = catalogue.provenance_card("pharmacies_1000_hab", workspace.warehouse, workspace.referential.communes.index)
    n = len(workspace.referential.communes)
    assert card["coverage"]["communes"] == n
    assert card["coverage"]["communes_with_value"] + card["coverage"]["communes_missing"] == n
    assert sum(card["coverage"]["reasons"].values()) == card["coverage"]["communes_missing"]
    result = run_cli("catalogue", "pharmacies_1000_hab", home=workspace.home)
    assert result.returncode == 0, result.stderr
    assert f"sur les {n} communes du référentiel" in result.stdout


def test_build_prints_its_summary(tmp_path, referential_home):
    home = tmp_path / "home"
    shutil.copytree(referential_home / "referential", home / "referential")
    result = run_cli("data", "build", "--raw", str(REAL / "sdes_sitadel_logements_dau.csv"), home=home)
    assert result.returncode == 0, result.stderr
    assert "Couverture des sources" in result.stdout
    assert "non couverte(s) : fichier partiel : 1 communes sur" in result.stdout
    status = run_cli("data", "status", "--json", home=home)
    manifest = json.loads(status.stdout)
    assert manifest["summary"]["sources"]["sdes_sitadel"]["communes_with_value"] == 1


def test_a_command_without_warehouse_builds_no_referential(tmp_path):
    result = run_cli("indicateurs", "33063", home=tmp_path)
    assert result.returncode != 0 and "Aucun entrepôt" in result.stderr + result.stdout
    assert not (tmp_path / "referential").exists()


def test_coverage_rule_settings():
    from territoire_data.settings import Settings

    settings = Settings.from_environment(
        {"TERRITOIRE_COVERAGE_COMMUNES": "90", "TERRITOIRE_COVERAGE_POPULATION": "0,99"}
    )
    assert (settings.coverage_communes, settings.coverage_population) == (0.9, 0.99)
    assert Settings.from_environment({"TERRITOIRE_COVERAGE_COMMUNES": "abc"}).coverage_communes == 0.95
    assert "95" in coverage.CoverageRule().describe()
    rule = coverage.CoverageRule()
    cases = {
        (0.04, 0.03): False,  # 15 communes of Ain
        (0.002, 0.35): False,  # Toulouse alone
        (0.30, 0.85): False,  # the largest communes only
        (0.40, 0.93): False,  # too few communes, whatever their population
        (0.74, 0.925): True,  # a whole registry of installations in rural Dordogne (demo)
        (0.96, 0.50): True,
    }
    for (communes, population), expected in cases.items():
        assert bool(rule.covers(np.array(communes), np.array(population))) is expected, (communes, population)


@pytest.mark.parametrize("fixture", ["home_demo", "home_real"])
def test_every_null_value_says_why(fixture, request):
    """Every ``null`` of ``territoire indicateurs --json`` carries a reason, at every level."""
    home = request.getfixturevalue(fixture)
    workspace = Workspace(home)
    codes = ["33063", "33440", "epci:243300316", "dep:33", "reg:75", "france", "97608", "dep:976"]
    if fixture == "home_demo":
        codes = codes[:6]
    for code in codes:
        for line in to_json(workspace.territory(code), warehouse=workspace.warehouse)["indicators"]:
            if line["value"] is None:
                assert line["status"] in ("secret", "missing") and (line["status"] == "secret" or line["reason"]), (
                    code,
                    line["id"],
                    line,
                )
    result = run_cli("indicateurs", "dep:33", "--json", home=home)
    lines = json.loads(result.stdout)["indicators"]
    assert all(i["reason"] or i["status"] == "secret" for i in lines if i["value"] is None)
