"""``territoire indicateurs CODE``: the indicators of a territory, with peers."""

from __future__ import annotations

from typing import Optional

import typer

from territoire_data import strict_json
from territoire_data.core.catalogue import THEMES
from territoire_data.core.indicators import indicator_table, to_json
from territoire_data.rendering.fragments import displayed_value, peers_label, qualifier, year_label
from territoire_data.rendering.reading import judgement, rank_words
from territoire_data.workspace import default_workspace


def indicators(
    code: str = typer.Argument(..., metavar="CODE", help="33063, epci:243300316, dep:33, reg:75 ou france."),
    theme: Optional[str] = typer.Option(None, "--theme", help=f"Un thème : {', '.join(THEMES)}."),
    peers: str = typer.Option("densite", "--pairs", help="densite, taille, departement, epci, france ou liste:C1,C2…"),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Afficher les indicateurs d'un territoire et sa position parmi des territoires comparables."""
    workspace = default_workspace()
    warehouse = workspace.warehouse  # told first: no referential is built for a home without a warehouse
    target = workspace.territory(code)
    if output_json:
        typer.echo(strict_json.text(to_json(target, theme, peers, warehouse)))
        return
    table = indicator_table(target, theme, peers, warehouse)
    if warehouse.demo:
        typer.echo("*** DONNÉES DE DÉMONSTRATION — ne pas utiliser pour décider ***")
    peers_title = peers_label(table["peers_group"].iloc[0]) if len(table) else "—"
    typer.echo(f"{target.name} ({target.code}) — comparaison : {peers_title}")
    for name_theme, block in table.groupby("theme", sort=False):
        typer.echo(f"\n{THEMES[name_theme]}")
        for r in block.itertuples(index=False):
            line = r._asdict()
            value = displayed_value(line)
            year = (
                f" ({year_label(line)})"
                if r.year == r.year and r.year is not None and r.value == r.value and r.value is not None
                else ""
            )
            if qualifier(line):
                year += f" [{qualifier(line)}]"
            words = rank_words(line, peers_title) if r.peers_n and r.peers_n > 1 else ""
            verdict = judgement(line)
            rank = f"  — {words}{' : ' + verdict if verdict else ''}" if words else ""
            typer.echo(f"  {r.label} : {value}{year}{rank}")
