"""The dashboard on the real provider and a demo warehouse, without a browser."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import run_cli

from territoire_data import Workspace
from territoire_data.core.catalogue import BY_ID
from territoire_data.core.statuses import label as libelle_statut
from territoire_data.rendering.formatting import number
from widgets import Dashboard, WorkspaceProvider


def test_cards_equal_cli_json(home_demo, use_home):
    use_home(home_demo)
    table = Dashboard(WorkspaceProvider(Workspace(home_demo)), "33063")
    expected = json.loads(run_cli("indicateurs", "33063", "--json", home=home_demo).stdout)
    cards = {c.indicator_id: c for cards in table.tabs.by_tab[1:] for c in cards}
    assert len(cards) == len(expected["indicators"]) == len(BY_ID)
    for i in expected["indicators"]:
        text = cards[i["id"]].html
        if i["value"] is None:
            assert i["reason"], i  # a null never stands alone
            assert html.escape(libelle_statut(i["status"], i["reason"])) in text
        else:
            assert f'<span class="ti-nombre">{number(i["value"], BY_ID[i["id"]].decimals)}</span>' in text
            assert f'data-centile="{i["peers"]["percentile"]:.1f}"' in text
    # The map: the communes of Gironde, Bordeaux outlined.
    assert len(table.geomap.layer.data["features"]) > 500
    assert table.geomap.highlight.data["features"][0]["properties"]["code"] == "33063"
    size = len(json.dumps(table.geomap.layer.data))
    assert size < 1_000_000, size


def test_delegated_commune_opens_new_commune(home_demo, use_home, ref):
    use_home(home_demo)
    delegated = ref.sub_communes[ref.sub_communes["type"] == "COMD"]
    line = delegated[delegated["parent"].str.startswith("33")].iloc[0]
    table = Dashboard(WorkspaceProvider(Workspace(home_demo)), line["code"])
    assert table.state.code == line["parent"] and not table.error.value


def test_dashboard_without_warehouse_french_message(tmp_path):
    output = run_cli("dashboard", "--no-browser", home=tmp_path)
    assert output.returncode == 2
    assert "Aucun entrepôt de données" in output.stderr and "Traceback" not in output.stderr


def test_notebook_without_warehouse_shows_a_message(tmp_path, use_home):
    from widgets.dashboard import open_dashboard, prepare_dashboard

    use_home(tmp_path)
    view = open_dashboard(prepare_dashboard(tmp_path), "33063")
    assert "territoire-dashboard" in view._dom_classes
    assert re.search("Aucun entrepôt de données", view.children[1].value)


def test_kernel_reads_one_territory_without_holding_the_warehouse(home_demo):
    """A dashboard kernel does not hold every territory's latest values: ``rows`` reads the
    territory asked for (small row groups), and gives what the held table gives."""
    import pandas as pd

    from territoire_data.core.warehouse import DENSITY, Warehouse, current_folder

    folder = current_folder(home_demo)
    lazy, held = Warehouse(folder), Warehouse(folder)
    held.latest  # noqa: B018 — batch mode: everything in memory
    for code in ("33063", "epci:243300316", "dep:24", "france"):
        pd.testing.assert_frame_equal(lazy.rows(code), held.rows(code))
    assert lazy._latest is None  # never loaded whole
    pd.testing.assert_series_equal(lazy.populations().sort_index(), held.populations().sort_index())
    import pyarrow.parquet as pq

    assert pq.ParquetFile(folder / "latest.parquet").metadata.num_row_groups > 1
    # Density classes come from their own small file, equal to the observations they summarise.
    assert (folder / DENSITY).is_file()
    observations = lazy.observations(variable="DENS7").sort_values("year").drop_duplicates("code", keep="last")
    expected = pd.Series(observations["value"].to_numpy(), index=observations["code"].astype(str).to_numpy())
    assert lazy.density_classes.sort_index().to_dict() == expected.sort_index().to_dict()


def test_scot_is_a_territory_summed_searched_and_shown(home_demo, use_home):
    """A SCoT (from the Cerema file) is summed like an EPCI in the warehouse, found by search,
    and opens its own dashboard with its communes on the map and in the table."""
    workspace = Workspace(home_demo)
    members = workspace.warehouse.scot_members
    name = members.loc[members["code"] == "33063", "scot"].iloc[0]
    scot = workspace.territory(f"scot:{name.upper()}")  # names are matched without case or accents
    assert scot.level == "scot" and scot.code == f"scot:{name}"
    expected = sorted(members.loc[members["scot"] == name, "code"])
    assert list(scot.communes) == [c for c in expected if c in workspace.referential.communes.index]
    population = workspace.warehouse.rows(scot.code).loc["population"]
    parts = workspace.warehouse.matrix["population"].reindex(list(scot.communes))
    assert population["value"] == pytest.approx(parts.sum())
    assert any(r.code == scot.code for r in workspace.search(name, levels=("scot",)))
    use_home(home_demo)
    table = Dashboard(WorkspaceProvider(workspace), scot.code)
    assert not table.error.value and "SCoT" in table.title.value
    assert len(table.members.rows) == len(scot.communes)
    assert table.members.table.value.count("<tr") == 1 + 30  # header and the first rows; the rest on demand
    table.members.everything.value = True
    assert table.members.table.value.count("<tr") == 1 + len(scot.communes)
    assert len(table.geomap.layer.data["features"]) == len(scot.communes)
    assert table.page.query.startswith("?territoire=scot:")
    assert table.zan.t.get("available") is True
