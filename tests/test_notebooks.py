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
    assert len(parameters) == 1 and "code =" in parameters[0].source


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
