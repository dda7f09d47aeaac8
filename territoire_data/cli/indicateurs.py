"""``territoire indicateurs CODE``: the indicators of a territory, with peers."""

from __future__ import annotations

import json
from typing import Optional

import typer

from territoire_data import format as fmt
from territoire_data.catalogue import THEMES
from territoire_data.entrepot import ouvrir
from territoire_data.indicateurs import en_json, tableau
from territoire_data.territoires import territoire

STATUTS = {"secret": "secret statistique", "missing": "non disponible"}


def indicateurs(
    code: str = typer.Argument(..., help="33063, epci:243300316, dep:33, reg:75 ou france."),
    theme: Optional[str] = typer.Option(None, "--theme", help=f"Un thème : {', '.join(THEMES)}."),
    pairs: str = typer.Option("densite", "--pairs", help="densite, taille, departement, epci, france ou liste:C1,C2…"),
    sortie_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Afficher les indicateurs d'un territoire et sa position parmi des territoires comparables."""
    cible = territoire(code)
    entrepot = ouvrir()
    if sortie_json:
        typer.echo(json.dumps(en_json(cible, theme, pairs, entrepot), ensure_ascii=False, indent=2))
        return
    table = tableau(cible, theme, pairs, entrepot)
    if entrepot.demo:
        typer.echo("*** DONNÉES DE DÉMONSTRATION — ne pas utiliser pour décider ***")
    typer.echo(f"{cible.name} ({cible.code}) — comparaison : {table['peers_group'].iloc[0] if len(table) else '—'}")
    for nom_theme, bloc in table.groupby("theme", sort=False):
        typer.echo(f"\n{THEMES[nom_theme]}")
        for r in bloc.itertuples(index=False):
            if r.value is None or r.value != r.value:
                valeur = STATUTS.get(r.status, r.status)
            else:
                valeur = f"{fmt.nombre(r.value, r.decimals)} {r.unit}"
            annee = f" ({r.year})" if r.year == r.year and r.year is not None else ""
            rang = f"  centile {fmt.nombre(r.percentile, 0)} / médiane {fmt.nombre(r.median, r.decimals)}" \
                if r.percentile == r.percentile and r.percentile is not None else ""
            typer.echo(f"  {r.label} : {valeur}{annee}{rang}")
