"""End to end: JupyterHub (configurable-http-proxy from npm) serving the dashboard per user.

Two users with rights on Bordeaux sign in; one posts; the other sees it in their dashboard;
a third user, a company admitted elsewhere, does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import RACINE, binaire, lancer, manque
from serveur import arreter, port_libre

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DEPLOIEMENT = RACINE / "deploy" / "jupyterhub"


@pytest.fixture(scope="module")
def hub(home_demo, tmp_path_factory, artefacts):
    if not (DEPLOIEMENT / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        npm = binaire("npm")
        installation = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=DEPLOIEMENT, capture_output=True,
                                      text=True, timeout=300)
        if installation.returncode != 0:
            manque(f"configurable-http-proxy n'a pas pu être installé : {installation.stderr[-300:]}")
    for commande in (["db", "upgrade"], ["users", "add", "alice", "--role", "elu", "--territoire", "33063"],
                     ["users", "add", "bob", "--role", "agent", "--territoire", "epci:243300316"],
                     ["users", "add", "eve", "--role", "entreprise", "--territoire", "24322"]):
        sortie = lancer(*commande, home=home_demo)
        assert sortie.returncode == 0, sortie.stderr
    etat = tmp_path_factory.mktemp("hub")
    port = port_libre()
    env = {**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_HUB_ETAT": str(etat),
           "TERRITOIRE_HUB_PORT": str(port), "TERRITOIRE_HUB_PORT_INTERNE": str(port_libre()),
           "TERRITOIRE_HUB_PORT_PROXY": str(port_libre()), "TERRITOIRE_HUB_MOT_DE_PASSE": "essai",
           "TERRITOIRE_HORS_LIGNE": "1", "TERRITOIRE_SANS_PROGRESSION": "1"}
    env.pop("TERRITOIRE_USER", None)
    journal = open(artefacts / "jupyterhub.log", "w")
    processus = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(DEPLOIEMENT / "jupyterhub_config.py")],
                                 cwd=etat, env=env, stdout=journal, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        limite = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/hub/login", timeout=2).read()
                break
            except OSError:
                if processus.poll() is not None or time.monotonic() > limite:
                    raise RuntimeError("JupyterHub n'a pas démarré (voir tests/artefacts/jupyterhub.log)") from None
                time.sleep(0.5)
        yield url
    finally:
        arreter(processus, 30)
        journal.close()


@pytest.fixture(scope="module")
def navigateur():
    chemin = binaire("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=chemin, args=["--no-sandbox"])
        yield chrome
        chrome.close()


def _connexion(navigateur, hub: str, login: str):
    page = navigateur.new_context().new_page()
    page.goto(f"{hub}/hub/login", timeout=60_000)
    page.fill("#username_input", login)
    page.fill("#password_input", "essai")
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{login}/**", timeout=180_000)
    page.goto(f"{hub}/user/{login}/voila/render/tableau_de_bord.ipynb?commune=33063", timeout=180_000)
    page.wait_for_selector(".territoire-dashboard .territoire-titre h1", timeout=180_000)
    page.wait_for_selector(".territoire-discussion h2", timeout=60_000)
    return page


def test_deux_utilisateurs_echangent_un_troisieme_ne_voit_rien(hub, navigateur, artefacts):
    alice = _connexion(navigateur, hub, "alice")
    assert "Connecté : alice" in alice.inner_text(".territoire-discussion")  # JUPYTERHUB_USER, not the page
    assert alice.locator(".territoire-discussion select").first.is_hidden()  # no user switch outside demo…
    message = f"Conseil municipal du {time.strftime('%d/%m %H:%M:%S')}"
    alice.locator(".territoire-discussion input[type=text]").first.fill("Ordre du jour")
    alice.locator(".territoire-discussion textarea").fill(message)
    alice.locator(".territoire-discussion button", has_text="Publier").click()
    alice.wait_for_function("t => document.querySelector('.territoire-fils').innerText.includes(t)", arg=message,
                            timeout=20_000)

    bob = _connexion(navigateur, hub, "bob")
    bob.wait_for_function("t => document.querySelector('.territoire-fils').innerText.includes(t)", arg=message,
                          timeout=10_000)
    assert "Connecté : bob" in bob.inner_text(".territoire-discussion")
    bob.screenshot(path=str(artefacts / "jupyterhub_bob.png"))

    eve = _connexion(navigateur, hub, "eve")
    time.sleep(3)  # more than a polling period
    assert message not in eve.inner_text("body")
    assert eve.locator(".territoire-discussion .ti-fil", has_text="Ordre du jour").count() == 0
    eve.screenshot(path=str(artefacts / "jupyterhub_eve.png"))
