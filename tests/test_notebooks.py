"""Notebooks: committed without outputs; thematic notebooks and the template run with Papermill."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import ROOT, run_cli

NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
ANALYSES = sorted((ROOT / "notebooks" / "analyses").glob("*.ipynb")) + [ROOT / "notebooks" / "modele_analyse.ipynb"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda c: c.name)
def test_notebooks_versioned_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, notebook


@pytest.mark.parametrize("notebook", ANALYSES, ids=lambda c: c.name)
def test_analyses_parameterised(notebook):
    nb = nbformat.read(notebook, as_version=4)
    parameters = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and 'code: str = "' in parameters[0].source  # typed, with its help


@pytest.mark.parametrize("notebook", [*ANALYSES, ROOT / "notebooks" / "portrait.ipynb"], ids=lambda c: c.stem)
def test_help_notebook_shows_types_and_french_help(notebook):
    import subprocess
    import sys

    shown = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", str(notebook)], capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert "Unknown type" not in shown.stdout
    assert 'code: str (default "33063")' in shown.stdout and "code INSEE de la commune" in shown.stdout
    assert "pairs: str" in shown.stdout and "densite, taille" in shown.stdout


def test_codes_normalised_as_papermill_passes_them():
    from territoire_data.core.territories import normalise_code

    assert [normalise_code(c) for c in (1001, "1001", "01001", 1001.0, "2A004", "2b033", "epci:243300316")] == [
        "01001",
        "1001",  # typed text stays as typed: malformed, not silently another commune
        "01001",
        "01001",
        "2A004",
        "2b033",
        "epci:243300316",
    ]


@pytest.mark.notebooks
@pytest.mark.parametrize("code, name", [("01001", "L'Abergement-Clémenciat"), ("2A004", "Ajaccio")])
def test_papermill_command_keeps_leading_zeros_and_corsica(home_demo, tmp_path, code, name):
    """``papermill … -p code 01001`` (the integer 1001 once papermill has parsed it) and
    ``-p code 2A004`` run the analysis for the right commune."""
    import os
    import subprocess
    import sys

    output = tmp_path / f"logement_{code}.ipynb"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "analyses" / "logement.ipynb"),
            str(output),
            "-p",
            "code",
            code,
            "-k",
            "python3",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_NO_PROGRESS": "1"},
        timeout=600,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    executed = nbformat.read(output, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert ("code = 1001" in injected.source) == (code == "01001")  # what papermill really passes
    page = json.dumps([o for c in executed.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert f"code INSEE {code}" in page and name.replace("'", "&#x27;") in page


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook", ANALYSES, ids=lambda c: c.stem)
def test_analyses_executed_for_two_communes(notebook, home_demo, use_home, tmp_path):
    import papermill

    use_home(home_demo)
    for code, name in (("33063", "Bordeaux"), ("24322", "Périgueux")):
        output = tmp_path / f"{notebook.stem}_{code}.ipynb"
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters={"code": code, "pairs": "departement"},
            kernel_name="python3",
            progress_bar=False,
            cwd=str(notebook.parent),
        )
        nb = nbformat.read(output, as_version=4)
        text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
        assert name in text and '"output_type": "error"' not in text
        population = json.loads(run_cli("indicateurs", code, "--json", home=home_demo).stdout)
        value = {i["id"]: i for i in population["indicators"]}["population"]["value"]
        if notebook.stem == "modele_analyse":
            assert str(int(value)) in text  # the commune's population, in the indicator table


@pytest.mark.notebooks
def test_exported_notebook_keeps_its_charts_without_widgets(home_demo, use_home, tmp_path):
    """Executed, then converted by nbconvert (as GitHub or a report would, without widget
    state): the evolution chart, the peers' distribution and the ZAN panel are still there."""
    import nbconvert
    import papermill

    use_home(home_demo)
    output = tmp_path / "foncier_zan.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "analyses" / "foncier_zan.ipynb"),
        str(output),
        parameters={"code": "33063", "pairs": "densite"},
        kernel_name="python3",
        progress_bar=False,
    )
    executed = nbformat.read(output, as_version=4)
    widget_outputs = [
        o
        for c in executed.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widget_outputs and all("text/html" in o["data"] for o in widget_outputs)
    executed.metadata.pop("widgets", None)  # what a viewer without the widget state sees
    page, _ = nbconvert.HTMLExporter(template_name="basic").from_notebook_node(executed)
    assert page.count("<svg") >= 2 and "Enveloppe 2021-2030" in page


@pytest.mark.notebooks
def test_tutorial_runs_under_papermill(home_demo, use_home, tmp_path):
    """« Personnaliser une analyse »: territory, peers, an indicator from a new file, a chart,
    a batch with ``territoire reports --carnet`` — executed as a consultant would."""
    import papermill

    use_home(home_demo)
    output = tmp_path / "tutoriel.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "tutoriel_personnaliser.ipynb"),
        str(output),
        parameters={"code": "33063", "pairs": "departement", "communes": "33063,33281"},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),  # not the notebooks folder: the example file is found from the package
    )
    executed = nbformat.read(output, as_version=4)
    text = json.dumps([o for c in executed.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert "Bordeaux" in text and "Point fort" in text and "percentile" in text
    assert "<svg" in text  # the chart, static
    assert "'33063.html', '33281.html'" in text and "rapport(s) produit(s)" in text
    assert not [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
