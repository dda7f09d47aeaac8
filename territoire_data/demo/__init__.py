"""``territoire data demo``: synthetic files in the official formats, then a warehouse.

Offline and deterministic: the same département gives the same files whatever else is
generated. The warehouse built from them is flagged as demo everywhere it shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from territoire_data.demo import writers, model
from territoire_data.errors import TerritoireError
from territoire_data.settings import resolve_home
from territoire_data.progress import Steps
from territoire_data.core.referential import load_referential

WRITERS = ("comparateur", "dossier_complet", "census", "filosofi", "sitadel", "cerema", "commute_flows", "ore",
             "odre", "bpe", "dvf", "density_grid", "cog")


def generate(folder: Path, departements: list[str] | None = None, home=None, dossier_columns: int = 320) -> Path:
    """Write every demo file under ``folder`` (emptied first); returns it."""
    ref = load_referential(home)
    if departements:
        unknown = sorted(set(departements) - set(ref.departements.index))
        if unknown:
            raise TerritoireError(f"Département(s) inconnu(s) : {', '.join(unknown)}")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    communes = model.communes(ref, departements)
    with Steps("Écriture des fichiers de démonstration", total=len(WRITERS)) as steps:
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


def generate_and_build(departements: list[str] | None = None, home: str | os.PathLike | None = None) -> dict:
    from territoire_data.core.warehouse import build_warehouse

    home = resolve_home(home)
    raw = generate(home / "demo" / "brut", departements, home)
    return build_warehouse([raw], home, demo=True)
