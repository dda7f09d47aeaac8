"""``territoire indicateurs CODE``: the indicators of a territory, with peers."""

from __future__ import annotations

from typing import Optional

import typer

from territoire_data import format as fmt
from territoire_data.catalogue import THEMES
from territoire_data.fragments import complement, libelle_pairs, valeur_affichee
from territoire_data.entrepot import ouvrir
from territoire_data.indicateurs import en_json, tableau
from territoire_data.territoires import territoire
from territoire_data import jsonstrict



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
        typer.echo(jsonstrict.texte(en_json(cible, theme, pairs, entrepot)))
        return
    table = tableau(cible, theme, pairs, entrepot)
    if entrepot.demo:
        typer.echo("*** DONNÉES DE DÉMONSTRATION — ne pas utiliser pour décider ***")
    typer.echo(f"{cible.name} ({cible.code}) — comparaison : "
               f"{libelle_pairs(table['peers_group'].iloc[0]) if len(table) else '—'}")
    for nom_theme, bloc in table.groupby("theme", sort=False):
        typer.echo(f"\n{THEMES[nom_theme]}")
        for r in bloc.itertuples(index=False):
            ligne = r._asdict()
            valeur = valeur_affichee(ligne)
            annee = f" ({int(r.year)})" if r.year == r.year and r.year is not None and r.value == r.value and r.value is not None else ""
            if complement(ligne):
                annee += f" [{complement(ligne)}]"
            rang = f"  centile {fmt.nombre(r.percentile, 0)} / médiane {fmt.nombre(r.median, r.decimals)}" \
                if r.percentile == r.percentile and r.percentile is not None and r.peers_n > 1 else ""
            typer.echo(f"  {r.label} : {valeur}{annee}{rang}")
