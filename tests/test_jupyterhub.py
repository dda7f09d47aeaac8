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
from conftest import ROOT, binary, missing_prerequisite, run_cli
from server import free_port, stop

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DEPLOYMENT = ROOT / "deploy" / "jupyterhub"


@pytest.fixture(scope="module")
def hub(home_demo, tmp_path_factory, artifacts):
    if not (DEPLOYMENT / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        npm = binary("npm")
        installation = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=DEPLOYMENT, capture_output=True, text=True, timeout=300
        )
        if installation.returncode != 0:
            missing_prerequisite(f"configurable-http-proxy n'a pas pu être installé : {installation.stderr[-300:]}")
    for command in (
        ["db", "upgrade"],
        ["users", "add", "alice", "--role", "elu", "--territoire", "33063"],
        ["users", "add", "bob", "--role", "agent", "--territoire", "epci:243300316"],
        ["users", "add", "eve", "--role", "entreprise", "--territoire", "24322"],
    ):
        output = run_cli(*command, home=home_demo)
        assert output.returncode == 0, output.stderr
    state = tmp_path_factory.mktemp("hub")
    port = free_port()
    env = {
        **os.environ,
        "TERRITOIRE_HOME": str(home_demo),
        "TERRITOIRE_HUB_STATE": str(state),
        "TERRITOIRE_HUB_PORT": str(port),
        "TERRITOIRE_HUB_INTERNAL_PORT": str(free_port()),
        "TERRITOIRE_HUB_PROXY_PORT": str(free_port()),
        "TERRITOIRE_HUB_PASSWORD": "essai",
        "TERRITOIRE_NO_PROGRESS": "1",
    }
    env.pop("TERRITOIRE_USER", None)
    log = open(artifacts / "jupyterhub.log", "w")
    processes = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(DEPLOYMENT / "jupyterhub_config.py")],
        cwd=state,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        limit = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/hub/login", timeout=2).read()
                break
            except OSError:
                if processes.poll() is not None or time.monotonic() > limit:
                    raise RuntimeError("JupyterHub n'a pas démarré (voir tests/artefacts/jupyterhub.log)") from None
                time.sleep(0.5)
        yield url
    finally:
        stop(processes, 30)
        log.close()


def _connection(browser, hub: str, login: str):
    page = browser.new_context().new_page()
    page.goto(f"{hub}/hub/login", timeout=60_000)
    page.fill("#username_input", login)
    page.fill("#password_input", "essai")
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{login}/**", timeout=180_000)
    page.goto(f"{hub}/user/{login}/voila/render/tableau_de_bord.ipynb?commune=33063", timeout=180_000)
    page.wait_for_selector(".territoire-dashboard .territoire-titre h1", timeout=180_000)
    page.wait_for_selector(".territoire-discussion h2", timeout=60_000)
    return page


def test_two_users_exchange_a_third_sees_nothing(hub, browser, artifacts):
    alice = _connection(browser, hub, "alice")
    assert "Connecté : alice" in alice.inner_text(".territoire-discussion")  # JUPYTERHUB_USER, not the page
    assert alice.locator(".territoire-discussion select").first.is_hidden()  # no user switch outside demo…
    message = f"Conseil municipal du {time.strftime('%d/%m %H:%M:%S')}"
    alice.locator(".territoire-discussion input[type=text]").first.fill("Ordre du jour")
    alice.locator(".territoire-discussion textarea").fill(message)
    alice.locator(".territoire-discussion button", has_text="Publier").click()
    alice.wait_for_function(
        "t => document.querySelector('.territoire-fils').innerText.includes(t)", arg=message, timeout=20_000
    )

    bob = _connection(browser, hub, "bob")
    bob.wait_for_function(
        "t => document.querySelector('.territoire-fils').innerText.includes(t)", arg=message, timeout=10_000
    )
    assert "Connecté : bob" in bob.inner_text(".territoire-discussion")
    bob.screenshot(path=str(artifacts / "jupyterhub_bob.png"))

    eve = _connection(browser, hub, "eve")
    time.sleep(3)  # more than a polling period
    assert message not in eve.inner_text("body")
    assert eve.locator(".territoire-discussion .ti-fil", has_text="Ordre du jour").count() == 0
    eve.screenshot(path=str(artifacts / "jupyterhub_eve.png"))
