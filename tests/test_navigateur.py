"""End-to-end: the real ``territoire dashboard`` on demo data, driven by the system Chromium."""

from __future__ import annotations

import json
import re
import time

import pandas as pd
import pytest

from conftest import binaire, lancer, manque
from serveur import tableau_de_bord
from territoire_data.catalogue import PAR_ID
from territoire_data.format import nombre

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def navigateur():
    chemin = binaire("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        manque("Playwright pour Python n'est pas installé")
    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=chemin, args=["--no-sandbox"])
        yield chrome
        chrome.close()


@pytest.fixture(scope="module")
def serveur(home_demo, artefacts):
    semis = lancer("db", "demo", home=home_demo)  # demo accounts and threads of the exchange space
    assert semis.returncode == 0, semis.stderr
    with tableau_de_bord(home_demo, noyaux=2, journal=artefacts / "voila.log") as url:
        yield url


def _valeurs_json(home, code):
    sortie = lancer("indicateurs", code, "--json", home=home)
    assert sortie.returncode == 0, sortie.stderr
    return {i["id"]: i for i in json.loads(sortie.stdout)["indicators"]}


def _texte_carte(page, indicateur):
    return page.locator(f'.territoire-indicateur[data-indicateur="{indicateur}"]').first.inner_text()


def _surlignage(page):
    return page.locator('.leaflet-container path[stroke="#e1000f"]').first.get_attribute("d")


def test_bordeaux_puis_merignac_sur_place_et_export(navigateur, serveur, home_demo, ref, artefacts):
    page = navigateur.new_page(viewport={"width": 1360, "height": 1000}, accept_downloads=True)
    dialogues = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.goto(f"{serveur}/?commune=33063", timeout=120_000)
    page.wait_for_selector(".territoire-dashboard .territoire-titre h1", timeout=120_000)
    assert "Bordeaux" in page.inner_text(".territoire-titre")
    assert "Gironde" in page.inner_text(".territoire-titre")
    page.wait_for_function("document.querySelectorAll('.territoire-indicateur').length >= 30")
    assert page.locator(".territoire-indicateur").count() >= 30
    assert page.locator(".territoire-bandeau-demo").is_visible()

    # The map holds the département's communes (plus the red outline of Bordeaux).
    gironde = ref.geometries("departement", departements=["33"])
    attendues = int(gironde.geometry.notna().sum())
    page.wait_for_function(f"document.querySelectorAll('.leaflet-container path.leaflet-interactive').length >= {attendues}")
    assert page.locator(".leaflet-container").count() == 1
    assert page.locator(".leaflet-container path.leaflet-interactive").count() == attendues + 1
    contour_bordeaux = _surlignage(page)

    json_bordeaux = _valeurs_json(home_demo, "33063")
    pop = json_bordeaux["population"]["value"]
    assert nombre(pop, 0) in _texte_carte(page, "population")
    page.screenshot(path=str(artefacts / "tableau_bordeaux.png"))

    # In-place switch: type, choose the suggestion; the page is not reloaded.
    page.evaluate("window.__meme_page = 'oui'")
    page.locator(".territoire-recherche input").fill("mérignac")
    suggestion = page.locator("button.territoire-suggestion", has_text="Mérignac").first
    suggestion.wait_for(timeout=20_000)
    suggestion.click()
    page.wait_for_function("document.querySelector('.territoire-titre h1').innerText.includes('Mérignac')",
                           timeout=20_000)
    assert page.evaluate("window.__meme_page") == "oui"
    json_merignac = _valeurs_json(home_demo, "33281")
    page.wait_for_function(
        "t => document.querySelector('.territoire-indicateur[data-indicateur=\"population\"] .ti-nombre').innerText === t",
        arg=nombre(json_merignac["population"]["value"], 0), timeout=20_000)
    page.wait_for_function(f"document.querySelector('.leaflet-container path[stroke=\"#e1000f\"]')"
                           f".getAttribute('d') !== {json.dumps(contour_bordeaux)}", timeout=20_000)
    page.screenshot(path=str(artefacts / "tableau_merignac.png"))
    page.locator(".territoire-choroplethe").screenshot(path=str(artefacts / "carte_merignac.png"))

    # The export is the displayed figures of Mérignac, with provenance.
    with page.expect_download() as attente:
        page.locator("a.ti-export-csv").first.click()
    telechargement = attente.value
    chemin = artefacts / telechargement.suggested_filename
    telechargement.save_as(chemin)
    assert telechargement.suggested_filename == "territoire_33281_densite.csv"
    csv = pd.read_csv(chemin, sep=";", decimal=",", encoding="utf-8-sig", dtype={"code_territoire": str})
    assert set(csv["code_territoire"]) == {"33281"}
    for indicateur in ("population", "taux_chomage_15_64", "part_logements_vacants", "revenu_median"):
        ligne = csv.set_index("indicateur").loc[indicateur]
        attendu = json_merignac[indicateur]
        if attendu["value"] is None:
            assert pd.isna(ligne["valeur"])
            continue
        decimales = PAR_ID[indicateur].decimales
        assert ligne["valeur"] == pytest.approx(attendu["value"], abs=0.51 * 10 ** -decimales)
        affiche = _texte_carte(page, indicateur)
        assert re.sub(r"\s", "", nombre(ligne["valeur"], decimales)) in re.sub(r"\s", "", affiche)
        assert ligne["source"] == attendu["source"] and ligne["annee"] == attendu["year"]
    assert not dialogues
    page.close()


def test_code_forge_carte_erreur_sans_trace(navigateur, serveur, artefacts):
    page = navigateur.new_page()
    dialogues = []
    page.on("dialog", lambda d: (dialogues.append(d.message), d.dismiss()))
    page.goto(f"{serveur}/?commune=%3Cscript%3Ealert(1)%3C/script%3E", timeout=120_000)
    page.wait_for_selector(".territoire-erreur .ti-erreur", timeout=120_000)
    assert "Code de territoire mal formé" in page.inner_text(".territoire-erreur")
    contenu = page.content()
    assert "Traceback" not in contenu and "Error" not in page.inner_text("body")
    assert not dialogues
    page.screenshot(path=str(artefacts / "tableau_code_forge.png"))
    page.close()


def test_deux_navigateurs_echangent_en_moins_de_5_s(navigateur, serveur, artefacts):
    pages = []
    for login in ("elu.bordeaux", "agent.bordeaux"):
        page = navigateur.new_context().new_page()  # two separate browsers (profiles)
        page.goto(f"{serveur}/?commune=33063", timeout=120_000)
        page.wait_for_selector(".territoire-discussion", timeout=120_000)
        assert "Connectez-vous" in page.inner_text(".territoire-discussion")  # no identity: nothing shown
        assert page.locator(".territoire-discussion .ti-fil").count() == 0
        page.locator(".territoire-discussion select").first.select_option(login)  # demo-only user switch
        page.wait_for_selector(".territoire-discussion .ti-fil", timeout=20_000)
        pages.append(page)
    ecrivain, lecteur = pages
    assert "Vacance des logements" in lecteur.inner_text(".territoire-fils")
    texte = f"Point d'étape du {time.strftime('%H:%M:%S')} <script>window.__xss = 1</script>"
    ecrivain.locator(".territoire-discussion textarea").fill(texte)
    ecrivain.locator(".territoire-discussion input[type=text]").first.fill("Réunion de quartier")
    ecrivain.locator(".territoire-discussion button", has_text="Publier").click()
    debut = time.monotonic()
    # The behaviour: the other browser shows it within 5 s (the panel polls every 2 s).
    lecteur.wait_for_function("t => document.querySelector('.territoire-fils').innerText.includes(t)",
                              arg="Point d'étape du", timeout=5_000, polling=100)
    delai = time.monotonic() - debut
    assert lecteur.evaluate("window.__xss") is None and "<script>" in lecteur.inner_text(".territoire-fils")
    lecteur.locator(".territoire-discussion").screenshot(path=str(artefacts / "discussion_second_navigateur.png"))
    print(f"message vu par le second navigateur en {delai:.2f} s")
    for page in pages:
        page.context.close()
