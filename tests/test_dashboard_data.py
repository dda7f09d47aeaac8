"""The dashboard on the real provider and a demo warehouse, without a browser."""

from __future__ import annotations

import json
import re

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
            assert libelle_statut(i["status"], i["reason"]) in text
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
