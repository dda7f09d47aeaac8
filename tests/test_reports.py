"""Batch reports: contents, isolation between reports, failures, resume, --force, Dask, PDF."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, binary, run_cli

from territoire_data.core.catalogue import BY_ID
from territoire_data.core.statuses import label as libelle_statut
from territoire_data.rendering.formatting import number

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

TEN_COMMUNES = ["33063", "33281", "33003", "33005", "33009", "33039", "33069", "33119", "33192", "33318"]
NOTEBOOKS = Path(__file__).parent / "carnets"


def _manifest(folder: Path) -> dict:
    return {r["code"]: r for r in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]}


def _line(page: str, indicator: str) -> str:
    return re.search(rf'<tr data-indicateur="{indicator}">(.*?)</tr>', page, re.S).group(1)


@pytest.fixture(scope="module")
def batch_ten(home_demo, tmp_path_factory):
    output = tmp_path_factory.mktemp("lot-dix")
    result = run_cli(
        "reports",
        "--communes",
        ",".join(TEN_COMMUNES),
        "--out",
        str(output),
        "--workers",
        "2",
        home=home_demo,
        timeout=600,
    )
    return output, result


def test_ten_reports_group_index_manifest(batch_ten, home_demo):
    output, result = batch_ten
    assert result.returncode == 0, result.stderr
    assert "11 rapport(s) produit(s)" in result.stdout
    manifest = _manifest(output)
    assert set(manifest) == {*TEN_COMMUNES, "liste:" + ",".join(TEN_COMMUNES)}
    assert all(r["status"] == "ok" and r["fingerprint"] and r["duration_s"] > 0 for r in manifest.values())
    assert (output / "selection.html").is_file() and (output / "index.html").is_file()
    selection = (output / "selection.html").read_text(encoding="utf-8")
    header = selection.split('<div class="r-sous-titre">', 1)[1].split("</div>", 1)[0]
    assert "liste:" not in header and "comparaison : —" not in header and "10 communes" in header
    assert "de Sélection" not in selection and "communes de la sélection" in selection
    import stat

    from territoire_data.files import current_umask

    expected = 0o666 & ~current_umask()  # the batch ran with the test's umask: readable by a web server
    for name in ("index.html", "selection.html", f"{TEN_COMMUNES[0]}.html"):
        assert stat.S_IMODE((output / name).stat().st_mode) == expected, name
    index = (output / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{code}.html"' in index for code in TEN_COMMUNES) and 'href="selection.html"' in index
    for code in TEN_COMMUNES:
        page = (output / f"{code}.html").read_text(encoding="utf-8")
        expected = json.loads(run_cli("indicateurs", code, "--json", home=home_demo).stdout)
        assert f'<h1 class="r-titre">{expected["territory"]["name"]}</h1>' in page
        for i in expected["indicators"]:
            cell = _line(page, i["id"])
            if i["value"] is None:
                assert i["reason"] or i["status"] == "secret", i  # a null never stands alone
                assert html.escape(libelle_statut(i["status"], i["reason"])) in cell
            else:
                assert f"{number(i['value'], BY_ID[i['id']].decimals)} {i['unit']}" in cell, (code, i["id"])
        # Self-contained, without code: no script, no remote resource, no input cell.
        assert "<script" not in page and not re.search(r'(?:src|href)="(?:https?:)?//', page)
        assert "Portrait(" not in page and "portrait.entete()" not in page and "jp-InputArea" not in page
        assert "Données de démonstration" in page
        assert "output_subarea output_stream" not in page  # nothing printed by the run leaks into the report
    group = (output / "selection.html").read_text(encoding="utf-8")
    assert all(f'data-code="{code}"' in group for code in TEN_COMMUNES)


def test_resume_and_force(batch_ten, home_demo):
    output, _ = batch_ten
    before = {f.name: f.stat().st_mtime_ns for f in output.glob("*.html") if f.name != "index.html"}
    result = run_cli("reports", "--communes", ",".join(TEN_COMMUNES), "--out", str(output), home=home_demo, timeout=600)
    assert result.returncode == 0 and "0 rapport(s) produit(s), 11 inchangé(s)" in result.stdout
    assert {f.name: f.stat().st_mtime_ns for f in output.glob("*.html") if f.name != "index.html"} == before
    result = run_cli(
        "reports",
        "--communes",
        ",".join(TEN_COMMUNES[:2]),
        "--out",
        str(output),
        "--force",
        home=home_demo,
        timeout=600,
    )
    assert result.returncode == 0 and "3 rapport(s) produit(s)" in result.stdout
    # Other inputs (another peer group) make other reports.
    result = run_cli(
        "reports", "--communes", TEN_COMMUNES[0], "--out", str(output), "--pairs", "taille", home=home_demo
    )
    assert result.returncode == 0 and "1 rapport(s) produit(s), 0 inchangé(s)" in result.stdout


def test_isolation_between_reports(home_demo, tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "module_fuite.py").write_text(
        "import os\nimport territoire_data.rendering.formatting as f\nos.environ['TERRITOIRE_LEAK'] = '1'\nf.NARROW_SPACE = '!'\n"
    )
    env = {"TERRITOIRE_TEST_MODULES": str(modules)}
    result = run_cli(
        "reports",
        "--communes",
        ",".join(TEN_COMMUNES[:4]),
        "--out",
        str(tmp_path / "sortie"),
        "--workers",
        "1",
        "--carnet",
        str(NOTEBOOKS / "fuite.ipynb"),
        home=home_demo,
        env=env,
        timeout=600,
    )
    manifest = _manifest(tmp_path / "sortie")
    assert result.returncode == 0, [r["message"] for r in manifest.values()]
    assert all(r["status"] == "ok" for r in manifest.values()) and len(manifest) == 5

    # The same notebook twice in one process without the fork does see the leaks: the check can fail.
    import papermill
    from papermill.exceptions import PapermillExecutionError

    control = subprocess.run(
        [
            sys.executable,
            "-c",
            "import papermill, sys\n"
            f"args = dict(engine_name='territoire', progress_bar=False, kernel_name='python3')\n"
            f"papermill.execute_notebook({str(NOTEBOOKS / 'fuite.ipynb')!r}, None, parameters={{'code': '33063'}}, **args)\n"
            f"papermill.execute_notebook({str(NOTEBOOKS / 'fuite.ipynb')!r}, None, parameters={{'code': '33281'}}, **args)\n",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "TERRITOIRE_HOME": str(home_demo), "MPLBACKEND": "Agg"},
        timeout=300,
    )
    assert control.returncode != 0 and "variable globale héritée" in control.stderr
    assert papermill and PapermillExecutionError


def test_a_failing_report_does_not_stop_the_batch(home_demo, tmp_path):
    result = run_cli(
        "reports",
        "--communes",
        ",".join(TEN_COMMUNES[:4]),
        "--out",
        str(tmp_path),
        "--workers",
        "2",
        "--carnet",
        str(NOTEBOOKS / "casse.ipynb"),
        home=home_demo,
        timeout=600,
    )
    assert result.returncode == 3, result.stderr
    assert "Lot partiel" in result.stderr and "données cassées pour 33281" in result.stderr
    manifest = _manifest(tmp_path)
    assert manifest["33281"]["status"] == "error" and "ValueError" in manifest["33281"]["message"]
    assert not (tmp_path / "33281.html").exists()
    for code in (TEN_COMMUNES[0], *TEN_COMMUNES[2:4]):
        assert manifest[code]["status"] == "ok" and (tmp_path / f"{code}.html").is_file()
    assert "(échec)" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_interruption_then_resume(home_demo, tmp_path):
    codes = ",".join(TEN_COMMUNES)
    env = {**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_NO_PROGRESS": "1"}
    processes = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "territoire_data",
            "reports",
            "--communes",
            codes,
            "--out",
            str(tmp_path),
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal sends it: an ignored SIGINT is inherited across exec (Python then
        # keeps ignoring it), and the test process may carry one from an earlier test.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    limit = time.monotonic() + 300
    while time.monotonic() < limit:
        if (tmp_path / "manifest.json").exists():
            done = [r for r in _manifest(tmp_path).values() if r["status"] == "ok"]
            if len(done) >= 2:
                break
        time.sleep(0.1)
    processes.send_signal(signal.SIGINT)  # Ctrl-C
    _, errors = processes.communicate(timeout=60)
    assert processes.returncode == 130, errors
    manifest = _manifest(tmp_path)
    done = {c for c, r in manifest.items() if r["status"] == "ok"}
    assert 2 <= len(done) < 11
    for code in done:  # every finished report is complete
        assert (tmp_path / manifest[code]["file"]).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(tmp_path.glob(".*.tmp")) and (tmp_path / "index.html").is_file()
    result = run_cli("reports", "--communes", codes, "--out", str(tmp_path), home=home_demo, timeout=600)
    assert result.returncode == 0
    assert f"{11 - len(done)} rapport(s) produit(s), {len(done)} inchangé(s)" in result.stdout


def test_dask_cluster_identical_to_local(home_demo, tmp_path):
    from distributed import LocalCluster

    epci = ["--epci", "243301165"]  # Jalle-Eau-Bourde: 3 communes
    local = run_cli("reports", *epci, "--out", str(tmp_path / "local"), home=home_demo, timeout=600)
    assert local.returncode == 0, local.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        distant = run_cli(
            "reports",
            *epci,
            "--out",
            str(tmp_path / "dask"),
            "--scheduler",
            cluster.scheduler_address,
            home=home_demo,
            timeout=600,
        )
    assert distant.returncode == 0, distant.stderr
    files = sorted(f.name for f in (tmp_path / "local").glob("*.html"))
    assert len(files) == 5 and files == sorted(f.name for f in (tmp_path / "dask").glob("*.html"))
    for name in files:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    assert "Les communes" in (tmp_path / "dask" / "epci-243301165.html").read_text(encoding="utf-8")


def test_format_pdf(home_demo, tmp_path):
    binary("chromium")
    result = run_cli(
        "reports", "--communes", "33063", "--out", str(tmp_path), "--format", "pdf", home=home_demo, timeout=600
    )
    assert result.returncode == 0, result.stderr
    content = (tmp_path / "33063.pdf").read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 20_000
    # The paper names the compared communes (the list unfolded for print) and dates in French.
    from pypdf import PdfReader

    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(tmp_path / "33063.pdf").pages)
    from territoire_data.rendering.reading import reading_of
    from territoire_data.workspace import Workspace

    workspace = Workspace(home_demo)
    peers = reading_of(workspace.territory("33063"), "densite", workspace.warehouse).peer_names
    listed = ", ".join(name for _code, name in peers)  # every peer, nearest in population first
    assert "communes comparées (les plus proches en population d'abord)" in text and listed in text, text[:3000]
    assert listed.startswith("Bordeaux, Talence") and "Cenon" in listed
    assert re.search(r"Entrepôt construit le \d{1,2}(er)? [a-zé]+\.? \d{4} à", text), text[-1500:]
    assert "centile /" not in text


def test_invalid_scope(home_demo):
    result = run_cli("reports", "--communes", "33063", "--departement", "33", home=home_demo)
    assert result.returncode == 2 and "un seul" in result.stderr
    result = run_cli("reports", "--communes", "99999", home=home_demo)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_portrait_notebook_versioned_without_outputs():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "portrait.ipynb", as_version=4)
    assert [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert all("remove_input" in c.metadata.get("tags", []) for c in nb.cells[1:] if c.cell_type == "code")
