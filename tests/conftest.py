"""Shared fixtures: real data, strict mode, a home with the referential built once.

``TERRITOIRE_TESTS_STRICTS=1`` (set by CI) turns every "missing binary" skip into a failure,
so that CI cannot go green by skipping. Real data: the small extracts in ``tests/donnees``
are part of the repository; the national files of ``../shared/realdata`` are optional
(tests marked ``realdata`` skip without them, and fail in strict mode only when
``TERRITOIRE_REALDATA`` names a folder that must be there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("TERRITOIRE_REALDATA", RACINE.parent / "shared" / "realdata"))
REALDATA_REQUISES = bool(os.environ.get("TERRITOIRE_REALDATA"))
DONNEES = RACINE / "tests" / "donnees"
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


@contextmanager
def variables(**valeurs):
    """Environment variables set for a block (session or module fixtures: no monkeypatch there)."""
    anciennes = {nom: os.environ.get(nom) for nom in valeurs}
    os.environ.update({nom: str(valeur) for nom, valeur in valeurs.items()})
    try:
        yield
    finally:
        for nom, ancienne in anciennes.items():
            if ancienne is None:
                os.environ.pop(nom, None)
            else:
                os.environ[nom] = ancienne


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The national real files (optional: large, outside the repository)."""
    if not REALDATA.is_dir():
        if REALDATA_REQUISES:
            manque(f"données réelles absentes : {REALDATA} (TERRITOIRE_REALDATA)")
        pytest.skip(f"fichiers nationaux réels absents : {REALDATA} (../shared/realdata, facultatifs)")
    return REALDATA


@pytest.fixture(scope="session")
def donnees() -> Path:
    """The real extracts shipped with the tests (``tests/donnees``)."""
    return DONNEES


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """A TERRITOIRE_HOME whose referential is built once for the whole session."""
    dossier = tmp_path_factory.mktemp("territoire-home")
    with variables(TERRITOIRE_HOME=dossier):
        yield dossier


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


def home_avec_referentiel(tmp_path_factory, home_session: Path, nom: str) -> Path:
    """A new home sharing the session's referential cache (copied, not rebuilt)."""
    dossier = tmp_path_factory.mktemp(nom)
    shutil.copytree(home_session / "referentiel", dossier / "referentiel")
    return dossier


@pytest.fixture(scope="session")
def home_reel(tmp_path_factory, home, ref) -> Path:
    """A warehouse built from real extracts: comparateur 2022 (COG 2021), Filosofi 2021, COG 2026
    and Etalab's découpage (former codes), for Cantal, Gironde, Sarthe, Mayotte and a few others."""
    from territoire_data.entrepot import construire

    dossier = home_avec_referentiel(tmp_path_factory, home, "home-reel")
    brut = dossier / "brut"
    brut.mkdir()
    for fichier in ("insee_comparateur/base_cc_comparateur.CSV", "insee_comparateur/meta_base_cc_comparateur.CSV",
                    "insee_filosofi/cc_filosofi_2021_COM.csv", "insee_cog/v_commune_2026.csv",
                    "etalab_decoupage/communes.json"):
        shutil.copy(DONNEES / fichier, brut)
    construire([brut], dossier)
    return dossier


@pytest.fixture(scope="session")
def home_demo(tmp_path_factory, home, ref) -> Path:
    """A demo warehouse for Gironde and Dordogne."""
    from territoire_data.demo import generer_et_construire

    dossier = home_avec_referentiel(tmp_path_factory, home, "home-demo")
    generer_et_construire(["33", "24"], dossier)
    return dossier


@pytest.fixture
def dans(monkeypatch):
    """Make a home the current one (``$TERRITOIRE_HOME``) for the test."""
    def utiliser(dossier: Path) -> Path:
        monkeypatch.setenv("TERRITOIRE_HOME", str(dossier))
        return dossier
    return utiliser
