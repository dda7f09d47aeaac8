"""binder/postBuild, run as repo2docker would: from a copy of the repository, in a fresh venv."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import RACINE

pytestmark = pytest.mark.slow


def test_postbuild_dans_un_venv_neuf(tmp_path):
    depot = tmp_path / "depot"
    fichiers = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=RACINE, capture_output=True, text=True, check=True
    ).stdout.split()
    for fichier in fichiers:
        source = RACINE / fichier
        if source.is_file():
            (depot / fichier).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, depot / fichier)
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
    sortie = subprocess.run(
        ["bash", str(depot / "binder" / "postBuild")], cwd=depot, env=env, capture_output=True, text=True, timeout=1500
    )
    assert sortie.returncode == 0, sortie.stdout[-3000:] + sortie.stderr[-3000:]
    assert "Gironde (dep:33)" in sortie.stdout
    assert list((home / "referentiel").glob("*/manifest.json"))
    assert (home / "entrepot" / "manifest.json").is_file()
    # The installed command works on its own from the venv, outside the repository.
    carte = subprocess.run(
        [str(venv / "bin" / "territoire"), "communes", "show", "33063"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert carte.returncode == 0 and "Bordeaux (33063)" in carte.stdout
    assert Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import territoire_data; print(territoire_data.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()).is_relative_to(venv)
