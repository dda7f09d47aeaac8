"""Shared fixtures: real data folder, strict mode, a home with the referential built once.

``TERRITOIRE_TESTS_STRICTS=1`` (set by CI) turns every "missing binary / missing real
data" skip into a failure, so that CI cannot go green by skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("TERRITOIRE_REALDATA", RACINE.parent / "shared" / "realdata"))
STRICT = os.environ.get("TERRITOIRE_TESTS_STRICTS") == "1"
ARTEFACTS = RACINE / "tests" / "artefacts"


def manque(raison: str) -> None:
    """Skip for a missing prerequisite; fail instead in strict mode (CI)."""
    if STRICT:
        pytest.fail(f"{raison} (TERRITOIRE_TESTS_STRICTS=1 : un prérequis manquant est une erreur)")
    pytest.skip(raison)


def binaire(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        manque(f"binaire requis absent : {nom}")
    return chemin


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        manque(f"données réelles absentes : {REALDATA} (dossier ../shared/realdata)")
    return REALDATA


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """A TERRITOIRE_HOME whose referential is built once for the whole session."""
    dossier = tmp_path_factory.mktemp("territoire-home")
    ancien = os.environ.get("TERRITOIRE_HOME")
    os.environ["TERRITOIRE_HOME"] = str(dossier)
    yield dossier
    if ancien is None:
        os.environ.pop("TERRITOIRE_HOME", None)
    else:
        os.environ["TERRITOIRE_HOME"] = ancien


@pytest.fixture(scope="session")
def ref(home):
    from territoire_data.referential import charger

    return charger(home)


def lancer(*args: str, home: Path | None = None, env: dict | None = None, timeout: int = 300):
    """Run the installed ``territoire`` command in a subprocess (the real entry point)."""
    environnement = {**os.environ, "TERRITOIRE_SANS_PROGRESSION": "1", **(env or {})}
    if home is not None:
        environnement["TERRITOIRE_HOME"] = str(home)
    commande = [sys.executable, "-m", "territoire_data", *args]
    return subprocess.run(commande, capture_output=True, text=True, env=environnement, timeout=timeout)
