"""Notebooks: committed without outputs; thematic notebooks and the template run with Papermill."""

from __future__ import annotations

import json

import nbformat
import pytest

from conftest import RACINE, lancer

CARNETS = sorted((RACINE / "notebooks").rglob("*.ipynb"))
ANALYSES = sorted((RACINE / "notebooks" / "analyses").glob("*.ipynb")) + [RACINE / "notebooks" / "modele_analyse.ipynb"]


@pytest.mark.parametrize("carnet", CARNETS, ids=lambda c: c.name)
def test_carnets_versionnes_sans_sorties(carnet):
    nb = nbformat.read(carnet, as_version=4)
    for cellule in nb.cells:
        if cellule.cell_type == "code":
            assert cellule.outputs == [] and cellule.execution_count is None, carnet


@pytest.mark.parametrize("carnet", ANALYSES, ids=lambda c: c.name)
def test_analyses_parametrees(carnet):
    nb = nbformat.read(carnet, as_version=4)
    parametres = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parametres) == 1 and "code =" in parametres[0].source


@pytest.mark.notebooks
@pytest.mark.parametrize("carnet", ANALYSES, ids=lambda c: c.stem)
def test_analyses_executees_pour_deux_communes(carnet, home_demo, dans, tmp_path):
    import papermill

    dans(home_demo)
    for code, nom in (("33063", "Bordeaux"), ("24322", "Périgueux")):
        sortie = tmp_path / f"{carnet.stem}_{code}.ipynb"
        papermill.execute_notebook(str(carnet), str(sortie), parameters={"code": code, "pairs": "departement"},
                                   kernel_name="python3", progress_bar=False, cwd=str(carnet.parent))
        nb = nbformat.read(sortie, as_version=4)
        texte = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
        assert nom in texte and '"output_type": "error"' not in texte
        population = json.loads(lancer("indicateurs", code, "--json", home=home_demo).stdout)
        valeur = {i["id"]: i for i in population["indicators"]}["population"]["value"]
        if carnet.stem == "modele_analyse":
            assert str(int(valeur)) in texte  # the commune's population, in the indicator table
