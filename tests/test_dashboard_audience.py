"""The dashboard under an audience: kernels freed when pages close, a waiting room beyond the
ceiling, nothing fetched from another host — on the real server, in the system Chromium."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from conftest import ROOT, missing_prerequisite
from server import dashboard_server, server_state

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TITLE = ".territoire-dashboard .territoire-titre h1"


def _wait_state(url: str, condition, timeout_s: float) -> dict:
    limit = time.monotonic() + timeout_s
    while True:
        state = server_state(url)
        if condition(state) or time.monotonic() > limit:
            return state
        time.sleep(0.5)


def test_closed_and_reloaded_pages_free_their_kernels(browser, demo_dashboard, artifacts):
    """12 visits (left for another page, reloaded, or tab closed): the kernels go back to the
    pool size, not 14.

    Leaving or reloading frees the kernel at once (Voilà's page-close request, accepted now that
    the page sets the ``_xsrf`` cookie); a closed tab whose request is lost (headless Chromium
    drops it on ``page.close``) is culled once idle and disconnected (10 s for this server)."""
    url = demo_dashboard
    hosts: set[str] = set()
    for visit in range(12):
        page = browser.new_page()
        page.on("request", lambda r: hosts.add(urlparse(r.url).netloc) if r.url.startswith("http") else None)
        page.goto(f"{url}/?commune=33063", timeout=120_000)
        page.wait_for_selector(TITLE, timeout=120_000)
        if visit % 3 == 1:  # a reload: the first kernel is freed, the reloaded page takes another
            page.reload(timeout=120_000)
            page.wait_for_selector(TITLE, timeout=120_000)
        if visit < 3:  # first, so that their cull runs while the other visits go on
            page.close(run_before_unload=True)  # request lost: the cull frees it
        else:
            page.goto("about:blank")  # leaving the page
            page.close()
    state = _wait_state(url, lambda s: s["open_dashboards"] == 0 and s["live_kernels"] == 2, 75)
    assert state["open_dashboards"] == 0, state
    assert state["live_kernels"] == 2, state  # back to the pool size
    assert hosts == {urlparse(url).netloc}  # every request went to the server itself
    text = (artifacts / "voila.log").read_text(errors="replace")
    assert "403 POST /voila/api/shutdown" not in text
    assert text.count("Kernel shutdown:") >= 12


AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def _axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now."""
    if not AXE.is_file():
        missing_prerequisite("axe-core n'est pas installé (npm ci --prefix tests/axe, fait par make install)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_page_is_french_self_contained_and_accessible(browser, demo_dashboard, artifacts):
    url = demo_dashboard
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/?commune=33063", timeout=120_000)
    page.wait_for_selector(TITLE, timeout=120_000)
    page.wait_for_selector(".leaflet-container path.leaflet-interactive", timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.wait_for_function("document.title.startsWith('Bordeaux')", timeout=10_000)  # names the territory
    assert page.locator("[role=main], main").count() == 1
    outside = [r for r in requests if r.startswith("http") and urlparse(r).netloc != urlparse(url).netloc]
    assert outside == []
    assert page.locator(".leaflet-tile").count() == 0  # no basemap configured: no tile
    assert page.locator(".leaflet-control-attribution").count() == 0
    assert not errors, errors
    assert _axe_violations(page) == []
    # The map's keyboard path: the table of its communes and a labelled list opening any of them.
    assert page.locator(".territoire-membres table tbody tr").count() == 30  # the first ones, then on demand
    page.locator(".territoire-membres button", has_text="Afficher les").click()
    page.wait_for_function("document.querySelectorAll('.territoire-membres table tbody tr').length > 500")
    choice = page.get_by_label("Ouvrir la commune")
    choice.select_option(label="Mérignac (33281)")
    page.locator(".territoire-membres button", has_text="Ouvrir").click()
    page.wait_for_function("document.querySelector('.territoire-titre h1').innerText.includes('Mérignac')")
    page.wait_for_function("window.location.search === '?territoire=33281'", timeout=10_000)
    page.close(run_before_unload=True)


@pytest.mark.parametrize(
    ("code", "name", "members"), [("epci:243300316", "Bordeaux Métropole", 28), ("dep:33", "Gironde", 500)]
)
def test_group_dashboards(browser, demo_dashboard, artifacts, code, name, members):
    """An EPCI and a département open on their own dashboard, address and title included."""
    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    page.goto(f"{demo_dashboard}/?territoire={code}", timeout=120_000)
    page.wait_for_selector(TITLE, timeout=120_000)
    assert name in page.inner_text(TITLE)
    assert page.locator(".territoire-erreur .ti-erreur").count() == 0
    page.wait_for_function("document.querySelectorAll('.territoire-indicateur').length >= 30")
    page.wait_for_function(f"document.title.startsWith({name!r})", timeout=10_000)
    assert page.locator(".leaflet-container path.leaflet-interactive").count() >= members
    if members > 30:
        page.locator(".territoire-membres button", has_text="Afficher les").click()
    page.wait_for_function(f"document.querySelectorAll('.territoire-membres table tbody tr').length >= {members}")
    assert "Trajectoire ZAN" in page.inner_text("body")
    assert _axe_violations(page) == []
    page.screenshot(path=str(artifacts / f"tableau_{code.replace(':', '_')}.png"))
    page.close(run_before_unload=True)


def test_beyond_the_ceiling_a_waiting_page_becomes_the_dashboard(browser, home_demo, artifacts):
    """Ceiling 1: the second visitor waits on a French page, which opens the dashboard by itself
    once the first visitor leaves."""
    with dashboard_server(home_demo, kernels=1, ceiling=1, log=artifacts / "voila_file.log") as url:
        first = browser.new_page()
        first.goto(f"{url}/?commune=33063", timeout=120_000)
        first.wait_for_selector(TITLE, timeout=120_000)
        second = browser.new_page()
        second.goto(f"{url}/?commune=33281", timeout=60_000)
        assert "Préparation du tableau de bord" in second.inner_text("h1")
        assert second.evaluate("document.documentElement.lang") == "fr"
        assert "nombre maximal" in second.inner_text("main")
        assert server_state(url)["waiting"] == 1
        second.screenshot(path=str(artifacts / "tableau_file_attente.png"))
        time.sleep(3)
        assert second.locator(TITLE).count() == 0  # still waiting: the ceiling holds
        first.goto("about:blank")  # the first visitor leaves: their kernel is freed at once
        first.close()
        second.wait_for_selector(TITLE, timeout=90_000)
        assert "Mérignac" in second.inner_text(TITLE)
        assert server_state(url)["waiting"] == 0
        second.close(run_before_unload=True)
