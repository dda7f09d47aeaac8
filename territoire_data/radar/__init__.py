"""Radar foncier: infill plots for élus (method in ``method``), reserved by the store's rules.

``run_radar(code, login=…)`` checks the right first (élus, agents of the territory, admins:
``Authorisation.can_run_radar``), then reads the layers, runs the method and returns the plots,
the envelope and a summary; ``write_geopackage`` saves them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

from territoire_data.access.authorisation import AccessDenied
from territoire_data.access.context import ExchangeContext
from territoire_data.radar.inputs import cadastre_file, crs_of, download_cadastre, read
from territoire_data.radar.method import Parameters, density_for, housing_need_assumptions, infill_plots, summary
from territoire_data.radar.places import lieux_dits_of, read_places


def check_access(workspace, code: str, login: str | None, rights=None) -> None:
    """``AccessDenied`` unless ``login`` may run the radar on ``code`` (store's roles, now).

    ``rights``: anything with ``can_run_radar(code)`` — the dashboard's exchange client (which
    asks the JupyterHub service in a deployment); the workspace's store otherwise."""
    rights = rights if rights is not None else workspace.authorisation(login)
    if not rights.can_run_radar(code):
        raise AccessDenied(f"Le radar foncier de {code} est réservé aux élus et aux services du territoire.")


def run_radar(
    code: str,
    *,
    login: str | None,
    parcels=None,
    buildings=None,
    green_network=None,
    plu=None,
    exclusions=(),
    parameters: Parameters = Parameters(),
    need_dwellings: float | None = None,
    workspace: ExchangeContext,
    rights=None,
) -> dict:
    """The infill plots of a commune for ``login`` (refused unless élu, agent or admin there).

    Layers not given are taken from the workspace's home, else downloaded (Etalab cadastre).
    """
    commune = workspace.territory(code)
    if commune.level != "commune":
        raise AccessDenied("Le radar foncier s'applique à une commune.")
    check_access(workspace, commune.code, login, rights)  # before reading anything
    crs = crs_of(commune.code)
    downloaded = parcels is None and cadastre_file(workspace.home, commune.code, "parcelles") is None
    parcels = read(parcels or download_cadastre(workspace, commune.code, "parcelles"), crs, "Parcelles")
    buildings = read(buildings or download_cadastre(workspace, commune.code, "batiments"), crs, "Bâtiments")
    result, env = infill_plots(
        parcels,
        buildings,
        parameters,
        green_network=None if green_network is None else read(green_network, crs, "Trame verte et bleue"),
        plu=None if plu is None else read(plu, crs, "Zonage du PLU"),
        exclusions=[read(f, crs, "Couche d'exclusion") for f in exclusions],
    )
    # Where each plot is on the ground: its section (in its label) and its lieu-dit.
    places = read_places(workspace, commune.code, crs, download=downloaded)
    result.insert(result.columns.get_loc("label") + 1, "lieu_dit", lieux_dits_of(result, places.lieux_dits))
    warehouse = workspace.warehouse_or_none()
    density_basis = ""
    if parameters.dwellings_per_ha is None:  # from the commune's type, not one figure for all
        per_ha, density_basis = density_for(commune.code, warehouse)
        parameters = replace(parameters, dwellings_per_ha=per_ha)
    basis = None if need_dwellings is not None else housing_need_assumptions(commune.code, warehouse)
    need = need_dwellings if need_dwellings is not None else (None if basis is None else basis["need"])
    return {
        "commune": commune,
        "plots": result,
        "envelope": env,
        "summary": {
            **summary(result, parameters, need, density_basis=density_basis, need_basis=basis),
            "places_missing": list(places.missing),
        },
        "buildings": buildings,
        "parcels": parcels,
        "places": places,
        "parcels_read": len(parcels),
        "buildings_read": len(buildings),
    }


# The GeoPackage is opened by élus and consultants in QGIS: its columns are French.
LAYER_COLUMNS = {
    "label": "designation",  # « section ZH n° 19 »
    "lieu_dit": "lieu_dit",  # as the cadastre writes it: « TAREY DE ROCHE »
    "area_m2": "surface_m2",
    "built_share": "part_batie",
    "envelope_share": "part_enveloppe",
    "compactness": "compacite",
    "plu_zone": "zone_plu",
    "green_network_conflict": "conflit_trame_verte",
    "green_network_distance_m": "distance_trame_verte_m",
    "reasons": "raisons",
    "buildings": "batiments",
}


def to_layer(frame):
    """The frame with the French column names of the written layers."""
    return frame.rename(columns=LAYER_COLUMNS)


def write_geopackage(result: dict, path: str | os.PathLike) -> Path:
    """Layers ``dents_creuses`` and ``enveloppe_urbaine``, written next to the target then renamed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".gpkg")
    os.close(descriptor)
    os.unlink(temporary)
    try:
        to_layer(result["plots"]).to_file(temporary, layer="dents_creuses", driver="GPKG")
        to_layer(result["envelope"]).to_file(temporary, layer="enveloppe_urbaine", driver="GPKG")
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def preview(result: dict):
    """Static map (SVG) of the envelope and the plots, for notebooks and reports."""
    from territoire_data.rendering import svg
    from territoire_data.rendering.fragments import Fragment, e

    plots, env = result["plots"], result["envelope"]
    geometries = list(env.geometry) + list(plots.geometry)
    colours = ["#e3e3fd"] * len(env) + ["#ce0500" if c else "#ff8d00" for c in plots["green_network_conflict"]]
    title = f"Radar foncier — {result['commune'].name} : {len(plots)} dent(s) creuse(s)"
    return Fragment(
        f"<figure><figcaption>{e(title)} (orange ; rouge : conflit avec la trame verte et bleue ; "
        f"bleu pâle : enveloppe urbaine)</figcaption>{svg.map_svg(geometries, colours, title=title, width=640)}"
        "</figure>"
    )
