"""binder/postBuild, run as repo2docker would: from a copy of the repository, in a fresh venv.

The install is a regular one (``pip install .``, not editable): the test then runs a report and
serves the dashboard from outside the repository, with the notebooks shipped in the package.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, binary
from server import free_port, stop

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_postbuild_in_a_new_venv(tmp_path, home, ref):
    chromium = binary("chromium")
    repository = tmp_path / "depot"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for file in files:
        source = ROOT / file
        if source.is_file():
            (repository / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repository / file)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The dependencies come from the test environment (a path entry, not its editable finder):
    # pip finds them satisfied, so only territoire itself is built and installed, as a wheel.
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dependencies = [p for p in sys.path if p.endswith("site-packages")]
    (Path(site) / "dependances_des_tests.pth").write_text("\n".join(dependencies) + "\n", encoding="utf-8")
    session_home = home
    home = tmp_path / "home"
    shutil.copytree(session_home / "referential", home / "referential")  # built once per session
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "TERRITOIRE_HOME": str(home),
        "TERRITOIRE_DEMO_DEPARTEMENTS": "33",
        # …and so do their data files (nbconvert and Voilà templates, front-end extensions).
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
        "PIP_PROGRESS_BAR": "off",
    }
    env.pop("PYTHONPATH", None)
    output = subprocess.run(
        ["bash", str(repository / "binder" / "postBuild")],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert output.returncode == 0, output.stdout[-3000:] + output.stderr[-3000:]
    assert "Gironde (dep:33)" in output.stdout
    assert list((home / "referential").glob("*/manifest.json"))
    assert (home / "warehouse" / "manifest.json").is_file()
    # The installed command works on its own from the venv, outside the repository.
    geomap = subprocess.run(
        [str(venv / "bin" / "territoire"), "communes", "show", "33063"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert geomap.returncode == 0 and "Bordeaux (33063)" in geomap.stdout
    assert Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import territoire_data; print(territoire_data.__file__)"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    ).is_relative_to(venv)
    # The regular (non-editable) install ships the notebooks: outside the repository, it runs a
    # report and serves the dashboard.
    assert not list((venv / "lib").glob("python*/site-packages/__editable__*territoire*"))
    installed = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from territoire_data.resources import notebooks_folder; print(notebooks_folder())",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(installed).is_relative_to(venv) and (Path(installed) / "tableau_de_bord.ipynb").is_file()
    output_folder = tmp_path / "rapports"
    report = subprocess.run(
        [str(venv / "bin" / "territoire"), "reports", "--communes", "33063", "--out", str(output_folder)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report.returncode == 0, report.stderr[-3000:]
    page = (output_folder / "33063.html").read_text(encoding="utf-8")
    assert "Bordeaux" in page and "Données de démonstration" in page
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "territoire"), "dashboard", "--port", str(port), "--no-browser", "--noyaux", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_port(port, server, limit_s=120)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            chrome = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = chrome.new_page()
            page.goto(f"http://127.0.0.1:{port}/?commune=33063", timeout=180_000)
            page.wait_for_selector(".territoire-dashboard .territoire-titre h1", timeout=180_000)
            assert "Bordeaux" in page.inner_text(".territoire-titre")
            assert page.locator(".territoire-indicateur").count() >= 30
            chrome.close()
    finally:
        stop(server)


def _wait_port(port: int, server: subprocess.Popen, limit_s: float) -> None:
    import socket
    import time

    end = time.monotonic() + limit_s
    while True:
        if server.poll() is not None:
            raise AssertionError(f"le tableau de bord s'est arrêté : {server.stdout.read()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.5)
