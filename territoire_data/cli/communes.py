"""``territoire communes search|show``: find a territory, print its card."""

from __future__ import annotations

import typer

from territoire_data import strict_json
from territoire_data.core.search import COMMUNE_LEVELS, LEVEL_LABELS, SEARCH_LEVELS
from territoire_data.rendering import formatting as fmt
from territoire_data.workspace import default_workspace

app = typer.Typer(help="Rechercher une commune ou un territoire, afficher sa fiche.", no_args_is_help=True)


def _json(data) -> None:
    typer.echo(strict_json.text(data))


@app.command("search")
def search_command(
    text: str = typer.Argument(
        ..., metavar="TEXTE", help="Nom (ou code) à chercher, sans souci d'accents ni de tirets."
    ),
    limit: int = typer.Option(10, "--limite", "-n", min=1, max=200, help="Nombre de résultats."),
    all_levels: bool = typer.Option(
        False, "--tous-niveaux", help="Chercher aussi les EPCI, SCoT, départements et régions."
    ),
    to_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Rechercher une commune par son nom (homonymes classés par population)."""
    levels = SEARCH_LEVELS if all_levels else COMMUNE_LEVELS
    results = default_workspace().search(text, limit=limit, levels=levels)
    if to_json:
        _json([r.as_dict() for r in results])
        return
    if not results:
        typer.echo(f"Aucun territoire ne correspond à « {text} ».")
        return
    for r in results:
        place = f"({r.departement})" if r.level == "commune" else f"[{LEVEL_LABELS[r.level]}]"
        former = r.match.split(":", 1)[1] if r.match.startswith("former_commune:") else None
        suffix = f" — ancienne commune « {former} »" if former else ""
        inhabitants = "population inconnue" if r.population is None else f"{fmt.number(r.population)} hab."
        typer.echo(f"{r.code:<16} {r.name} {place}  {inhabitants}{suffix}")


@app.command("show")
def show_command(
    code: str = typer.Argument(..., metavar="CODE", help="33063, epci:243300316, dep:33, reg:75 ou france."),
    to_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Afficher la fiche d'un territoire."""
    workspace = default_workspace()
    card = workspace.territory(code).card(workspace.warehouse_or_none())
    if to_json:
        _json(card)
        return
    rows = [f"{card['name']} ({card['code']})", f"  Niveau : {LEVEL_LABELS[card['level']]}"]
    if "departement" in card:
        rows.append(f"  Département : {card['departement']['name']} ({card['departement']['code']})")
    if "region" in card:
        rows.append(f"  Région : {card['region']['name']} ({card['region']['code']})")
    if "epci" in card:
        epci = card["epci"]
        rows.append(f"  EPCI : {epci['name']} ({epci['code']})" if epci else "  EPCI : aucun (commune isolée)")
    area = fmt.number(card["area_km2"], 2, absent="inconnue")
    rows.append(f"  Superficie : {area} km²")
    if card.get("communes_without_boundary"):
        rows.append(f"    (sans {len(card['communes_without_boundary'])} communes dépourvues de contour)")
    rows.append(f"  Communes membres : {fmt.number(card['n_communes'])}")
    if card.get("sub_units"):
        rows.append(f"  Arrondissements municipaux : {len(card['sub_units'])}")
    from territoire_data.sources import label as libelle_source

    source = libelle_source(card.get("population_source")) or card.get("population_source")
    population = "inconnue" if card["municipal_population"] is None else fmt.number(card["municipal_population"])
    rows.append(f"  Population municipale ({card['population_year']}, {source}) : {population}")
    if card.get("note"):
        rows.append(f"  Note : {card['note']}")
    typer.echo("\n".join(rows))
