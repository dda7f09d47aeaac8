"""The élus' reading in a real browser: Saint-Martial opened as its élu, on desktop and mobile.

The synthesis says what to remember, the ZAN panel shows the guarantee and the trajectories
side by side, the radar's plots are drawn inside the map view (not a dot at département
scale) and every plot is listed. Screenshots of the three views, desktop and mobile, are saved
in ``tests/artefacts/`` for review.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIEWPORTS = {"bureau": {"width": 1360, "height": 1000}, "mobile": {"width": 390, "height": 844}}


def _open_as_elu(browser, url: str, viewport: dict):
    page = browser.new_page(viewport=viewport)
    page.goto(f"{url}/?territoire=33440", timeout=120_000)
    page.wait_for_selector(".territoire-titre h1:has-text('Saint-Martial')", timeout=120_000)
    page.wait_for_selector(".ti-retenir", timeout=60_000)
    switch = page.locator(".territoire-discussion select").first
    switch.select_option("elu.saint-martial")  # the demo's user switch (demo data, no imposed identity)
    page.wait_for_selector(".territoire-radar button:has-text('Lancer le radar foncier')", timeout=60_000)
    return page


def _radar(page):
    page.locator(".territoire-radar button", has_text="Lancer le radar foncier").click()
    page.wait_for_selector(".territoire-radar table.ti-radar", timeout=120_000)
    page.wait_for_timeout(1500)  # the map moves and draws the layer


def _plots_inside_map(page) -> dict:
    return page.evaluate(
        """() => {
            const map = document.querySelector('.leaflet-container').getBoundingClientRect();
            const paths = [...document.querySelectorAll('.leaflet-container path')]
                .filter(p => (p.getAttribute('stroke') || '').toLowerCase() === '#ce0500');
            const boxes = paths.map(p => p.getBoundingClientRect()).filter(b => b.width > 0 && b.height > 0);
            const inside = boxes.filter(b => b.left >= map.left - 1 && b.right <= map.right + 1
                                           && b.top >= map.top - 1 && b.bottom <= map.bottom + 1);
            const left = Math.min(...boxes.map(b => b.left)), right = Math.max(...boxes.map(b => b.right));
            return {paths: paths.length, drawn: boxes.length, inside: inside.length, spread: right - left,
                    map_width: map.width};
        }"""
    )


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_saint_martial_as_its_elu(browser, demo_dashboard, artifacts, device):
    page = _open_as_elu(browser, demo_dashboard, VIEWPORTS[device])
    summary = page.locator(".ti-retenir")
    text = summary.inner_text()
    assert "Ce qu'il faut retenir" in text and "ZAN" in text and "communes de même densité" in text
    summary.screenshot(path=str(artifacts / f"lecture_synthese_{device}.png"))

    zan = page.locator(".territoire-zan")
    zan.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('.territoire-zan').innerText.includes('20 juillet 2023')", timeout=60_000
    )
    zan_text = zan.inner_text()
    assert "garantie communale de 1 ha" in zan_text.lower() and "20 juillet 2023" in zan_text
    assert "," in page.locator(".territoire-zan input[type=text]").first.input_value()  # « 0,07 », French
    zan.screenshot(path=str(artifacts / f"lecture_zan_{device}.png"))

    _radar(page)
    page.locator(".leaflet-container").first.scroll_into_view_if_needed()
    page.locator(".leaflet-container").first.screenshot(path=str(artifacts / f"lecture_radar_carte_{device}.png"))
    drawn = _plots_inside_map(page)
    assert drawn["drawn"] > 0, drawn
    assert drawn["inside"] >= 0.8 * drawn["drawn"], drawn  # the map framed on the plots
    assert drawn["spread"] > 0.2 * drawn["map_width"], drawn  # street scale, not a dot
    table = page.locator(".territoire-radar").inner_text()
    assert "Parcelles 1 à 25 sur 33" in table and "au cœur du bâti existant" in table
    if device == "bureau":  # on a phone each plot is a block, without the column heads
        assert "Pourquoi elle est retenue" in table
    page.locator(".territoire-radar").screenshot(path=str(artifacts / f"lecture_radar_{device}.png"))

    # The exchange panel fits its column (no input wider than the panel).
    overflow = page.evaluate(
        """() => { const panel = document.querySelector('.territoire-discussion');
                   return panel.scrollWidth - panel.clientWidth; }"""
    )
    assert overflow <= 1, overflow
    page.close()
