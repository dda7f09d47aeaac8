"""Where the repository's notebooks are: next to the package (editable install, ``make``),
else in the current folder's ``notebooks/`` (a checkout with a regular install, e.g. Binder)."""

from __future__ import annotations

from pathlib import Path

DEPOT = Path(__file__).resolve().parents[1]


def dossier_carnets() -> Path:
    for candidat in (DEPOT / "notebooks", Path.cwd() / "notebooks"):
        if candidat.is_dir():
            return candidat
    return DEPOT / "notebooks"
