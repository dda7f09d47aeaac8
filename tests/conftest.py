"""Shared fixtures: real data, strict mode, homes with their referential built once.

``TERRITOIRE_STRICT_TESTS=1`` (set by CI) turns every "missing binary" skip into a failure,
so that CI cannot go green by skipping. Real data: the small extracts in ``tests/donnees``
are part of the repository (``tools/extract_test_data.py`` remakes them from the national
files); no test reads outside the repository.

Two referentials: ``small_workspace`` (Gironde, Dordogne, Cantal, Mayotte: built in about two
seconds, for unit tests) and ``home``/``ref``/``workspace`` (all of France, built once per
session, for search, territories and end-to-end tests).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "donnees"
STRICT = os.environ.get("TERRITOIRE_STRICT_TESTS") == "1"
SMALL_SCOPE = ["24", "33", "15", "976"]
ARTIFACTS = ROOT / "tests" / "artefacts"


def missing_prerequisite(reason: str) -> None:
    """Skip for a missing prerequisite; fail instead in strict mode (CI)."""
    if STRICT:
        pytest.fail(f"{reason} (TERRITOIRE_STRICT_TESTS=1 : un prérequis manquant est une erreur)")
    pytest.skip(reason)


def binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing_prerequisite(f"binaire requis absent : {name}")
    return path


@contextmanager
def environment_variables(**values):
    """Environment variables set for a block (session or module fixtures: no monkeypatch there)."""
    previous_values = {name: os.environ.get(name) for name in values}
    os.environ.update({name: str(value) for name, value in values.items()})
    try:
        yield
    finally:
        for name, previous_value in previous_values.items():
            if previous_value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = previous_value


@pytest.fixture(scope="session")
def data_extracts() -> Path:
    """The real extracts shipped with the tests (``tests/donnees``)."""
    return TEST_DATA


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Logs and screenshots kept after the run: one folder per test process (``make test``
    runs two, each with its own servers and logs)."""
    folder = ARTIFACTS / os.environ.get("PYTEST_XDIST_WORKER", "principal")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """A home (the session's default workspace) whose national referential is built once."""
    from territoire_data.workspace import Workspace, set_default_workspace

    folder = tmp_path_factory.mktemp("territoire-home")
    with environment_variables(TERRITOIRE_HOME=folder):
        previous = set_default_workspace(Workspace(folder))
        yield folder
        set_default_workspace(previous)


@pytest.fixture(scope="session")
def workspace(home):
    """The workspace of ``home`` (national referential)."""
    from territoire_data.workspace import default_workspace

    return default_workspace()


@pytest.fixture(scope="session")
def ref(workspace):
    return workspace.referential


@pytest.fixture(scope="session")
def small_workspace(tmp_path_factory):
    """A workspace whose referential holds four départements only (built in seconds)."""
    from territoire_data.core.referential import load_referential
    from territoire_data.workspace import Workspace

    folder = tmp_path_factory.mktemp("territoire-petit")
    load_referential(folder, departements=SMALL_SCOPE, progress=False)
    return Workspace(folder)


@pytest.fixture(scope="session")
def small_ref(small_workspace):
    return small_workspace.referential


def docs_reference():
    """``tools/docs_reference.py``, the generator of the site's reference pages (not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_reference", ROOT / "tools" / "docs_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cli(*args: str, home: Path | None = None, env: dict | None = None, timeout: int = 300):
    """Run the installed ``territoire`` command in a subprocess (the real entry point)."""
    environment = {**os.environ, "TERRITOIRE_NO_PROGRESS": "1", **(env or {})}
    if home is not None:
        environment["TERRITOIRE_HOME"] = str(home)
    command = [sys.executable, "-m", "territoire_data", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=timeout)


def home_with_referential(tmp_path_factory, home_session: Path, name: str) -> Path:
    """A new home sharing the session's referential cache (copied, not rebuilt)."""
    folder = tmp_path_factory.mktemp(name)
    shutil.copytree(home_session / "referential", folder / "referential")
    return folder


@pytest.fixture(scope="session")
def home_real(tmp_path_factory, home, ref) -> Path:
    """A warehouse built from real extracts: comparateur 2022 (COG 2021), Filosofi 2021, COG 2026
    and Etalab's découpage (former codes), for Cantal, Gironde, Sarthe, Mayotte and a few others."""
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-reel")
    raw = folder / "brut"
    raw.mkdir()
    for file in (
        "insee_comparateur/base_cc_comparateur.CSV",
        "insee_comparateur/meta_base_cc_comparateur.CSV",
        "insee_filosofi/cc_filosofi_2021_COM.csv",
        "insee_cog/v_commune_2026.csv",
        "etalab_decoupage/communes.json",
    ):
        shutil.copy(TEST_DATA / file, raw)
    Workspace(folder).build_warehouse([raw])
    return folder


@pytest.fixture(scope="session")
def home_demo(tmp_path_factory, home, ref) -> Path:
    """A demo warehouse for Gironde and Dordogne."""
    from territoire_data.demo import generate_and_build
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-demo")
    generate_and_build(["33", "24"], workspace=Workspace(folder))
    return folder


@pytest.fixture(scope="module")
def browser():
    """The system Chromium driven by Playwright (one per test module)."""
    path = binary("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_prerequisite("Playwright pour Python n'est pas installé")
    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield chrome
        chrome.close()


@pytest.fixture(scope="session")
def demo_dashboard(home_demo, artifacts):
    """The real ``territoire dashboard`` on the demo home (2 preheated kernels, demo accounts and
    threads seeded), shared by the browser suites; yields its base URL. Log: voila.log.

    Kernels of pages gone without a word are culled after 10 s instead of 30 (the default,
    checked in test_server): the cull is the same, the suite waits less for it."""
    from server import dashboard_server

    seeds = run_cli("db", "demo", home=home_demo)
    assert seeds.returncode == 0, seeds.stderr
    quick_cull = {"TERRITOIRE_KERNEL_CULL_S": "10"}
    with dashboard_server(home_demo, kernels=2, log=artifacts / "voila.log", environment=quick_cull) as url:
        yield url


@pytest.fixture
def use_home(monkeypatch):
    """Make a home the default workspace's (and ``$TERRITOIRE_HOME``) for the test."""
    from territoire_data.workspace import Workspace, set_default_workspace

    previous = []

    def use(folder: Path) -> Path:
        monkeypatch.setenv("TERRITOIRE_HOME", str(folder))
        previous.append(set_default_workspace(Workspace(folder)))
        return folder

    yield use
    if previous:
        set_default_workspace(previous[0])


@pytest.fixture(scope="module")
def postgres():
    """A throw-away PostgreSQL server (initdb + pg_ctl in a temp folder; as postgres when root)."""
    for name in ("initdb", "pg_ctl", "postgres"):
        binary(name)
    root = os.geteuid() == 0
    if root and shutil.which("runuser") is None:
        missing_prerequisite("runuser absent : impossible de lancer PostgreSQL en tant que postgres")
    folder = Path(tempfile.mkdtemp(prefix="territoire-pg-"))
    data = folder / "donnees"
    prefix = ["runuser", "-u", "postgres", "--"] if root else []
    if root:
        shutil.chown(folder, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        [*prefix, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [
            *prefix,
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=50",
            "start",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as connection:
            connection.execute("CREATE DATABASE territoire")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/territoire"
    finally:
        subprocess.run([*prefix, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def partners_workspace(folder, **variables):
    """A workspace whose settings let tests post quickly (message limit raised)."""
    from territoire_data.settings import Settings
    from territoire_data.workspace import Workspace

    return Workspace(folder, settings=Settings.from_environment({"TERRITOIRE_MESSAGE_LIMIT": "1000/60", **variables}))


@pytest.fixture
def store(tmp_path_factory, home, ref):
    """A fresh exchange store with its élus (one per test: requests and notifications start
    empty): the cast of the mise en relation's tests (``test_partners``, ``test_attacks``)."""
    from territoire_data.access.users import add_user

    folder = home_with_referential(tmp_path_factory, home, "home-partenaires")
    workspace = partners_workspace(folder)
    workspace.store.upgrade()
    add_user(workspace, "elu.sm", "elu", "33440", organisation="Commune de Saint-Martial", name="Henri Dubos")
    add_user(workspace, "agent.sm", "agent", "33440", organisation="Commune de Saint-Martial")
    add_user(workspace, "elu.bdx", "elu", "33063", organisation="Ville de Bordeaux", name="Claire Martin")
    add_user(workspace, "admin", "admin", "france")
    yield workspace
    workspace.close()
