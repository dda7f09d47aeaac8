"""``territoire radar CODE``: infill plots of a commune, for its élus and services."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from territoire_data import strict_json
from territoire_data.rendering.formatting import number


def radar(
    code: str = typer.Argument(..., metavar="CODE", help="Code INSEE de la commune."),
    login: str = typer.Option(..., "--as", help="Identifiant (élu, agent du territoire ou administrateur)."),
    parcels: Optional[Path] = typer.Option(
        None, "--parcelles", help="cadastre-CODE-parcelles.json(.gz) ; sinon téléchargé."
    ),
    buildings: Optional[Path] = typer.Option(
        None, "--batiments", help="cadastre-CODE-batiments.json(.gz) ; sinon téléchargé."
    ),
    green_network: Optional[Path] = typer.Option(
        None, "--trame-verte", help="Réservoirs et corridors (tout format vecteur)."
    ),
    plu: Optional[Path] = typer.Option(None, "--plu", help="Zonage du PLU (zone_urba, champ typezone)."),
    exclusions: list[Path] = typer.Option([], "--exclusion", help="Couche à exclure (eau, voirie…), répétable."),
    output: Optional[Path] = typer.Option(None, "--out", help="GeoPackage de sortie (défaut : radar_CODE.gpkg)."),
    mode_network: str = typer.Option("signaler", "--trame-verte-mode", help="signaler (défaut) ou exclure."),
    density: Optional[float] = typer.Option(
        None,
        "--densite",
        help="Logements par hectare sur les dents creuses (défaut : selon le niveau de la commune dans la grille "
        "de densité de l'INSEE, de 60 à 10).",
    ),
    output_json: bool = typer.Option(False, "--json", help="Synthèse en JSON."),
) -> None:
    """Repérer les dents creuses d'une commune (réservé aux élus et services du territoire)."""
    from territoire_data.radar import run_radar, write_geopackage
    from territoire_data.radar.method import Parameters

    if mode_network not in ("signaler", "exclure"):
        raise typer.BadParameter("--trame-verte-mode : signaler ou exclure")
    from territoire_data.workspace import default_workspace

    result = run_radar(
        code,
        login=login,
        parcels=parcels,
        buildings=buildings,
        green_network=green_network,
        plu=plu,
        exclusions=exclusions,
        parameters=Parameters(green_network=mode_network, dwellings_per_ha=density),
        workspace=default_workspace(),
    )
    path = write_geopackage(result, output or Path(f"radar_{result['commune'].code}.gpkg"))
    s = result["summary"]
    if output_json:
        typer.echo(strict_json.text({"commune": result["commune"].code, **s, "file": str(path)}, indent=None))
        return
    typer.echo(f"Radar foncier — {result['commune'].name} ({result['commune'].code})")
    typer.echo(
        f"  {s['plots']} dent(s) creuse(s), {number(s['hectares'], 2)} ha, "
        f"{s['green_network_conflicts']} en conflit avec la trame verte et bleue"
    )
    typer.echo(f"  Densité retenue : {s['density_basis']}.")
    typer.echo(f"  {s['reading']}")
    typer.echo(f"  {s['need_basis']}")
    typer.echo(f"GeoPackage : {path} (couches dents_creuses et enveloppe_urbaine)")
