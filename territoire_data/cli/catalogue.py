"""``territoire catalogue [ID]``: the indicators, or the provenance page of one of them."""

from __future__ import annotations

from typing import Optional

import typer

from territoire_data import strict_json
from territoire_data.core import catalogue as module_catalogue
from territoire_data.core.statuses import REASONS_DETAIL
from territoire_data.workspace import default_workspace


def catalogue(
    identifier: Optional[str] = typer.Argument(
        None, metavar="ID", help="Identifiant d'un indicateur (ex. taux_chomage_15_64)."
    ),
    theme: Optional[str] = typer.Option(None, "--theme", help="Seulement les indicateurs d'un thème."),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Lister les indicateurs, ou afficher la provenance d'un indicateur (source, édition, formule, couverture)."""
    warehouse = default_workspace().warehouse_or_none()
    if identifier is None:
        items = [i for i in module_catalogue.INDICATORS if theme is None or i.theme == theme]
        if output_json:
            typer.echo(
                strict_json.text([{"id": i.id, "theme": i.theme, "label": i.label, "unit": i.unit} for i in items])
            )
            return
        for name, label in module_catalogue.THEMES.items():
            block = [i for i in items if i.theme == name]
            if block:
                typer.echo(f"\n{label}")
                for i in block:
                    typer.echo(f"  {i.id:<44} {i.label} ({i.unit})")
        typer.echo("\nDétail d'un indicateur : territoire catalogue ID")
        return

    f = module_catalogue.provenance_card(
        identifier, warehouse, default_workspace().referential.communes.index if warehouse is not None else None
    )
    if output_json:
        typer.echo(strict_json.text(f))
        return
    rows = [
        f"{f['label']} ({f['id']})",
        f"  Thème : {f['theme_label']}",
        f"  Unité : {f['unit']}",
        f"  Calcul : {f['formula']}",
        f"  Variables sources : {', '.join(f['variables'])}",
        f"  Lecture : {f['polarity_label']}",
        f"  Territoires regroupés : {f['aggregation']}",
        "  Sources :",
    ]
    for source in f["sources"]:
        editions = source.get("editions")
        rows.append(
            f"    {source['label']}"
            + (
                f" — éditions chargées : {', '.join(editions)}"
                if editions
                else (" — non chargée" if warehouse is not None else "")
            )
        )
    if warehouse is not None:
        if f["sources_used"]:
            rows.append("  Valeurs de l'entrepôt (dernière année de chaque commune) :")
            for source in f["sources_used"]:
                rows.append(
                    f"    {source['label']}, édition(s) {', '.join(source['editions'])} : {source['communes']} communes"
                )
        rows.append(f"  Années disponibles : {', '.join(map(str, f['years'])) or 'aucune'}")
        c = f["coverage"]
        rows.append(
            f"  Couverture (année de référence {c['reference_year'] or '—'}), sur les {c['communes']} communes "
            f"du référentiel : {c['communes_with_value']} avec une valeur, {c['communes_secret']} secrètes, "
            f"{c['communes_missing']} sans valeur"
        )
        for reason, n in c["reasons"].items():
            rows.append(f"    {n} : {REASONS_DETAIL.get(reason, reason)}")
        if f.get("demo"):
            rows.append("  *** entrepôt de DONNÉES DE DÉMONSTRATION ***")
    else:
        rows.append("  (aucun entrepôt : éditions et couverture inconnues — `territoire data demo` ou `data build`)")
    typer.echo("\n".join(rows))
