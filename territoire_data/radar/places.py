"""Where a plot is on the ground: the cadastre's sections and lieux-dits around the radar's plots.

Without a basemap (the default: no request leaves the server) an élu finds a plot by what the
cadastral plan itself prints: its section and number (``method.cadastral_label``) and the
lieu-dit it lies in. The Etalab cadastre publishes both as layers of the commune
(``cadastre-CODE-sections.json.gz``: ``code``, ``prefixe``; ``cadastre-CODE-lieux_dits.json.gz``:
``nom``, in capitals as on the plan). They are optional: a commune whose files are missing
keeps its plots, labelled by section only, and the summary says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from territoire_data.errors import TerritoireError

NEAREST_M = 150.0  # a plot just outside every lieu-dit polygon takes the nearest one within this distance


@dataclass(frozen=True)
class Places:
    """The commune's sections and lieux-dits (``None`` when the layer could not be had) and,
    for each missing layer, the reason in French."""

    sections: gpd.GeoDataFrame | None
    lieux_dits: gpd.GeoDataFrame | None
    missing: tuple[str, ...] = ()


def read_places(workspace, code: str, crs: int, *, download: bool) -> Places:
    """The two layers from the home's ``cadastre/`` (or its downloads), else — ``download``,
    when the parcels themselves came from cadastre.data.gouv.fr — downloaded the same way;
    a layer that cannot be had is left out with its reason."""
    from territoire_data.radar.inputs import cadastre_file, download_cadastre, read

    layers: dict[str, gpd.GeoDataFrame | None] = {}
    missing = []
    for layer, what in (("sections", "Sections"), ("lieux_dits", "Lieux-dits")):
        found = cadastre_file(workspace.home, code, layer)
        try:
            if found is None and not download:
                raise TerritoireError(f"pas de fichier cadastre-{code}-{layer}.json.gz dans le dossier cadastre")
            layers[layer] = read(found or download_cadastre(workspace, code, layer), crs, what)
        except TerritoireError as error:
            layers[layer] = None
            missing.append(f"{what} du cadastre non disponibles : {error}")
    return Places(layers["sections"], layers["lieux_dits"], tuple(missing))


def section_names(sections: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The sections with the name printed on the plan: « Section ZH », « Section 123 ZH » for
    a section of a former commune (its prefix)."""
    if sections is None or "code" not in sections:
        return None
    prefix = sections["prefixe"].astype(str) if "prefixe" in sections else "000"
    named = sections.copy()
    named["nom"] = [
        f"Section {'' if p in ('000', '', 'None') else p + ' '}{c}"
        for p, c in zip(prefix, sections["code"].astype(str))
    ]
    return named


def lieux_dits_of(plots: gpd.GeoDataFrame, lieux_dits: gpd.GeoDataFrame | None) -> list[str]:
    """The lieu-dit of each plot, as the cadastre writes it: the one holding the plot's
    inner point, else the nearest within ``NEAREST_M`` metres, else « »."""
    if lieux_dits is None or len(lieux_dits) == 0 or len(plots) == 0 or "nom" not in lieux_dits:
        return [""] * len(plots)
    named = lieux_dits[lieux_dits["nom"].notna()][["nom", "geometry"]].to_crs(plots.crs)
    points = gpd.GeoDataFrame(geometry=plots.geometry.representative_point().to_numpy(), crs=plots.crs)
    joined = gpd.sjoin_nearest(points, named, how="left", max_distance=NEAREST_M, distance_col="distance_m")
    joined = joined[~joined.index.duplicated(keep="first")]  # a point on two polygons' shared edge
    names = joined["nom"].reindex(points.index)
    return [str(n) if isinstance(n, str) else "" for n in names.to_numpy()]


def labels(frame: gpd.GeoDataFrame | None, column: str) -> list[tuple[float, float, str]]:
    """(lat, lon, text) of a label at each feature's inner point, in WGS84, for the map."""
    if frame is None or len(frame) == 0 or column not in frame:
        return []
    wgs = frame[frame[column].notna()].to_crs(4326)
    points = wgs.geometry.representative_point()
    return [
        (round(float(p.y), 6), round(float(p.x), 6), text)
        for p, text in zip(points, wgs[column].astype(str))
        if not np.isnan(p.x)
    ]
