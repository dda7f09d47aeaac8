"""binder/postBuild, run as repo2docker would: from a copy of the repository, in a fresh venv."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_postbuild_in_a_new_venv(tmp_path):
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
    home = tmp_path / "home"
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "TERRITOIRE_HOME": str(home),
        "PIP_PROGRESS_BAR": "off",
    }
    env.pop("PYTHONPATH", None)
    output = subprocess.run(
        ["bash", str(repository / "binder" / "postBuild")], cwd=repository, env=env, capture_output=True, text=True, timeout=1500
    )
    assert output.returncode == 0, output.stdout[-3000:] + output.stderr[-3000:]
    assert "Gironde (dep:33)" in output.stdout
    assert list((home / "referential").glob("*/manifest.json"))
    assert (home / "warehouse" / "manifest.json").is_file()
    # The installed command works on its own from the venv, outside the repository.
    geomap = subprocess.run(
        [str(venv / "bin" / "territoire"), "communes", "show", "33063"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert geomap.returncode == 0 and "Bordeaux (33063)" in geomap.stdout
    assert Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import territoire_data; print(territoire_data.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()).is_relative_to(venv)
