"""Map outlines of a scope (a département, an EPCI, a région): the communes' simplified
boundaries as rounded GeoJSON, computed once and kept on disk beside the referential.

A dashboard kernel reads a small JSON file for the scope it shows, instead of loading the
GeoParquet layer (and GeoPandas) itself: ``outlines(referential, "dep:33")``. The file is
written atomically the first time a scope is asked for (``territoire dashboard`` writes
those of the warehouse's départements before serving); when the referential folder is read
only, the outlines are computed in memory and not kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from territoire_data.files import write_atomic

PRECISION = 4  # decimals of the coordinates (≈ 10 m)
SCOPE_COLUMNS = {"dep": "departement", "epci": "epci", "reg": "region"}
FOLDER = "outlines"
VERSION = 1


@dataclass(frozen=True)
class Outlines:
    key: str
    codes: list[str]
    names: list[str]
    geometries: list  # GeoJSON geometries (None when a commune has no boundary)
    bounds: tuple[float, float, float, float] | None  # west, south, east, north (WGS84); None: no boundary


def scope_codes(referential, key: str) -> list[str]:
    """The communes of a scope key (``dep:33``, ``epci:243300316``, ``reg:75``), sorted."""
    level, _, value = key.partition(":")
    if level not in SCOPE_COLUMNS or not value:
        raise ValueError(f"unknown scope key: {key!r}")
    communes = referential.communes
    return sorted(communes.index[communes[SCOPE_COLUMNS[level]] == value].tolist())


def path_of(referential, key: str) -> Path:
    """The scope's cache file: ``dep-33.json``; a key with other characters (a SCoT's name)
    gets a safe name with a digest of the key."""
    name = key.replace(":", "-")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", name)[:60] + "-" + hashlib.sha1(key.encode()).hexdigest()[:12]
    return Path(referential.folder) / FOLDER / f"{name}.json"


def outlines(referential, key: str, codes: list[str] | None = None) -> Outlines:
    """The outlines of a scope, from the disk cache, or computed (and kept when possible).

    ``codes``: the scope's communes when the referential does not know them (a SCoT)."""
    path = path_of(referential, key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == VERSION:
            bounds = tuple(data["bounds"]) if data["bounds"] is not None else None
            return Outlines(key, data["codes"], data["names"], data["geometries"], bounds)
    except (OSError, ValueError, KeyError):
        pass
    result = compute(referential, key, codes)
    _write(path, result)
    return result


def compute(referential, key: str, codes: list[str] | None = None) -> Outlines:
    import numpy as np
    import shapely

    codes = sorted(codes) if codes is not None else scope_codes(referential, key)
    shapes = referential.geometries("departement", communes=codes)
    shapes = shapes.set_index("code").reindex(codes)
    rounded = shapely.transform(shapes.geometry.to_numpy(), lambda xy: np.round(xy, PRECISION))
    geometries = [
        None if g is None or shapely.is_missing(g) or g.is_empty else shapely.geometry.mapping(g) for g in rounded
    ]
    present = [g for g in rounded if g is not None and not shapely.is_missing(g)]
    bounds = None
    if present:
        west, south, east, north = (float(b) for b in shapely.total_bounds(present))
        bounds = (west, south, east, north)
    names = referential.communes["name"].reindex(codes).astype(str).tolist()
    return Outlines(key, codes, names, geometries, bounds)


def _write(path: Path, result: Outlines) -> None:
    payload = {
        "version": VERSION,
        "key": result.key,
        "codes": result.codes,
        "names": result.names,
        "geometries": result.geometries,
        "bounds": list(result.bounds) if result.bounds is not None else None,
    }
    try:
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, json.dumps(payload, separators=(",", ":"), allow_nan=False))
    except (OSError, ValueError):  # a read-only referential: computed again next time
        return
