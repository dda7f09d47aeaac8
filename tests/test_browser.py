"""End-to-end: the real ``territoire dashboard`` on demo data, driven by the system Chromium."""

from __future__ import annotations

import json
import re
import time

import pandas as pd
import pytest
from conftest import run_cli

from territoire_data.core.catalogue import BY_ID
from territoire_data.rendering.formatting import number

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(demo_dashboard):
    return demo_dashboard  # shared with test_dashboard_audience.py (one server start)


def _values_json(home, code):
    output = run_cli("indicateurs", code, "--json", home=home)
    assert output.returncode == 0, output.stderr
    return {i["id"]: i for i in json.loads(output.stdout)["indicators"]}


def _text_map(page, indicator):
    return page.locator(f'.territoire-indicateur[data-indicateur="{indicator}"]').first.inner_text()


def _highlight(page):
    return page.locator('.leaflet-container path[stroke="#e1000f"]').first.get_attribute("d")


def test_bordeaux_then_merignac_in_place_and_export(browser, server, home_demo, ref, artifacts):
    page = browser.new_page(viewport={"width": 1360, "height": 1000}, accept_downloads=True)
    dialogues = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.goto(f"{server}/?commune=33063", timeout=120_000)
    page.wait_for_selector(".territoire-dashboard .territoire-titre h1", timeout=120_000)
    assert "Bordeaux" in page.inner_text(".territoire-titre")
    assert "Gironde" in page.inner_text(".territoire-titre")
    page.wait_for_function("document.querySelectorAll('.territoire-indicateur').length >= 30")
    assert page.locator(".territoire-indicateur").count() >= 30
    assert page.locator(".territoire-bandeau-demo").is_visible()

    # The map holds the département's communes (plus the red outline of Bordeaux).
    gironde = ref.geometries("departement", departements=["33"])
    expected_list = int(gironde.geometry.notna().sum())
    page.wait_for_function(
        f"document.querySelectorAll('.leaflet-container path.leaflet-interactive').length >= {expected_list}"
    )
    assert page.locator(".leaflet-container").count() == 1
    assert page.locator(".leaflet-container path.leaflet-interactive").count() == expected_list + 1
    boundary_bordeaux = _highlight(page)

    json_bordeaux = _values_json(home_demo, "33063")
    pop = json_bordeaux["population"]["value"]
    assert number(pop, 0) in _text_map(page, "population")
    page.screenshot(path=str(artifacts / "tableau_bordeaux.png"))

    # In-place switch: type, choose the suggestion; the page is not reloaded.
    page.evaluate("window.__meme_page = 'oui'")
    page.locator(".territoire-recherche input").fill("mérignac")
    suggestion = page.locator("button.territoire-suggestion", has_text="Mérignac").first
    suggestion.wait_for(timeout=20_000)
    suggestion.click()
    page.wait_for_function(
        "document.querySelector('.territoire-titre h1').innerText.includes('Mérignac')", timeout=20_000
    )
    assert page.evaluate("window.__meme_page") == "oui"
    json_merignac = _values_json(home_demo, "33281")
    page.wait_for_function(
        "t => document.querySelector('.territoire-indicateur[data-indicateur=\"population\"] .ti-nombre').innerText === t",
        arg=number(json_merignac["population"]["value"], 0),
        timeout=20_000,
    )
    page.wait_for_function(
        f"document.querySelector('.leaflet-container path[stroke=\"#e1000f\"]')"
        f".getAttribute('d') !== {json.dumps(boundary_bordeaux)}",
        timeout=20_000,
    )
    page.screenshot(path=str(artifacts / "tableau_merignac.png"))
    page.locator(".territoire-choroplethe").screenshot(path=str(artifacts / "carte_merignac.png"))

    # The export is the displayed figures of Mérignac, with provenance.
    with page.expect_download() as waiting:
        page.locator("a.ti-export-csv").first.click()
    download = waiting.value
    path = artifacts / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename == "territoire_33281_densite.csv"
    csv = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"code_territoire": str})
    assert set(csv["code_territoire"]) == {"33281"}
    for indicator in ("population", "taux_chomage_15_64", "part_logements_vacants", "revenu_median"):
        line = csv.set_index("indicateur").loc[indicator]
        expected = json_merignac[indicator]
        if expected["value"] is None:
            assert pd.isna(line["valeur"])
            continue
        decimals = BY_ID[indicator].decimals
        assert line["valeur"] == pytest.approx(expected["value"], abs=0.51 * 10**-decimals)
        shows = _text_map(page, indicator)
        assert re.sub(r"\s", "", number(line["valeur"], decimals)) in re.sub(r"\s", "", shows)
        assert line["source"] == expected["source"] and line["annee"] == expected["year"]
    assert not dialogues
    page.close()


def test_forged_code_error_card_without_traceback(browser, server, artifacts):
    page = browser.new_page()
    dialogues = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.goto(f"{server}/?commune=%3Cscript%3Ealert(1)%3C/script%3E", timeout=120_000)
    page.wait_for_selector(".territoire-erreur .ti-erreur", timeout=120_000)
    assert "Code de territoire mal formé" in page.inner_text(".territoire-erreur")
    content = page.content()
    assert "Traceback" not in content and "Error" not in page.inner_text("body")
    assert not dialogues
    page.screenshot(path=str(artifacts / "tableau_code_forge.png"))
    page.close()


def test_two_browsers_exchange_within_5_s(browser, server, artifacts):
    pages = []
    for login in ("elu.bordeaux", "agent.bordeaux"):
        page = browser.new_context().new_page()  # two separate browsers (profiles)
        page.goto(f"{server}/?commune=33063", timeout=120_000)
        page.wait_for_selector(".territoire-discussion", timeout=120_000)
        assert "Connectez-vous" in page.inner_text(".territoire-discussion")  # no identity: nothing shown
        assert page.locator(".territoire-discussion .ti-fil").count() == 0
        page.locator(".territoire-discussion select").first.select_option(login)  # demo-only user switch
        page.wait_for_selector(".territoire-discussion .ti-fil", timeout=20_000)
        pages.append(page)
    writer, reader = pages
    assert "Vacance des logements" in reader.inner_text(".territoire-fils")
    text = f"Point d'étape du {time.strftime('%H:%M:%S')} <script>window.__xss = 1</script>"
    writer.locator(".territoire-discussion textarea").fill(text)
    writer.locator(".territoire-discussion input[type=text]").first.fill("Réunion de quartier")
    writer.locator(".territoire-discussion button", has_text="Publier").click()
    start = time.monotonic()
    # The behaviour: the other browser shows it within 5 s (the panel polls every 2 s).
    reader.wait_for_function(
        "t => document.querySelector('.territoire-fils').innerText.includes(t)",
        arg="Point d'étape du",
        timeout=5_000,
        polling=100,
    )
    delay = time.monotonic() - start
    assert reader.evaluate("window.__xss") is None and "<script>" in reader.inner_text(".territoire-fils")
    reader.locator(".territoire-discussion").screenshot(path=str(artifacts / "discussion_second_navigateur.png"))
    print(f"message vu par le second navigateur en {delay:.2f} s")
    for page in pages:
        page.context.close()
