"""Concurrent writers on SQLite and on a real PostgreSQL; a writer killed mid-transaction."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import binaire, home_avec_referentiel, manque

pytestmark = [pytest.mark.slow]

PROCESSUS, MESSAGES = 8, 200

ECRIVAIN = """
import sys
from territoire_data.discussions import Espace
login, fil, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
espace = Espace(login)
print("pret", flush=True)
sys.stdin.readline()  # everybody starts together
for i in range(n):
    espace.repondre(fil, f"{login}-{i}")
"""

INTERROMPU = """
import sys, time
from territoire_data.discussions import base
from territoire_data.discussions.modeles import Message
with base.session() as s:
    s.add(Message(fil_id=int(sys.argv[1]), auteur_id=1, texte="jamais validé", html="<p>jamais validé</p>"))
    s.flush()
    print("en cours", flush=True)
    time.sleep(120)
"""


def _environnement(home: Path, url: str | None) -> dict:
    env = {**os.environ, "TERRITOIRE_HOME": str(home), "TERRITOIRE_LIMITE_MESSAGES": "100000/60",
           "TERRITOIRE_SANS_PROGRESSION": "1"}
    if url:
        env["TERRITOIRE_DB_URL"] = url
    else:
        env.pop("TERRITOIRE_DB_URL", None)
    return env


def _preparer(env: dict) -> int:
    """Schema, 8 élus of Bordeaux, one thread; returns the thread id."""
    script = (
        "from territoire_data.discussions import Espace, ajouter_utilisateur, mettre_a_jour\n"
        "mettre_a_jour()\n"
        f"for i in range({PROCESSUS}):\n    ajouter_utilisateur(f'ecrivain{{i}}', 'elu', '33063')\n"
        "print(Espace('ecrivain0').creer_fil('33063', 'Charge', 'départ', 'elus'))\n")
    sortie = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert sortie.returncode == 0, sortie.stderr
    return int(sortie.stdout.strip().splitlines()[-1])


def _charge(env: dict, fil: int) -> float:
    ecrivains = [subprocess.Popen([sys.executable, "-c", ECRIVAIN, f"ecrivain{i}", str(fil), str(MESSAGES)], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(PROCESSUS)]
    for e in ecrivains:
        assert e.stdout.readline().strip() == "pret"
    debut = time.perf_counter()
    for e in ecrivains:
        e.stdin.write("go\n")
        e.stdin.flush()
    for e in ecrivains:
        _, erreurs = e.communicate(timeout=600)
        assert e.returncode == 0, erreurs
    return time.perf_counter() - debut


def _verifier(env: dict, fil: int) -> None:
    script = (
        "import json\nfrom territoire_data.discussions import Espace\n"
        f"print(json.dumps([m['text'] for m in Espace('ecrivain0').messages({fil})]))\n")
    sortie = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert sortie.returncode == 0, sortie.stderr
    import json

    textes = json.loads(sortie.stdout)
    attendus = {f"ecrivain{p}-{i}" for p in range(PROCESSUS) for i in range(MESSAGES)}
    assert len(textes) == 1 + PROCESSUS * MESSAGES  # exactly 1 600 answers: none lost, none duplicated
    assert set(textes[1:]) == attendus and len(set(textes)) == len(textes)


def _tuer_en_pleine_transaction(env: dict, fil: int) -> None:
    processus = subprocess.Popen([sys.executable, "-c", INTERROMPU, str(fil)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    assert processus.stdout.readline().strip() == "en cours"
    processus.send_signal(signal.SIGKILL)
    processus.wait()
    # The lock is released and the half-done write is gone: others write and read normally.
    script = ("from territoire_data.discussions import Espace\n"
              f"e = Espace('ecrivain1'); e.repondre({fil}, 'après le kill')\n"
              f"textes = [m['text'] for m in e.messages({fil})]\n"
              "assert 'jamais validé' not in textes and textes[-1] == 'après le kill', textes[-3:]\n"
              f"assert len(textes) == {2 + PROCESSUS * MESSAGES}\n")
    sortie = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert sortie.returncode == 0, sortie.stderr


def _scenario(env: dict) -> float:
    """Load, check the count, kill a writer mid-transaction; returns the load's duration."""
    fil = _preparer(env)
    duree = _charge(env, fil)
    _verifier(env, fil)
    _tuer_en_pleine_transaction(env, fil)
    return duree


def test_sqlite_8_processus_200_messages(tmp_path_factory, home, ref):
    dossier = home_avec_referentiel(tmp_path_factory, home, "home-concurrence-sqlite")
    duree = _scenario(_environnement(dossier, None))
    import sqlite3

    connexion = sqlite3.connect(dossier / "discussions.sqlite")
    assert connexion.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connexion.execute("PRAGMA foreign_key_check").fetchall() == []
    print(f"SQLite : {PROCESSUS * MESSAGES} messages en {duree:.1f} s")


@pytest.fixture(scope="module")
def postgres():
    """A throw-away PostgreSQL server (initdb + pg_ctl in a temp folder; as postgres when root)."""
    for nom in ("initdb", "pg_ctl", "postgres"):
        binaire(nom)
    racine = os.geteuid() == 0
    if racine and shutil.which("runuser") is None:
        manque("runuser absent : impossible de lancer PostgreSQL en tant que postgres")
    dossier = Path(tempfile.mkdtemp(prefix="territoire-pg-"))
    donnees = dossier / "donnees"
    prefixe = ["runuser", "-u", "postgres", "--"] if racine else []
    if racine:
        shutil.chown(dossier, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*prefixe, "initdb", "-D", str(donnees), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*prefixe, "pg_ctl", "-D", str(donnees), "-l", str(dossier / "journal"), "-w", "-o",
                    f"-p {port} -k {dossier} -c listen_addresses=127.0.0.1 -c max_connections=50", "start"],
                   check=True, capture_output=True, timeout=120)
    try:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as connexion:
            connexion.execute("CREATE DATABASE territoire")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/territoire"
    finally:
        subprocess.run([*prefixe, "pg_ctl", "-D", str(donnees), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(dossier, ignore_errors=True)


@pytest.mark.postgres
def test_postgresql_8_processus_200_messages(tmp_path_factory, home, ref, postgres):
    dossier = home_avec_referentiel(tmp_path_factory, home, "home-concurrence-pg")
    duree = _scenario(_environnement(dossier, postgres))
    print(f"PostgreSQL : {PROCESSUS * MESSAGES} messages en {duree:.1f} s")
