"""Where the repository's notebooks are: next to the package (editable install, ``make``),
else in the current folder's ``notebooks/`` (a checkout with a regular install, e.g. Binder)."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def notebooks_folder() -> Path:
    for candidate in (REPOSITORY / "notebooks", Path.cwd() / "notebooks"):
        if candidate.is_dir():
            return candidate
    return REPOSITORY / "notebooks"
