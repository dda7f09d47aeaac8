"""End to end: JupyterHub (configurable-http-proxy from npm) serving the dashboard per user,
the store behind the ``territoire-store`` service, each user's server under its own Unix account.

Two users with rights on Bordeaux sign in; one posts; the other sees it in their dashboard; a
third, a company admitted elsewhere, does not. Then, from a user's server — its Unix account
and its environment —, the store's file cannot be read, no address or credential of the store
is there, the Jupyter API refuses to start a kernel or save a file, and the store service
answers each token with its owner's rights only.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, binary, missing_prerequisite, run_cli
from server import free_port, stop

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DEPLOYMENT = ROOT / "deploy" / "jupyterhub"
CONFIG = DEPLOYMENT / "jupyterhub_config.py"
ACCOUNTS = ("ter-alice", "ter-bob", "ter-eve")
PASSWORD = "essai-e2e"


def _hub_environment(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TERRITOIRE_", "JUPYTERHUB_"))}
    return {**env, "TERRITOIRE_NO_PROGRESS": "1", **values}


@pytest.fixture(scope="module")
def proxy():
    if not (DEPLOYMENT / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        npm = binary("npm")
        installation = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=DEPLOYMENT, capture_output=True, text=True, timeout=300
        )
        if installation.returncode != 0:
            missing_prerequisite(f"configurable-http-proxy n'a pas pu être installé : {installation.stderr[-300:]}")


@pytest.fixture(scope="module")
def accounts():
    """One Unix account per hub user (the ``local`` spawner switches to them): needs root."""
    if os.geteuid() != 0:
        missing_prerequisite("comptes Unix par utilisateur : le test du hub doit tourner en root (useradd)")
    useradd, userdel = binary("useradd"), binary("userdel")
    homes = Path(tempfile.mkdtemp(prefix="territoire-comptes-"))
    homes.chmod(0o755)
    created = []
    for login in ACCOUNTS:
        home = homes / login
        try:
            pwd.getpwnam(login)
        except KeyError:
            subprocess.run(
                [
                    useradd,
                    "--system",
                    "--no-create-home",
                    "--home-dir",
                    str(home),
                    "--shell",
                    "/usr/sbin/nologin",
                    login,
                ],
                check=True,
            )
            created.append(login)
        subprocess.run(["usermod", "--home", str(home), login], check=False, capture_output=True)
        home.mkdir()
        account = pwd.getpwnam(login)
        os.chown(home, account.pw_uid, account.pw_gid)
        home.chmod(0o700)
    yield homes
    for login in created:
        subprocess.run([userdel, login], check=False, capture_output=True)
    shutil.rmtree(homes, ignore_errors=True)


@pytest.fixture(scope="module")
def users_python(tmp_path_factory):
    """An interpreter the users' accounts can run: a venv of the system Python 3.11 that sees
    this environment's packages (the test's own interpreter may sit under /root, 0700)."""
    system = shutil.which("python3.11", path="/usr/bin:/usr/local/bin")
    if system is None:
        missing_prerequisite("Python 3.11 du système absent (/usr/bin/python3.11) : serveurs des comptes Unix")
    folder = Path(tempfile.mkdtemp(prefix="territoire-python-"))
    folder.chmod(0o755)
    subprocess.run([system, "-m", "venv", "--without-pip", str(folder / "venv")], check=True)
    packages = Path(sysconfig.get_paths()["purelib"])
    site = next((folder / "venv" / "lib").glob("python3*/site-packages"))
    (site / "territoire_environnement.pth").write_text(f"import site; site.addsitedir({str(packages)!r})\n")
    subprocess.run(["chmod", "-R", "a+rX", str(folder)], check=True)
    yield folder / "venv" / "bin" / "python"
    shutil.rmtree(folder, ignore_errors=True)


def _stop_hub(processes: subprocess.Popen, port: int) -> None:
    """Stop the hub and everything it started, so that nothing outlives the module: the hub's
    session, then the users' processes and the proxy of this port, which the spawner and the
    hub start in sessions of their own."""
    try:
        stop(processes, 30)
    except ProcessLookupError:  # nothing left in its session
        pass
    for login in ACCOUNTS:
        subprocess.run(["pkill", "-KILL", "-u", login], capture_output=True, check=False)
    subprocess.run(["pkill", "-KILL", "-f", f"configurable-http-proxy.*{port}"], capture_output=True, check=False)
    subprocess.run(["pkill", "-KILL", "-f", "territoire_data.service"], capture_output=True, check=False)


@pytest.fixture(scope="module")
def hub(proxy, accounts, users_python, home_demo, artifacts):
    """The hub on 127.0.0.1 with the ``local`` spawner; yields (url, data home, store file)."""
    from territoire_data.cli.dashboard import prepare_outlines
    from territoire_data.workspace import Workspace

    # Open data readable by every account; the store in the hub's state, readable by root only.
    data = Path(tempfile.mkdtemp(prefix="territoire-donnees-"))
    shutil.copytree(
        home_demo, data, dirs_exist_ok=True, ignore=shutil.ignore_patterns("discussions.sqlite*", "echanges")
    )
    prepare_outlines(Workspace(data))
    subprocess.run(["chmod", "-R", "a+rX", str(data)], check=True)
    state = Path(tempfile.mkdtemp(prefix="territoire-hub-"))
    store = state / "store" / "discussions.sqlite"
    store.parent.mkdir(mode=0o700)
    administration = {"TERRITOIRE_DB_URL": f"sqlite:///{store}"}
    for command in (
        ["db", "upgrade"],
        ["users", "add", "ter-alice", "--role", "elu", "--territoire", "33063", "--organisation", "Mairie de Bordeaux"],
        ["users", "add", "ter-bob", "--role", "agent", "--territoire", "epci:243300316"],
        ["users", "add", "ter-eve", "--role", "entreprise", "--territoire", "24322"],
    ):
        output = run_cli(*command, home=data, env=administration)
        assert output.returncode == 0, output.stderr
    port = free_port()
    env = _hub_environment(
        TERRITOIRE_HOME=str(data),
        TERRITOIRE_HUB_STATE=str(state),
        TERRITOIRE_HUB_PORT=str(port),
        TERRITOIRE_HUB_INTERNAL_PORT=str(free_port()),
        TERRITOIRE_HUB_PROXY_PORT=str(free_port()),
        TERRITOIRE_HUB_STORE_PORT=str(free_port()),
        TERRITOIRE_HUB_AUTHENTICATOR="dummy",
        TERRITOIRE_HUB_DEMO="1",
        TERRITOIRE_HUB_PASSWORD=PASSWORD,
        TERRITOIRE_HUB_SPAWNER="local",
        TERRITOIRE_HUB_PYTHON=str(users_python),
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
        JUPYTER_CONFIG_PATH=str(Path(sys.prefix) / "etc" / "jupyter"),
        TERRITOIRE_MESSAGE_LIMIT="1000/60",
    )
    log = open(artifacts / "jupyterhub.log", "w")
    processes = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
        cwd=state,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        limit = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/hub/login", timeout=2).read()
                break
            except OSError:
                if processes.poll() is not None or time.monotonic() > limit:
                    raise RuntimeError("JupyterHub n'a pas démarré (voir tests/artefacts/jupyterhub.log)") from None
                time.sleep(0.5)
        yield {"url": url, "data": data, "store": store, "state": state}
    finally:
        _stop_hub(processes, port)
        log.close()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)


def _connection(browser, hub: str, login: str):
    page = browser.new_context().new_page()
    page.goto(f"{hub}/hub/login", timeout=60_000)
    page.fill("#username_input", login)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{login}/**", timeout=180_000)
    page.goto(f"{hub}/user/{login}/voila/render/tableau_de_bord.ipynb?commune=33063", timeout=180_000)
    page.wait_for_selector(".territoire-dashboard .territoire-titre h1", timeout=180_000)
    page.wait_for_selector(".territoire-discussion h2", timeout=60_000)
    return page


def _processes_of(login: str) -> list:
    import psutil

    found = []
    for process in psutil.process_iter(["username", "cmdline"]):
        if process.info["username"] == login:
            found.append(process)
    return found


def _token_of(login: str) -> str:
    for process in _processes_of(login):
        token = process.environ().get("JUPYTERHUB_API_TOKEN")
        if token:
            return token
    raise AssertionError(f"aucun serveur de {login}")


def _service(hub: dict, operation: str, arguments: dict, token: str | None) -> tuple[int, dict]:
    url = _service_url(hub)
    request = urllib.request.Request(
        f"{url}api/{operation}",
        data=json.dumps(arguments).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"token {token}"} if token else {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _service_url(hub: dict) -> str:
    for process in _processes_of("ter-alice"):
        url = process.environ().get("TERRITOIRE_STORE_SERVICE_URL")
        if url:
            return url
    raise AssertionError("adresse du service d'échange absente du serveur de ter-alice")


@pytest.fixture(scope="module")
def exchanged(hub, browser, artifacts):
    """ter-alice posts an `elus` thread; ter-bob sees it; ter-eve does not."""
    alice = _connection(browser, hub["url"], "ter-alice")
    assert "Connecté : ter-alice" in alice.inner_text(".territoire-discussion")  # from the Hub, not the page
    assert alice.locator(".territoire-discussion select").first.is_hidden()  # no user switch outside demo
    message = f"Conseil municipal du {time.strftime('%d/%m %H:%M:%S')}"
    alice.locator(".territoire-discussion input[type=text]").first.fill("Ordre du jour")
    alice.locator(".territoire-discussion textarea").fill(message)
    alice.locator(".territoire-discussion button", has_text="Publier").click()
    alice.wait_for_function(
        "t => document.querySelector('.territoire-fils').innerText.includes(t)", arg=message, timeout=20_000
    )
    return {"alice": alice, "message": message}


def test_two_users_exchange_a_third_sees_nothing(hub, browser, exchanged, artifacts):
    message = exchanged["message"]
    bob = _connection(browser, hub["url"], "ter-bob")
    bob.wait_for_function(
        "t => document.querySelector('.territoire-fils').innerText.includes(t)", arg=message, timeout=10_000
    )
    assert "Connecté : ter-bob" in bob.inner_text(".territoire-discussion")
    bob.screenshot(path=str(artifacts / "jupyterhub_bob.png"))

    eve = _connection(browser, hub["url"], "ter-eve")
    time.sleep(3)  # more than a polling period
    assert message not in eve.inner_text("body")
    assert eve.locator(".territoire-discussion .ti-fil", has_text="Ordre du jour").count() == 0
    eve.screenshot(path=str(artifacts / "jupyterhub_eve.png"))


def test_store_unreachable_from_a_users_server(hub, exchanged):
    """The user's server and kernel run as ter-alice, hold no address of the store, and cannot
    read its file or open it — even with code running in that account and environment."""
    store = hub["store"]
    processes = _processes_of("ter-alice")
    commands = [" ".join(p.info["cmdline"] or []) for p in processes]
    assert any("jupyterhub.singleuser" in c for c in commands), commands
    assert any("ipykernel" in c for c in commands), commands  # the dashboard's kernel, same account
    for process in processes:
        environment = process.environ()
        assert "TERRITOIRE_DB_URL" not in environment
        assert not [k for k, v in environment.items() if str(store.parent) in v]
    server = next(p for p in processes if "jupyterhub.singleuser" in " ".join(p.info["cmdline"]))
    server_environment, interpreter = server.environ(), server.info["cmdline"][0]

    attempt = f"""
import json, sqlite3
outcome = {{}}
try:
    open({str(store)!r}, "rb").read(16); outcome["file"] = "lu"
except OSError as error:
    outcome["file"] = type(error).__name__
try:
    sqlite3.connect("file:{store}?mode=ro", uri=True).execute("select count(*) from messages").fetchone()
    outcome["sqlite"] = "ouvert"
except sqlite3.Error as error:
    outcome["sqlite"] = type(error).__name__
try:
    from territoire_data.workspace import Workspace
    outcome["local_store"] = Workspace().discussions("ter-alice").threads("33063")
except Exception as error:
    outcome["local_store"] = type(error).__name__
print(json.dumps(outcome))
"""
    run = subprocess.run(
        [
            "runuser",
            "-u",
            "ter-alice",
            "--",
            "env",
            "-i",
            *(f"{k}={v}" for k, v in server_environment.items()),
            interpreter,
            "-c",
            attempt,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["file"] == "PermissionError"
    assert outcome["sqlite"] == "OperationalError"
    assert outcome["local_store"] != [] and not isinstance(outcome["local_store"], list)
    assert exchanged["message"] not in run.stdout + run.stderr


def test_store_service_answers_each_token_with_its_owners_rights(hub, exchanged):
    alice, eve = _token_of("ter-alice"), _token_of("ter-eve")
    status, listed = _service(hub, "threads", {"territory": "33063"}, alice)
    assert status == 200 and [t["title"] for t in listed["result"]] == ["Ordre du jour"]
    thread = listed["result"][0]["id"]
    assert _service(hub, "threads", {"territory": "33063"}, eve) == (200, {"result": []})
    status, refused = _service(hub, "messages", {"thread_id": thread}, eve)
    assert status == 403 and refused["kind"] == "refused" and exchanged["message"] not in json.dumps(refused)
    assert _service(hub, "messages", {"thread_id": thread}, None)[0] == 403  # no token
    assert _service(hub, "messages", {"thread_id": thread}, "jeton-invente")[0] == 403
    # The login is the token's: a claimed one in the body is refused, not believed.
    status, body = _service(hub, "messages", {"thread_id": thread, "login": "ter-alice"}, eve)
    assert status == 400 and "login" in body["error"]


def test_mise_en_relation_through_the_service(hub, exchanged):
    """Issue #17 through the Hub service: the actor is whoever the token says; the élu of
    Bordeaux decides; the actor can neither decide nor see the élus' names."""
    alice, eve = _token_of("ter-alice"), _token_of("ter-eve")
    profile = {
        "name": "Rénovation Périgord",
        "siren": "123456782",
        "naf": "43.29A",
        "size_band": "03",
        "themes": ["logement"],
        "territories": ["33063", "24322"],
        "description": "Rénovation énergétique des logements.",
        "contact_email": "contact@renovation.test",
    }
    status, saved = _service(hub, "save_profile", profile, eve)
    assert status == 200 and saved["result"]["mine"], saved
    status, asked = _service(hub, "request_access", {"territory": "33063", "message": "Bonjour"}, eve)
    assert status == 200 and asked["result"]["status"] == "pending"
    request = asked["result"]["id"]
    status, refused = _service(hub, "approve_request", {"request_id": request, "until": "2099-01-01"}, eve)
    assert status == 403 and refused["error"] == "Demande introuvable ou non accessible."
    status, waiting = _service(hub, "requests", {"territory": "33063", "status": "pending"}, alice)
    assert status == 200 and [r["organisation"] for r in waiting["result"]] == ["Rénovation Périgord"]
    status, early = _service(hub, "approve_request", {"request_id": request, "until": "2099-01-01"}, alice)
    assert status == 400 and "pas encore vérifié" in early["error"]  # the SIREN is a claim until checked
    data, store = hub["data"], hub["store"]
    administration = {"TERRITOIRE_DB_URL": f"sqlite:///{store}"}
    added = run_cli("users", "add", "admin", "--role", "admin", "--territoire", "france", home=data, env=administration)
    checked = run_cli("acteurs", "verifier", "123456782", home=data, env=administration)
    assert added.returncode == 0 and checked.returncode == 0, checked.stderr
    until = time.strftime("%Y-%m-%d", time.localtime(time.time() + 200 * 86_400))
    status, approved = _service(hub, "approve_request", {"request_id": request, "until": until}, alice)
    assert status == 200 and approved["result"]["status"] == "approved"
    status, told = _service(hub, "notifications", {}, eve)
    assert status == 200 and "acceptée" in told["result"][0]["text"]
    assert "ter-alice" not in json.dumps(told) + json.dumps(_service(hub, "requests", {}, eve)[1])
    status, directory = _service(hub, "directory", {"territory": "33063"}, alice)
    assert status == 200 and directory["result"][0]["contacts"]["email"] == "contact@renovation.test"


def test_jupyter_api_is_read_only_for_users(hub, exchanged):
    page = exchanged["alice"]
    context = page.context
    xsrf = next((c["value"] for c in context.cookies() if c["name"] == "_xsrf"), "")
    base = f"{hub['url']}/user/ter-alice"
    headers = {"X-XSRFToken": xsrf}
    assert context.request.get(f"{base}/api/contents").status == 200  # reading is fine
    attempts = {
        "nouveau noyau": context.request.post(f"{base}/api/kernels", headers=headers, data="{}"),
        "carnet écrit": context.request.put(
            f"{base}/api/contents/pirate.ipynb",
            headers=headers,
            data=json.dumps(
                {"type": "notebook", "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}}
            ),
        ),
        "terminal": context.request.post(f"{base}/api/terminals", headers=headers),
    }
    for what, answer in attempts.items():
        assert answer.status in (403, 404), f"{what} : {answer.status}"
        assert "xsrf" not in answer.text().lower(), f"{what} refusé pour une autre raison : {answer.text()[:200]}"
    assert not (ROOT / "notebooks" / "pirate.ipynb").exists()


@pytest.mark.parametrize(
    ("authentication", "expected"),
    [({}, "Aucun authentificateur"), ({"TERRITOIRE_HUB_AUTHENTICATOR": "dummy"}, "TERRITOIRE_HUB_DEMO=1")],
)
def test_hub_refuses_to_start_without_a_real_authenticator(proxy, tmp_path, authentication, expected):
    env = _hub_environment(
        TERRITOIRE_HUB_STATE=str(tmp_path),
        TERRITOIRE_HUB_PORT=str(free_port()),
        TERRITOIRE_HUB_PASSWORD="x",
        **authentication,
    )
    started = subprocess.run(
        [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert expected in started.stdout + started.stderr
