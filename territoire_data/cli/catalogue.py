"""``territoire catalogue [ID]``: the indicators, or the provenance page of one of them."""

from __future__ import annotations

from typing import Optional

import typer

from territoire_data import catalogue as module_catalogue
from territoire_data import jsonstrict
from territoire_data.statuts import RAISONS_DETAIL


def catalogue(
    identifiant: Optional[str] = typer.Argument(None, metavar="[ID]", help="Identifiant d'un indicateur (ex. taux_chomage_15_64)."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Seulement les indicateurs d'un thème."),
    sortie_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Lister les indicateurs, ou afficher la provenance d'un indicateur (source, édition, formule, couverture)."""
    from territoire_data.entrepot import EntrepotAbsent, ouvrir

    try:
        entrepot = ouvrir()
    except EntrepotAbsent:
        entrepot = None
    if identifiant is None:
        liste = [i for i in module_catalogue.INDICATEURS if theme is None or i.theme == theme]
        if sortie_json:
            typer.echo(jsonstrict.texte([{"id": i.id, "theme": i.theme, "label": i.libelle, "unit": i.unite}
                                         for i in liste]))
            return
        for nom, libelle in module_catalogue.THEMES.items():
            bloc = [i for i in liste if i.theme == nom]
            if bloc:
                typer.echo(f"\n{libelle}")
                for i in bloc:
                    typer.echo(f"  {i.id:<44} {i.libelle} ({i.unite})")
        typer.echo("\nDétail d'un indicateur : territoire catalogue ID")
        return
    from territoire_data.referential import charger

    f = module_catalogue.fiche(identifiant, entrepot, charger().communes.index if entrepot is not None else None)
    if sortie_json:
        typer.echo(jsonstrict.texte(f))
        return
    lignes = [f"{f['label']} ({f['id']})", f"  Thème : {f['theme_label']}", f"  Unité : {f['unit']}",
              f"  Calcul : {f['formula']}", f"  Variables sources : {', '.join(f['variables'])}",
              f"  Lecture : {f['polarity_label']}", f"  Territoires regroupés : {f['aggregation']}", "  Sources :"]
    for source in f["sources"]:
        editions = source.get("editions")
        lignes.append(f"    {source['label']}" + (f" — éditions chargées : {', '.join(editions)}" if editions else
                                                   (" — non chargée" if entrepot is not None else "")))
    if entrepot is not None:
        if f["sources_used"]:
            lignes.append("  Valeurs de l'entrepôt (dernière année de chaque commune) :")
            for source in f["sources_used"]:
                lignes.append(f"    {source['label']}, édition(s) {', '.join(source['editions'])} : "
                              f"{source['communes']} communes")
        lignes.append(f"  Années disponibles : {', '.join(map(str, f['years'])) or 'aucune'}")
        c = f["coverage"]
        lignes.append(f"  Couverture (année de référence {c['reference_year'] or '—'}) : {c['communes_with_value']} communes "
                      f"avec une valeur, {c['communes_secret']} secrètes, {c['communes_missing']} sans valeur")
        for raison, n in c["reasons"].items():
            lignes.append(f"    {n} : {RAISONS_DETAIL.get(raison, raison)}")
        if f.get("demo"):
            lignes.append("  *** entrepôt de DONNÉES DE DÉMONSTRATION ***")
    else:
        lignes.append("  (aucun entrepôt : éditions et couverture inconnues — `territoire data demo` ou `data build`)")
    typer.echo("\n".join(lignes))
