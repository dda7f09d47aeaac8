"""Official projections of French territories.

Metric work (buffers, lengths, simplification tolerances) uses the official conformal
projection of each territory: Lambert-93 in metropolitan France and Corsica, the local
UTM projections of the RGAF09/RGFG95/RGR92/RGM04 frames overseas. Areas are computed in
an equal-area projection: ETRS89-LAEA (EPSG:3035) in metropolitan France, a Lambert
azimuthal equal-area centred on the territory overseas.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyproj
import shapely

WGS84 = 4326
LAMBERT_93 = 2154
MAINLAND = "metropole"

# Département code → (official projection EPSG, centre of the equal-area projection).
OVERSEAS = {
    "971": (5490, (16.2, -61.5)),  # Guadeloupe: RGAF09 / UTM 20N
    "972": (5490, (14.65, -61.0)),  # Martinique: RGAF09 / UTM 20N
    "973": (2972, (4.0, -53.0)),  # Guyane: RGFG95 / UTM 22N
    "974": (2975, (-21.1, 55.5)),  # La Réunion: RGR92 / UTM 40S
    "976": (4471, (-12.8, 45.15)),  # Mayotte: RGM04 / UTM 38S
}


def zone(departement: str) -> str:
    """``"metropole"`` or the overseas département code."""
    return departement if departement in OVERSEAS else MAINLAND


def local_epsg(departement: str) -> int:
    """Official projected CRS for work in meters on this département."""
    return OVERSEAS[departement][0] if departement in OVERSEAS else LAMBERT_93


def equal_area_crs(zone_code: str) -> pyproj.CRS:
    if zone_code == MAINLAND:
        return pyproj.CRS.from_epsg(3035)
    lat, lon = OVERSEAS[zone_code][1]
    return pyproj.CRS.from_proj4(f"+proj=laea +lat_0={lat} +lon_0={lon} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs")


def metric_crs(zone_code: str) -> pyproj.CRS:
    return pyproj.CRS.from_epsg(local_epsg(zone_code if zone_code != MAINLAND else "33"))


@lru_cache(maxsize=32)  # pure: keyed on its arguments only (a transformer costs ≈ 10 ms to build)
def _transformer(source: pyproj.CRS, target: pyproj.CRS) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def reproject(geometries: np.ndarray, source, target) -> np.ndarray:
    """Reproject an array of shapely geometries (missing ones stay missing)."""
    transformer = _transformer(pyproj.CRS.from_user_input(source), pyproj.CRS.from_user_input(target))

    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometries, apply)
