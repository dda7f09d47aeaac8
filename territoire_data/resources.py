"""The notebooks shipped with the package (``territoire_data/notebooks``, package data).

They are found through ``importlib.resources`` whatever the install: editable (a checkout,
where ``notebooks/`` at the root points to the same folder) or regular (``pip install .``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def notebooks_folder() -> Path:
    """The folder of the shipped notebooks (dashboard, portrait, analyses, radar, template)."""
    return Path(str(resources.files("territoire_data").joinpath("notebooks")))


def checkout_root() -> Path | None:
    """The repository when the package runs from a checkout (editable install), else None."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "territoire_data").is_dir() else None
