"""Batch reports: contents, isolation between reports, failures, resume, --force, Dask, PDF."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import RACINE, binaire, lancer
from territoire_data.catalogue import PAR_ID
from territoire_data.format import nombre
from territoire_data.statuts import libelle as libelle_statut

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

DIX = ["33063", "33281", "33003", "33005", "33009", "33039", "33069", "33119", "33192", "33318"]
CARNETS = Path(__file__).parent / "carnets"


def _manifeste(dossier: Path) -> dict:
    return {r["code"]: r for r in json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))["rapports"]}


def _ligne(page: str, indicateur: str) -> str:
    return re.search(rf'<tr data-indicateur="{indicateur}">(.*?)</tr>', page, re.S).group(1)


@pytest.fixture(scope="module")
def lot_dix(home_demo, tmp_path_factory):
    sortie = tmp_path_factory.mktemp("lot-dix")
    resultat = lancer("reports", "--communes", ",".join(DIX), "--out", str(sortie), "--workers", "2",
                      home=home_demo, timeout=600)
    return sortie, resultat


def test_dix_rapports_groupe_index_manifeste(lot_dix, home_demo):
    sortie, resultat = lot_dix
    assert resultat.returncode == 0, resultat.stderr
    assert "11 rapport(s) produit(s)" in resultat.stdout
    manifeste = _manifeste(sortie)
    assert set(manifeste) == {*DIX, "liste:" + ",".join(DIX)}
    assert all(r["statut"] == "ok" and r["empreinte"] and r["duree_s"] > 0 for r in manifeste.values())
    assert (sortie / "selection.html").is_file() and (sortie / "index.html").is_file()
    index = (sortie / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{code}.html"' in index for code in DIX) and 'href="selection.html"' in index
    for code in DIX:
        page = (sortie / f"{code}.html").read_text(encoding="utf-8")
        attendu = json.loads(lancer("indicateurs", code, "--json", home=home_demo).stdout)
        assert f'<h1 class="r-titre">{attendu["territory"]["name"]}</h1>' in page
        for i in attendu["indicators"]:
            cellule = _ligne(page, i["id"])
            if i["value"] is None:
                assert libelle_statut(i["status"], i["reason"]) in cellule
            else:
                assert f'{nombre(i["value"], PAR_ID[i["id"]].decimales)} {i["unit"]}' in cellule, (code, i["id"])
        # Self-contained, without code: no script, no remote resource, no input cell.
        assert "<script" not in page and not re.search(r'(?:src|href)="(?:https?:)?//', page)
        assert "Portrait(" not in page and "portrait.entete()" not in page and "jp-InputArea" not in page
        assert "Données de démonstration" in page
        assert "output_subarea output_stream" not in page  # nothing printed by the run leaks into the report
    groupe = (sortie / "selection.html").read_text(encoding="utf-8")
    assert all(f'data-code="{code}"' in groupe for code in DIX)


def test_reprise_et_force(lot_dix, home_demo):
    sortie, _ = lot_dix
    avant = {f.name: f.stat().st_mtime_ns for f in sortie.glob("*.html") if f.name != "index.html"}
    resultat = lancer("reports", "--communes", ",".join(DIX), "--out", str(sortie), home=home_demo, timeout=600)
    assert resultat.returncode == 0 and "0 rapport(s) produit(s), 11 inchangé(s)" in resultat.stdout
    assert {f.name: f.stat().st_mtime_ns for f in sortie.glob("*.html") if f.name != "index.html"} == avant
    resultat = lancer("reports", "--communes", ",".join(DIX[:2]), "--out", str(sortie), "--force",
                      home=home_demo, timeout=600)
    assert resultat.returncode == 0 and "3 rapport(s) produit(s)" in resultat.stdout
    # Other inputs (another peer group) make other reports.
    resultat = lancer("reports", "--communes", DIX[0], "--out", str(sortie), "--pairs", "taille", home=home_demo)
    assert resultat.returncode == 0 and "1 rapport(s) produit(s), 0 inchangé(s)" in resultat.stdout


def test_isolation_entre_rapports(home_demo, tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "module_fuite.py").write_text(
        "import os\nimport territoire_data.format as f\nos.environ['TERRITOIRE_FUITE'] = '1'\nf.ESPACE_FINE = '!'\n")
    env = {"TERRITOIRE_TEST_MODULES": str(modules)}
    resultat = lancer("reports", "--communes", ",".join(DIX[:4]), "--out", str(tmp_path / "sortie"), "--workers", "1",
                      "--carnet", str(CARNETS / "fuite.ipynb"), home=home_demo, env=env, timeout=600)
    manifeste = _manifeste(tmp_path / "sortie")
    assert resultat.returncode == 0, [r["message"] for r in manifeste.values()]
    assert all(r["statut"] == "ok" for r in manifeste.values()) and len(manifeste) == 5

    # The same notebook twice in one process without the fork does see the leaks: the check can fail.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    controle = subprocess.run(
        [sys.executable, "-c",
         "import papermill, sys\n"
         f"args = dict(engine_name='territoire', progress_bar=False, kernel_name='python3')\n"
         f"papermill.execute_notebook({str(CARNETS / 'fuite.ipynb')!r}, None, parameters={{'code': '33063'}}, **args)\n"
         f"papermill.execute_notebook({str(CARNETS / 'fuite.ipynb')!r}, None, parameters={{'code': '33281'}}, **args)\n"],
        capture_output=True, text=True, env={**os.environ, **env, "TERRITOIRE_HOME": str(home_demo),
                                             "MPLBACKEND": "Agg"}, timeout=300)
    assert controle.returncode != 0 and "variable globale héritée" in controle.stderr
    assert papermill and PapermillExecutionError


def test_un_rapport_en_echec_n_arrete_pas_le_lot(home_demo, tmp_path):
    resultat = lancer("reports", "--communes", ",".join(DIX[:4]), "--out", str(tmp_path), "--workers", "2",
                      "--carnet", str(CARNETS / "casse.ipynb"), home=home_demo, timeout=600)
    assert resultat.returncode == 3, resultat.stderr
    assert "Lot partiel" in resultat.stderr and "données cassées pour 33281" in resultat.stderr
    manifeste = _manifeste(tmp_path)
    assert manifeste["33281"]["statut"] == "erreur" and "ValueError" in manifeste["33281"]["message"]
    assert not (tmp_path / "33281.html").exists()
    for code in (DIX[0], *DIX[2:4]):
        assert manifeste[code]["statut"] == "ok" and (tmp_path / f"{code}.html").is_file()
    assert "(échec)" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_interruption_puis_reprise(home_demo, tmp_path):
    codes = ",".join(DIX)
    env = {**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_SANS_PROGRESSION": "1"}
    processus = subprocess.Popen([sys.executable, "-m", "territoire_data", "reports", "--communes", codes, "--out",
                                  str(tmp_path), "--workers", "1"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    limite = time.monotonic() + 300
    while time.monotonic() < limite:
        if (tmp_path / "manifest.json").exists():
            faits = [r for r in _manifeste(tmp_path).values() if r["statut"] == "ok"]
            if len(faits) >= 2:
                break
        time.sleep(0.1)
    processus.send_signal(signal.SIGINT)  # Ctrl-C
    _, erreurs = processus.communicate(timeout=60)
    assert processus.returncode == 130, erreurs
    manifeste = _manifeste(tmp_path)
    faits = {c for c, r in manifeste.items() if r["statut"] == "ok"}
    assert 2 <= len(faits) < 11
    for code in faits:  # every finished report is complete
        assert (tmp_path / manifeste[code]["fichier"]).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(tmp_path.glob(".*.tmp")) and (tmp_path / "index.html").is_file()
    resultat = lancer("reports", "--communes", codes, "--out", str(tmp_path), home=home_demo, timeout=600)
    assert resultat.returncode == 0
    assert f"{11 - len(faits)} rapport(s) produit(s), {len(faits)} inchangé(s)" in resultat.stdout


def test_cluster_dask_identique_au_local(home_demo, tmp_path):
    from distributed import LocalCluster

    epci = ["--epci", "243301165"]  # Jalle-Eau-Bourde: 3 communes
    local = lancer("reports", *epci, "--out", str(tmp_path / "local"), home=home_demo, timeout=600)
    assert local.returncode == 0, local.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        distant = lancer("reports", *epci, "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address,
                         home=home_demo, timeout=600)
    assert distant.returncode == 0, distant.stderr
    fichiers = sorted(f.name for f in (tmp_path / "local").glob("*.html"))
    assert len(fichiers) == 5 and fichiers == sorted(f.name for f in (tmp_path / "dask").glob("*.html"))
    for nom in fichiers:
        assert (tmp_path / "local" / nom).read_bytes() == (tmp_path / "dask" / nom).read_bytes(), nom
    assert "Les communes" in (tmp_path / "dask" / "epci-243301165.html").read_text(encoding="utf-8")


def test_format_pdf(home_demo, tmp_path):
    binaire("chromium")
    resultat = lancer("reports", "--communes", "33063", "--out", str(tmp_path), "--format", "pdf",
                      home=home_demo, timeout=600)
    assert resultat.returncode == 0, resultat.stderr
    contenu = (tmp_path / "33063.pdf").read_bytes()
    assert contenu.startswith(b"%PDF") and len(contenu) > 20_000


def test_perimetre_invalide(home_demo):
    resultat = lancer("reports", "--communes", "33063", "--departement", "33", home=home_demo)
    assert resultat.returncode == 2 and "un seul" in resultat.stderr
    resultat = lancer("reports", "--communes", "99999", home=home_demo)
    assert resultat.returncode == 2 and "Traceback" not in resultat.stderr


def test_carnet_portrait_versionne_sans_sorties():
    import nbformat

    nb = nbformat.read(RACINE / "notebooks" / "portrait.ipynb", as_version=4)
    assert [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert all("remove_input" in c.metadata.get("tags", []) for c in nb.cells[1:] if c.cell_type == "code")
