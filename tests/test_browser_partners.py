"""Mise en relation in a real browser (issue #17's acceptance path).

A real ``territoire dashboard`` behind an identity header (as behind an authenticating proxy:
each browser context is one person), a store of its own, and a real SMTP server on 127.0.0.1
that the dashboard's courier sends to. A company creates its profile and asks to join
Saint-Martial; the commune's élu sees the request in the dashboard and approves it, opens a
thread for partners and invites the company; the company receives the e-mail, accepts and
answers; the élu sees the reply. Screenshots in ``tests/artefacts/acteurs_*.png``.
"""

from __future__ import annotations

import time

import pytest
from conftest import run_cli
from smtp import smtp_server, smtp_settings

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HEADER = "X-Territoire-Utilisateur"
COMPANY, ELU = "solaire.lea", "elu.saint-martial"
REPLY = "Nous pouvons poser 120 kWc sur le préau : visite possible mardi."
SECRET = "mot-de-passe-smtp-de-test"


@pytest.fixture(scope="module")
def served(home_demo, artifacts, tmp_path_factory):
    """(dashboard URL, mailbox) for this module: its own store, SMTP on a local server."""
    from server import dashboard_server

    folder = tmp_path_factory.mktemp("mise-en-relation")
    with smtp_server() as (mailbox, port):
        env = {
            "TERRITOIRE_DB_URL": f"sqlite:///{folder / 'echanges.sqlite'}",
            "TERRITOIRE_IDENTITY_HEADER": HEADER,
            **smtp_settings(port, TERRITOIRE_SMTP_PASSWORD=SECRET),  # no user: never sent, only carried
        }
        seeds = run_cli("db", "demo", home=home_demo, env=env)
        assert seeds.returncode == 0, seeds.stderr
        with dashboard_server(home_demo, kernels=2, log=artifacts / "voila_acteurs.log", environment=env) as url:
            yield url, mailbox, env


def _open(browser, url: str, login: str):
    context = browser.new_context(viewport={"width": 1360, "height": 1000}, extra_http_headers={HEADER: login})
    page = context.new_page()
    page.goto(f"{url}/?territoire=33440", timeout=120_000)
    page.wait_for_selector(".territoire-acteurs h2:has-text('Acteurs du territoire — Saint-Martial')", timeout=120_000)
    return page


def _field(page, label: str, panel: str = ".territoire-acteurs"):
    """An ipywidgets field (label and input) by its French label, in a panel."""
    return page.locator(f"{panel} .widget-inline-hbox", has=page.locator(f'label:text-is("{label}")'))


def _choose(select, text: str):
    """Choose the option of a select whose label contains ``text`` (ids vary)."""
    select.select_option(label=select.locator("option", has_text=text).first.inner_text())


def _click(page, text: str):
    page.locator(".territoire-acteurs button", has_text=text).first.click()


def _said(page, text: str, timeout: int = 30_000):
    page.wait_for_function(
        "t => document.querySelector('.territoire-acteurs').innerText.includes(t)", arg=text, timeout=timeout
    )


def test_company_to_elu_and_back(browser, served, artifacts, home_demo):
    url, mailbox, env = served
    company = _open(browser, url, COMPANY)
    assert not _field(company, "Démo : vous êtes", ".territoire-discussion").is_visible()  # identity from the header
    # 1. the company presents itself, chooses immediate e-mails, asks to join
    _field(company, "Votre nom").locator("input").fill("Léa Martin")
    _field(company, "Courriel").locator("input").fill("lea.martin@soleil.test")
    _click(company, "Enregistrer mes préférences")
    _said(company, "Préférences enregistrées")
    _field(company, "Nom de l'organisation").locator("input").fill("Soleil d'Entre-deux-Mers")
    _field(company, "SIREN").locator("input").fill("123 456 782")
    _field(company, "Code NAF").locator("input").fill("43.21A")
    _field(company, "Thèmes").locator("select").select_option(label="Transition énergétique")
    _field(company, "Étiquettes").locator("input").fill("solaire en toiture")
    _field(company, "Présentation").locator("textarea").fill(
        "Centrales solaires en toiture pour les bâtiments publics."
    )
    _field(company, "Courriel du contact").locator("input").fill("contact@soleil.test")
    _click(company, "Enregistrer le profil")
    _said(company, "Profil enregistré")
    _said(company, "43.21A — Travaux de construction spécialisés")  # in the directory, with its activity
    company.locator(".territoire-acteurs textarea").last.fill("Nous aimerions vous présenter nos toitures solaires.")
    _click(company, "Demander à rejoindre Saint-Martial")
    _said(company, "Demande envoyée")
    company.locator(".territoire-acteurs").screenshot(path=str(artifacts / "acteurs_entreprise_demande.png"))

    # 2. an administrator confirms the company's SIREN (a claim until then); the élu sees the
    # request in the dashboard and approves it
    checked = run_cli("acteurs", "verifier", "123456782", home=home_demo, env=env)
    assert checked.returncode == 0 and "SIREN vérifié" in checked.stdout, checked.stderr
    elu = _open(browser, url, ELU)
    _said(elu, "1 demande(s) à traiter")
    _said(elu, "Nous aimerions vous présenter nos toitures solaires.")
    assert "contact@soleil.test" in elu.locator(".ti-annuaire").inner_text()  # contacts, for the élu
    elu.locator(".territoire-acteurs").screenshot(path=str(artifacts / "acteurs_elu_demande.png"))
    _click(elu, "Accepter la demande")
    _said(elu, "Demande acceptée")
    _said(company, "acceptée : accès partenaire jusqu'au", timeout=30_000)  # the company's open page is told

    # 3. the élu opens a thread for partners and invites the company into it
    discussion = elu.locator(".territoire-discussion")
    discussion.locator("input[placeholder='Titre de la nouvelle discussion']").fill("Toitures de l'école")
    discussion.locator("textarea").fill("Quel potentiel solaire sur le groupe scolaire ?")
    _field(elu, "Visible par", ".territoire-discussion").locator("select").select_option(
        label="élus, services et partenaires admis"
    )
    discussion.locator("button", has_text="Publier").click()
    elu.wait_for_selector('.territoire-discussion .ti-fil-titre:has-text("Toitures de l\'école")', timeout=30_000)
    elu.wait_for_selector(".territoire-acteurs button:has-text('Inviter dans la discussion')", timeout=30_000)
    _field(elu, "Inviter").locator("select").select_option(label="Soleil d'Entre-deux-Mers")
    _choose(_field(elu, "dans").locator("select"), "Toitures de l'école")
    _click(elu, "Inviter dans la discussion")
    _said(elu, "Invitation envoyée")

    # 4. the company gets the e-mail on the local SMTP server, accepts and answers
    limit = time.monotonic() + 90
    while not any("vous invite dans la discussion" in m.get_content() for m in mailbox.to("lea.martin@soleil.test")):
        assert time.monotonic() < limit, [m.get_content() for m in mailbox.messages]
        time.sleep(1)
    invitation = next(m for m in mailbox.to("lea.martin@soleil.test") if "vous invite" in m.get_content())
    body = invitation.get_content()
    assert invitation["Subject"] == "territoire : Invitation dans une discussion"
    assert body.startswith("Bonjour Léa Martin,") and f"{url}/?territoire=33440" in body
    assert "Quel potentiel solaire" not in body  # never a message's text
    _said(company, "1 invitation(s) en attente")
    _click(company, "Accepter l'invitation")
    _said(company, "Invitation acceptée")
    talk = company.locator(".territoire-discussion")
    company.wait_for_selector('.territoire-discussion .ti-fil-titre:has-text("Toitures de l\'école")', timeout=30_000)
    _choose(_field(company, "Répondre dans", ".territoire-discussion").locator("select"), "Toitures de l'école")
    talk.locator("textarea").fill(REPLY)
    talk.locator("button", has_text="Publier").click()
    company.wait_for_selector(".territoire-discussion .ti-ok:has-text('Message publié')", timeout=30_000)
    company.locator(".territoire-acteurs").screenshot(path=str(artifacts / "acteurs_entreprise_invitation.png"))

    # 5. the élu sees the reply, signed, and is told
    elu.wait_for_function(
        "t => document.querySelector('.territoire-discussion').innerText.includes(t)", arg=REPLY, timeout=30_000
    )
    assert "Léa Martin (Soleil d'Entre-deux-Mers)" in elu.locator(".territoire-discussion").inner_text()
    _said(elu, "Léa Martin a répondu dans « Toitures de l'école » (Saint-Martial).")
    elu.locator(".territoire-discussion").screenshot(path=str(artifacts / "acteurs_elu_reponse.png"))
    _secret_stays_in_the_server()
    for page in (company, elu):
        page.context.close()


def _secret_stays_in_the_server():
    """The SMTP password is in the server that sends the e-mails, never in the zygote or the
    kernels that run the visitors' widgets."""
    import psutil

    holders, kernels = [], []
    for process in psutil.process_iter(["cmdline", "environ"]):
        command = " ".join(process.info["cmdline"] or [])
        environ = process.info["environ"] or {}
        if "territoire_data.server.zygote" in command or "launch_kernel" in command:
            kernels.append(process.pid)
            assert "TERRITOIRE_SMTP_PASSWORD" not in environ, command
        elif environ.get("TERRITOIRE_SMTP_PASSWORD") == SECRET:
            holders.append(command)
    assert kernels, "aucun noyau trouvé"
    assert holders and all("territoire_data" in c and ("dashboard" in c or "server" in c) for c in holders), holders


def test_the_panel_fits_a_phone(browser, served, artifacts):
    """On a 390 px phone, nothing of the panel goes past the screen's width (after the path
    above, the élu's panel holds a decided request, the directory and the preferences)."""
    url, _mailbox, _env = served
    context = browser.new_context(viewport={"width": 390, "height": 844}, extra_http_headers={HEADER: ELU})
    page = context.new_page()
    page.goto(f"{url}/?territoire=33440", timeout=120_000)
    page.wait_for_selector(".territoire-acteurs h2:has-text('Acteurs du territoire')", timeout=120_000)
    _said(page, "Soleil d'Entre-deux-Mers")
    overflow = page.evaluate(
        """() => {
            const panel = document.querySelector('.territoire-acteurs');
            const limit = document.documentElement.clientWidth + 1;
            const wide = [...panel.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > limit);
            return {panel: panel.getBoundingClientRect().right, limit,
                    wide: wide.slice(0, 5).map(e => e.className + ' ' + Math.round(e.getBoundingClientRect().right))};
        }"""
    )
    assert overflow["panel"] <= overflow["limit"] and not overflow["wide"], overflow
    page.locator(".territoire-acteurs").screenshot(path=str(artifacts / "acteurs_elu_mobile.png"))
    context.close()
