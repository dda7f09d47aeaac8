"""``territoire data demo``: synthetic files in the official formats, then a warehouse.

Offline and deterministic: the same département gives the same files whatever else is
generated. The warehouse built from them is flagged as demo everywhere it shows. With
Gironde, the real cadastre of Saint-Martial (33440, shipped in ``demo/data/cadastre``) is
copied into the home so that the radar foncier runs offline.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from territoire_data.demo import model, writers
from territoire_data.errors import TerritoireError
from territoire_data.progress import Steps
from territoire_data.workspace import Workspace

WRITERS = (
    "comparateur",
    "dossier_complet",
    "census",
    "filosofi",
    "sitadel",
    "cerema",
    "ocsge",
    "commute_flows",
    "ore",
    "odre",
    "bpe",
    "dvf",
    "density_grid",
    "cog",
)


CADASTRE_COMMUNE = "33440"  # Saint-Martial: its real cadastre ships with the demo


def cadastre_folder() -> Path:
    """The demo's cadastre files (package data)."""
    return Path(str(resources.files("territoire_data.demo").joinpath("data", "cadastre")))


def generate(
    folder: Path, departements: list[str] | None = None, *, workspace: Workspace, dossier_columns: int = 320
) -> Path:
    """Write every demo file under ``folder`` (emptied first); returns it."""
    ref = workspace.referential
    if departements:
        unknown = sorted(set(departements) - set(ref.departements.index))
        if unknown:
            raise TerritoireError(f"Département(s) inconnu(s) : {', '.join(unknown)}")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    communes = model.communes(ref, departements)
    with Steps(
        "Écriture des fichiers de démonstration", total=len(WRITERS), enabled=workspace.settings.progress
    ) as steps:
        for name in WRITERS:
            steps(name)
            write = getattr(writers, name)
            if name == "cog":
                write(ref, departements, folder)
            elif name in ("filosofi", "cerema"):
                write(communes, folder, ref)
            elif name == "dossier_complet":
                write(communes, folder, dossier_columns)
            else:
                write(communes, folder)
    return folder


def generate_and_build(departements: list[str] | None = None, *, workspace: Workspace) -> dict:
    """Write the demo files under ``<home>/demo/raw``, build the warehouse from them (flagged
    demo) and, with Gironde, put Saint-Martial's cadastre in ``<home>/cadastre``."""
    raw = generate(workspace.home / "demo" / "raw", departements, workspace=workspace)
    if not departements or CADASTRE_COMMUNE[:2] in departements:
        target = workspace.home / "cadastre"
        target.mkdir(exist_ok=True)
        for layer in ("parcelles", "batiments", "sections", "lieux_dits"):
            name = f"cadastre-{CADASTRE_COMMUNE}-{layer}.json.gz"
            if not (target / name).exists():
                shutil.copyfile(cadastre_folder() / name, target / name)
    return workspace.build_warehouse([raw], demo=True)
