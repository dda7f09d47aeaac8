"""One rule per figure: a figure is computed in one place, and every view shows that value.

The known case was the ZAN allowance: the warehouse's ``enveloppe_zan`` was half the
reference while the trajectory applied the 1 ha communal guarantee (Saint-Martial: 0.49 ha
in the CLI JSON, 1.0 ha on the dashboard). Here the CLI JSON, the CSV export, a report's
ZAN block and indicator table, and the dashboard's provider (cards and ZAN panel) are read
for the same communes and compared; peers' medians and percentiles too.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import run_cli

from territoire_data.rendering.formatting import number


@pytest.fixture(scope="module")
def demo(home_demo):
    from territoire_data.workspace import Workspace

    return Workspace(home_demo)


def _cli_rows(home, code: str) -> dict[str, dict]:
    run = run_cli("indicateurs", code, "--json", "--theme", "foncier", home=home)
    assert run.returncode == 0, run.stderr
    return {row["id"]: row for row in json.loads(run.stdout)["indicators"]}


def _exported(home, code: str, tmp_path) -> pd.DataFrame:
    path = tmp_path / f"{code}.csv"
    run = run_cli("export", code, "--format", "csv", "--theme", "foncier", "--out", str(path), home=home)
    assert run.returncode == 0, run.stderr
    return pd.read_csv(path, sep=";", decimal=",", dtype={"code": str}, encoding="utf-8-sig")


@pytest.mark.parametrize("code", ["33440", "33063"])  # the guaranteed case, and a city
def test_the_zan_allowance_agrees_everywhere(code, demo, home_demo, tmp_path):
    from territoire_data.rendering.portrait import Portrait
    from widgets.providers import WorkspaceProvider

    trajectory = demo.territory(code).zan()
    assert trajectory["available"]
    allowance = trajectory["allowance_2021_2030_ha"]
    # The rule: half the reference, at least 1 ha for a commune.
    assert allowance == pytest.approx(max(trajectory["reference_2011_2020_ha"] / 2, 1.0))

    cli = _cli_rows(home_demo, code)["enveloppe_zan"]
    assert cli["value"] == pytest.approx(allowance)
    exported = _exported(home_demo, code, tmp_path)
    row = exported[exported["indicateur"] == "enveloppe_zan"]
    assert len(row) == 1 and row["valeur"].iloc[0] == pytest.approx(allowance, abs=0.005)

    portrait = Portrait(code, workspace=demo)
    shown = f"{number(allowance, 2)} ha"
    assert shown in str(portrait.zan_trajectory())
    assert portrait.rows["enveloppe_zan"]["value"] == pytest.approx(allowance)  # the report's key figures
    provider = WorkspaceProvider(demo)
    assert provider.zan(code)["allowance_2021_2030_ha"] == pytest.approx(allowance)
    cards = provider.indicators(code, "densite").set_index("id")
    assert cards.at["enveloppe_zan", "value"] == pytest.approx(allowance)
    # The share consumed divides by the same allowance.
    share = _cli_rows(home_demo, code)["part_enveloppe_zan_consommee"]["value"]
    consumed = _cli_rows(home_demo, code)["conso_naf_depuis_2021"]["value"]
    assert share == pytest.approx(100 * consumed / allowance)


def test_saint_martial_is_the_guaranteed_case(demo):
    """The commune where the two rules used to disagree: its half-reference is under 1 ha."""
    t = demo.territory("33440").zan()
    assert t["reference_2011_2020_ha"] / 2 < 1.0 and t["floor_1ha_applied"] and t["allowance_2021_2030_ha"] == 1.0


def test_a_commune_without_a_plan_gets_half_in_every_view(tmp_path_factory, home, ref):
    """``TERRITOIRE_ZAN_NO_GUARANTEE`` is read at the build and recorded: the warehouse and the
    trajectory then agree on half the reference, without a setting at read time."""
    from conftest import home_with_referential

    from territoire_data.demo import generate_and_build
    from territoire_data.settings import Settings
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-rnu")
    belfort = Workspace(folder).territory("dep:90").communes  # a small département: a quick build
    settings = Settings.from_environment({"TERRITOIRE_ZAN_NO_GUARANTEE": ",".join(belfort)})
    workspace = Workspace(folder, settings=settings)
    generate_and_build(["90"], workspace=workspace)
    assert workspace.warehouse.manifest["zan_no_guarantee"] == sorted(belfort)
    reader = Workspace(folder)  # another process, without the variable
    flows = reader.warehouse.observations(variable="NAF_ART", code=list(belfort))
    reference = flows[flows["year"].between(2011, 2020)].groupby(flows["code"].astype(str))["value"].sum()
    code = str(reference.idxmin())  # the commune the guarantee would help most
    t = reader.territory(code).zan()
    assert t["reference_2011_2020_ha"] / 2 < 1.0  # the guarantee would have given 1 ha
    assert not t["floor_1ha_applied"] and not t["floor_1ha_applicable"]
    assert t["allowance_2021_2030_ha"] == pytest.approx(t["reference_2011_2020_ha"] / 2)
    assert _cli_rows(folder, code)["enveloppe_zan"]["value"] == pytest.approx(t["allowance_2021_2030_ha"])


def test_a_warehouse_of_an_earlier_version_is_not_read(demo, tmp_path):
    """An earlier schema's figures follow earlier rules: the reader says so, in French."""
    import shutil

    from territoire_data.core.warehouse import MANIFEST, WarehouseMissing, open_folder

    copy = tmp_path / "ancien"
    shutil.copytree(demo.warehouse.folder, copy)
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["schema"] = 3
    (copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(WarehouseMissing, match="version précédente.*territoire data build"):
        open_folder(copy)


def test_peers_figures_agree_between_cli_and_dashboard(demo, home_demo):
    """Peers' median and percentile: the CLI JSON and the dashboard's provider read one table."""
    from widgets.providers import WorkspaceProvider

    cli = _cli_rows(home_demo, "33440")
    cards = WorkspaceProvider(demo).indicators("33440", "densite").set_index("id")
    for indicator, row in cli.items():
        if row["value"] is None or not row.get("peers"):
            continue
        assert cards.at[indicator, "value"] == pytest.approx(row["value"])
        if row["peers"].get("median") is not None:
            assert cards.at[indicator, "median"] == pytest.approx(row["peers"]["median"])


@pytest.mark.parametrize("code", ["33063", "epci:243300316", "dep:33"])
def test_one_verdict_rule_for_cards_reports_and_the_command(demo, code):
    """Favourable or défavorable only for intensive figures (shares, rates, per inhabitant,
    per hectare); totals and areas get their position in words and no verdict; no share of
    peers above 100 %; the ZAN figures carry their period, not a year."""
    from territoire_data.core.catalogue import EXTENSIVE_UNITS
    from territoire_data.core.indicators import indicator_table
    from territoire_data.rendering.fragments import indicator_table as report_table
    from widgets.cards import card_html, position

    rows = indicator_table(demo.territory(code), None, "densite", demo.warehouse).to_dict("records")
    judged = 0
    for line in rows:
        card = position(line)  # the card's position among peers
        cells = re.search(r"</td><td>([^<]*)</td><td class=\"r-source\"", report_table([line]))
        printed = cells.group(1) if cells else ""  # the printed report's position cell
        for text in (card, printed):
            assert not re.search(r"\b(10[0-9]|1[1-9][0-9]) %", text), (line["id"], text)
        if line.get("unit") in EXTENSIVE_UNITS:
            assert "favorable" not in card and "favorable" not in printed, (line["id"], card)
        elif "favorable" in card:
            assert "favorable" in printed
            judged += 1
    assert judged >= 3  # the intensive figures keep their verdict
    by_id = {line["id"]: line for line in rows}
    # A group's definitions speak of its territory, not of « la commune ».
    words = " ".join(f"{line['plain_definition']} {line['importance']}" for line in rows)
    if code.startswith(("epci:", "dep:")):
        assert "dans la commune" not in words and " la commune " not in words
        assert by_id["population"]["plain_definition"].startswith(
            "Nombre d'habitants ayant leur résidence habituelle sur le territoire"
        )
    else:
        assert "dans la commune" in by_id["population"]["plain_definition"]
    assert '<span class="ti-annee">2021-2030</span>' in card_html(by_id["enveloppe_zan"])
    assert '<span class="ti-annee">2011-2020</span>' in card_html(by_id["conso_naf_2011_2020"])
    listed = run_cli("indicateurs", code, "--theme", "foncier", "--json", home=demo.home)
    periods = {i["id"]: i["period"] for i in json.loads(listed.stdout)["indicators"]}
    assert periods["enveloppe_zan"] == "2021-2030" and periods["conso_naf_2011_2020"] == "2011-2020"
    run = run_cli("indicateurs", code, "--theme", "foncier", home=demo.home)
    assert "Enveloppe ZAN 2021-2030" in run.stdout and "(2021-2030)" in run.stdout, run.stdout
    consumed = next(line for line in run.stdout.splitlines() if "Consommation d'espaces NAF 2011-2020" in line)
    assert "favorable" not in consumed and ("des " in consumed or "moyenne" in consumed)


def test_rank_words_and_trends_read_as_french():
    from territoire_data.rendering.fragments import trend_text
    from territoire_data.rendering.reading import judgement, rank_words

    line = {"percentile": 100.0, "peers_n": 106, "polarity": "baisse_favorable", "unit": "%"}
    assert rank_words(line, "intercommunalités (EPCI)") == "au-dessus des 106 intercommunalités (EPCI)"
    assert judgement(line) == "défavorable"
    assert judgement({**line, "unit": "ha"}) == ""  # a total: no verdict
    assert rank_words({**line, "percentile": 0.2}, "territoires") == "en dessous des 106 territoires"
    flat = {"change": -0.04, "first_year": 2009, "unit": "%"}
    assert trend_text(flat) == "stable depuis 2009"
    per_thousand = {"change": 0.34, "first_year": 2015, "unit": "pour 1 000 hab."}
    assert trend_text(per_thousand) == "+0,3 pour 1 000 hab. depuis 2015"
