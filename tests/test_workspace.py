"""The workspace: each home's data read from that home, settings read once, nothing shared."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import ROOT, home_with_referential

from territoire_data.errors import TerritoireError


def test_territory_of_another_home_reads_that_home(home, home_demo):
    """``territory(code, home=X)``: its series, ZAN and indicators come from X's warehouse, not
    from the default workspace's (here a home without any warehouse)."""
    from territoire_data import default_workspace, territory
    from territoire_data.core.warehouse import WarehouseMissing

    assert default_workspace().home == home.resolve()
    with pytest.raises(WarehouseMissing):
        territory("33063").series_of("population")
    bordeaux = territory("33063", home=home_demo)
    series = bordeaux.series_of("population")
    assert len(series) >= 2 and (series["status"] == "ok").any()
    assert bordeaux.zan()["available"] is True
    assert bordeaux.indicators().set_index("id").at["population", "value"] > 200_000
    assert bordeaux.workspace.home == home_demo.resolve()


def test_radar_rights_read_in_the_radar_home(home, home_demo, tmp_path_factory):
    """The radar's access check reads the store of the workspace it runs in."""
    from territoire_data.access.users import add_user
    from territoire_data.demo import cadastre_folder
    from territoire_data.radar import run_radar
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-radar-droits")
    shutil.copytree(home_demo / "warehouses", folder / "warehouses", symlinks=True)
    (folder / "warehouse").symlink_to((home_demo / "warehouse").readlink())
    other = Workspace(folder)
    other.store.upgrade()
    add_user(other, "maire", "elu", "33440")
    cadastre = cadastre_folder()
    result = run_radar(
        "33440",
        login="maire",
        workspace=other,
        parcels=cadastre / "cadastre-33440-parcelles.json.gz",
        buildings=cadastre / "cadastre-33440-batiments.json.gz",
    )
    assert result["summary"]["plots"] > 0
    from territoire_data import default_workspace
    from territoire_data.access.authorisation import AccessDenied

    default_workspace().store.upgrade()
    with pytest.raises(AccessDenied):  # the default home's store does not know this élu
        run_radar(
            "33440",
            login="maire",
            parcels=cadastre / "cadastre-33440-parcelles.json.gz",
            buildings=cadastre / "cadastre-33440-batiments.json.gz",
            workspace=default_workspace(),
        )


def test_two_workspaces_share_nothing(home_demo, home_real):
    from territoire_data.workspace import Workspace

    demo, real = Workspace(home_demo), Workspace(home_real)
    assert demo.warehouse is not real.warehouse and demo.warehouse.demo and not real.warehouse.demo
    assert demo.warehouse is demo.warehouse  # kept by its workspace
    assert demo.territory("33063").workspace is demo
    assert demo.search("bordeaux")[0].code == real.search("bordeaux")[0].code == "33063"


def test_a_new_build_is_seen_by_an_open_workspace(small_workspace, tmp_path_factory):
    from territoire_data.demo import generate_and_build
    from territoire_data.workspace import Workspace

    workspace = Workspace(home_with_referential(tmp_path_factory, small_workspace.home, "home-reconstruit"))
    assert workspace.warehouse_or_none() is None
    generate_and_build(["33"], workspace=workspace)
    first = workspace.warehouse
    Workspace(workspace.home).build_warehouse([workspace.home / "demo" / "raw"], demo=True)  # another process would
    assert workspace.warehouse.folder != first.folder and workspace.warehouse.demo


def test_settings_read_once_from_the_environment():
    from territoire_data.settings import Settings

    settings = Settings.from_environment(
        {
            "TERRITOIRE_HOME": "/tmp/x",
            "TERRITOIRE_DB_URL": "postgresql+psycopg://u@h/t",
            "TERRITOIRE_USER": " alice ",
            "TERRITOIRE_IDENTITY_HEADER": "X-User",
            "TERRITOIRE_MESSAGE_LIMIT": "5/10",
            "TERRITOIRE_BASEMAP_URL": "https://tuiles.example.fr/{z}/{x}/{y}.png",
            "TERRITOIRE_KERNEL_CEILING": "8",
            "TERRITOIRE_NO_PROGRESS": "1",
            "TERRITOIRE_DEBUG": "oui",
            "TERRITOIRE_CADASTRE_URL": "http://127.0.0.1:9/c/",
            "TERRITOIRE_DOWNLOAD_URL": "http://127.0.0.1:9/d",
            "AUTRE": "ignorée",
        }
    )
    assert (str(settings.home), settings.db_url, settings.user, settings.identity_header) == (
        "/tmp/x",
        "postgresql+psycopg://u@h/t",
        "alice",
        "X-User",
    )
    assert settings.message_limit == (5, 10) and not settings.progress and settings.debug
    assert settings.basemap_url == "https://tuiles.example.fr/{z}/{x}/{y}.png" and settings.kernel_ceiling == 8
    assert settings.cadastre_url == "http://127.0.0.1:9/c" and settings.download_url == "http://127.0.0.1:9/d"
    assert "AUTRE" not in settings.environment()
    defaults = Settings.from_environment({"TERRITOIRE_MESSAGE_LIMIT": "n'importe quoi"})
    assert defaults.message_limit == (20, 60) and defaults.progress  # never "no limit"
    assert defaults.basemap_url is None and defaults.kernel_ceiling == 20  # no tiles unless configured
    with pytest.raises(TerritoireError, match="Fond de carte"):
        Settings.from_environment({"TERRITOIRE_BASEMAP_URL": "//cdn.example.com/tuiles.png"})


def test_every_setting_documented_and_read_in_one_place():
    """The settings reference page lists every variable ``Settings`` reads (it is generated
    from ``VARIABLES``, which ``from_environment`` reads: a variable read but not in the table
    would be missing); no other module reads TERRITOIRE_*."""
    import inspect

    from conftest import docs_reference

    from territoire_data.settings import VARIABLES, Settings

    page = docs_reference().expand((ROOT / "docs" / "reference" / "reglages.md").read_text(encoding="utf-8"))
    for variable in VARIABLES:
        assert f"`{variable}`" in page, variable
    read = set(re.findall(r"TERRITOIRE_[A-Z_]+", inspect.getsource(Settings.from_environment)))
    assert read <= set(VARIABLES), read - set(VARIABLES)
    readers = []
    for path in [*(ROOT / "territoire_data").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"environ(?:\.get)?[\[(]\s*[\"']TERRITOIRE_", text) or re.search(
            r"getenv\(\s*[\"']TERRITOIRE_", text
        ):
            readers.append(path.relative_to(ROOT).as_posix())
    assert readers == [], readers


def test_no_module_level_cache():
    """Caches belong to the object that owns the data: no dict, lru_cache or ``__dict__`` trick at
    module level, except memos of pure functions marked ``# pure:`` (keyed on their arguments)."""
    offenders = []
    for path in [*(ROOT / "territoire_data").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "# pure:" in text or text.strip() == "from functools import lru_cache":
                continue
            if (
                re.match(r"^_?[A-Za-z_]+\s*(:\s*dict[^=]*)?=\s*\{\}\s*$", text)
                or "lru_cache" in text
                or "__dict__" in text
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()}")
    assert offenders == [], offenders
