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
    assert "section ZH n° 19" in table and "lieu-dit CARRIAU" in table  # a plot one can find on the ground
    # Offline, the map names the places itself: sections dashed and labelled, lieux-dits.
    names = page.evaluate(
        """() => ({sections: [...document.querySelectorAll('.leaflet-container .ti-etiquette-section')]
                                .map(e => e.textContent),
                   places: document.querySelectorAll('.leaflet-container .ti-etiquette-lieu').length,
                   dashed: [...document.querySelectorAll('.leaflet-container path')]
                                .filter(p => p.getAttribute('stroke-dasharray')).length})"""
    )
    assert "Section ZH" in names["sections"] and names["places"] > 5 and names["dashed"] > 0, names
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


def test_the_triennial_report_from_the_foncier_tab(browser, demo_dashboard, artifacts):
    """In « Foncier et ZAN », the élu of Saint-Martial drafts the triennial report (ODT and a
    readable version) and enters a local figure, signed and dated; a consultant of the
    département sees neither."""
    page = _open_as_elu(browser, demo_dashboard, VIEWPORTS["bureau"])
    page.locator(".territoire-themes").get_by_role("tab", name="Foncier et ZAN").click()
    panel = page.locator(".territoire-rapport-triennal")
    panel.locator("button", has_text="Rapport triennal (projet)").click()
    page.wait_for_selector(".territoire-rapport-triennal a.ti-rtla-odt", timeout=120_000)
    assert panel.locator("a.ti-rtla-odt").get_attribute("download") == "rapport_triennal_33440.odt"
    assert panel.locator("a.ti-rtla-pdf, a.ti-rtla-html").count() == 1

    panel.get_by_text("Corrections locales (valeurs d'un observatoire)").click()
    form = page.locator(".territoire-corrections")
    field = lambda kind, label: form.locator(f".widget-{kind}", has_text=label)
    field("dropdown", "Chiffre").locator("select").select_option(label="consommation d'espaces NAF")
    field("dropdown", "Année").locator("select").select_option(label="2021")
    field("text", "Valeur (ha)").locator("input").fill("0,45")
    field("text", "Source").locator("input").fill("Observatoire départemental, relevé 2025")
    field("textarea", "Motif").locator("textarea").fill("Lotissement compté deux fois")
    form.locator("button", has_text="Enregistrer la correction").click()
    page.wait_for_selector(".territoire-corrections .ti-ok", timeout=30_000)
    listing = form.locator("table").inner_text()
    assert "Henri Dubos, élu(e) (tableau de bord) le " in listing and "0,45 ha" in listing
    panel.screenshot(path=str(artifacts / "lecture_rapport_triennal.png"))
    form.locator("button", has_text="Retirer").click()  # the demo store stays as it was
    page.wait_for_function(
        "() => document.querySelector('.territoire-corrections').innerText.includes('Aucune correction saisie')",
        timeout=30_000,
    )

    page.locator(".territoire-discussion select").first.select_option("consultant.bet")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.territoire-rapport-triennal')).display === 'none'",
        timeout=30_000,
    )
    page.close()


def test_an_unknown_code_says_so_and_offers_the_nearest(browser, demo_dashboard, artifacts):
    """``?territoire=33999`` names no commune: the page says so in French, offers the nearest
    codes, shows no territory (no title, cards, map or ZAN), and the tab's title says so; a
    suggestion opens its commune."""
    page = browser.new_page(viewport=VIEWPORTS["mobile"])
    page.goto(f"{demo_dashboard}/?territoire=33999", timeout=120_000)
    page.wait_for_selector(".territoire-erreur .ti-erreur", timeout=120_000)
    assert "Aucune commune de code « 33999 »" in page.locator(".territoire-erreur").inner_text()
    page.wait_for_function("document.title.startsWith('Territoire introuvable')", timeout=30_000)
    assert page.locator(".territoire-titre h1").count() == 0
    assert not page.locator(".territoire-zan").is_visible() and not page.locator(".territoire-themes").is_visible()
    suggestion = page.locator(".territoire-suggestions-code button").first
    assert suggestion.inner_text().startswith("33555 (")
    page.screenshot(path=str(artifacts / "code_inconnu_mobile.png"), full_page=False)
    suggestion.click()
    page.wait_for_selector(".territoire-titre h1", timeout=60_000)
    assert page.locator(".territoire-erreur .ti-erreur").count() == 0
    page.close()


def test_the_discussion_badge_appears_right_after_sign_in(browser, demo_dashboard):
    """Signed in as the élu of Bordeaux, the card of an indicator with a discussion shows its
    badge at once (it used to wait for a change of comparison group)."""
    page = browser.new_page(viewport=VIEWPORTS["bureau"])
    page.goto(f"{demo_dashboard}/?territoire=33063", timeout=120_000)
    page.wait_for_selector(".territoire-titre h1:has-text('Bordeaux')", timeout=120_000)
    assert page.locator(".ti-ancre").count() == 0  # nobody signed in: no discussion shown
    page.locator(".territoire-discussion select").first.select_option("elu.bordeaux")
    page.wait_for_function("document.querySelectorAll('.ti-ancre').length > 0", timeout=30_000)
    badge = page.locator('[data-indicateur="part_logements_vacants"] .ti-ancre').first
    assert "discussion sur cet indicateur" in badge.text_content()
    page.close()


# What « no text overflows its box » means, measured in the page: a text, a control, a table or
# a chart (1) cut by its own box (ellipsis, hidden overflow), (2) cut by an ancestor that hides
# its overflow (Jupyter's output areas do) or (3) past the screen's edge — unless a scrollable
# ancestor lets the reader reach it. A placeholder wider than its field counts as cut.
OVERFLOW = """() => {
  const root = document.querySelector('.territoire-dashboard');
  const screen = document.documentElement.clientWidth;
  const found = [];
  const describe = (el, why) => found.push({why, tag: el.tagName,
      text: (el.innerText || el.textContent || el.value || el.placeholder || '').trim().slice(0, 80)});
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('.leaflet-container')) continue;  // the map pans; its tiles and labels are cut on purpose
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || !el.getClientRects().length) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own && !['INPUT', 'BUTTON', 'SELECT', 'TEXTAREA', 'IMG', 'svg', 'TABLE', 'text'].includes(el.tagName)) continue;
    if (el.scrollWidth > el.clientWidth + 1 && ['hidden', 'clip'].includes(style.overflowX)) describe(el, 'coupé');
    else if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) describe(el, 'points de suspension');
    let scrolled = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (['auto', 'scroll'].includes(s.overflowX)) { scrolled = true; break; }
      if (['hidden', 'clip'].includes(s.overflowX)) {
        const limit = up.getBoundingClientRect();
        if (box.right > limit.right + 1 || box.left < limit.left - 1) { describe(el, 'caché par ' + up.className); break; }
      }
    }
    if (!scrolled && (box.right > screen + 1 || box.left < -1)) describe(el, "hors de l'écran");
  }
  const measure = document.createElement('canvas').getContext('2d');
  for (const field of root.querySelectorAll('input[placeholder]')) {
    if (!field.getClientRects().length || !field.placeholder) continue;
    const s = getComputedStyle(field);
    measure.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const room = field.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (measure.measureText(field.placeholder).width > room + 1) describe(field, 'texte indicatif coupé');
  }
  return {page: document.documentElement.scrollWidth - screen, found};
}"""

# Cards whose figure grows with the territory: a position in words, never a verdict.
TOTALS = """() => [...document.querySelectorAll('.territoire-themes .territoire-indicateur')]
  .filter(card => card.getClientRects().length)
  .map(card => ({id: card.dataset.indicateur, unit: (card.querySelector('.ti-unite') || {}).textContent || '',
                 words: (card.querySelector('.ti-legende') || {}).textContent || ''}))"""


def _open_in_place(page, query: str, title: str) -> None:
    """Open a territory from the search box, in the same page (and kernel)."""
    search = page.locator(".territoire-recherche input")
    search.fill(query)
    page.locator("button.territoire-suggestion", has_text=title).first.click()
    page.wait_for_selector(f".territoire-titre h1:has-text('{title}')", timeout=60_000)
    page.wait_for_timeout(800)


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_every_tab_fits_the_screen_for_a_commune_an_epci_and_a_departement(browser, demo_dashboard, artifacts, device):
    """At 1360 and at 390 px, on Bordeaux, Bordeaux Métropole and the Gironde: no text cut or
    past the screen on any tab, the ZAN block whole, no verdict on a total, no share of peers
    above 100 %, and the élu's discussion badge right after sign-in."""
    import re

    from territoire_data.core.catalogue import EXTENSIVE_UNITS

    page = browser.new_page(viewport=VIEWPORTS[device])
    page.goto(f"{demo_dashboard}/?territoire=33063", timeout=120_000)
    page.wait_for_selector(".territoire-titre h1:has-text('Bordeaux')", timeout=120_000)
    page.locator(".territoire-discussion select").first.select_option("elu.bordeaux")
    page.wait_for_function("document.querySelectorAll('.ti-ancre').length > 0", timeout=30_000)
    places = [
        ("33063", None, "Bordeaux"),
        ("epci", "Bordeaux Métropole", "Bordeaux Métropole"),
        ("dep", "Gironde", "Gironde"),
    ]
    tabs = page.locator(".territoire-themes .lm-TabBar-tab")
    for key, query, title in places:
        if query:
            _open_in_place(page, query, title)
        for number in range(tabs.count()):
            tab = tabs.nth(number)
            tab.click()
            page.wait_for_timeout(250)
            label = tab.inner_text().strip()
            measured = page.evaluate(OVERFLOW)
            assert measured["page"] <= 1 and not measured["found"], (title, label, measured)
            text = page.locator(".territoire-themes").inner_text()
            shares = [int(s) for s in re.findall(r"(?:au-dessus|en dessous) de (\d+) %", text)]
            assert all(0 < s < 100 for s in shares), (title, label, shares)
            for card in page.evaluate(TOTALS):
                if card["unit"].strip() in EXTENSIVE_UNITS:
                    assert "favorable" not in card["words"], (title, label, card)
        zan = page.locator(".territoire-zan")
        zan.scroll_into_view_if_needed()
        zan_text = zan.inner_text()
        assert "Enveloppe 2021-2030" in zan_text and "Projection au 1er janvier 2031" in zan_text
        measured = page.evaluate(OVERFLOW)
        assert not measured["found"], (title, "ZAN", measured)
        _whole_page(page, artifacts / f"page_{key}_{device}.png")
    page.close()


def _whole_page(page, path) -> None:
    """A screenshot of the whole dashboard: the page scrolls inside Voilà's container, so the
    window is made as tall as the dashboard (same width, same layout) for the picture."""
    size = page.viewport_size
    height = page.evaluate("Math.min(document.querySelector('.territoire-dashboard').scrollHeight + 40, 16000)")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
