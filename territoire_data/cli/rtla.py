"""``territoire rtla``: the drafts of the triennial artificialisation report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

FAILED_CODE = 3


def rtla(
    code: Optional[str] = typer.Argument(
        None, metavar="CODE", help="Commune (33440), epci:SIREN, scot:NOM ou dep:33 (sans objet avec --france)."
    ),
    period: Optional[str] = typer.Option(
        None,
        "--periode",
        metavar="DÉBUT-FIN",
        help="Années de flux rapportées (défaut : 2011 à la dernière année du Cerema).",
    ),
    formats: str = typer.Option(
        "odt,docx,html,json",
        "--format",
        metavar="F1,F2…",
        help="Parmi odt, docx, pdf (Chromium du système), html, json.",
    ),
    output: Optional[Path] = typer.Option(
        None, "--out", metavar="DOSSIER", help="Dossier des documents (défaut : rapports_triennaux/<territoire>)."
    ),
    corrections: Optional[Path] = typer.Option(
        None,
        "--corrections",
        metavar="FICHIER",
        help="Corrections locales (CSV territoire;indicateur;annee;valeur;source;motif) ; "
        "défaut : corrections/rapport_triennal.csv du dossier de travail s'il existe.",
    ),
    peers: Optional[str] = typer.Option(
        None, "--pairs", metavar="C1,C2…", help="Communes comparées, au lieu de la règle par défaut."
    ),
    workers: int = typer.Option(
        max(1, min(4, os.cpu_count() or 1)), "--workers", min=1, max=64, help="Processus en parallèle pour un lot."
    ),
    force: bool = typer.Option(False, "--force", help="Refaire aussi les documents dont les entrées n'ont pas changé."),
    france: bool = typer.Option(
        False, "--france", help="Toutes les communes et tous les EPCI de France, classés par dossier de département."
    ),
    departements: Optional[str] = typer.Option(
        None, "--departements", metavar="D1,D2…", help="Avec --france : seulement ces départements et leurs EPCI."
    ),
) -> None:
    """Rédiger le projet de rapport local de suivi de l'artificialisation des sols (CGCT L2231-1)
    d'une commune, d'un EPCI, de toutes les communes et EPCI d'un SCoT ou d'un département, ou
    de toute la France."""
    from territoire_data.cli.options import departement_codes
    from territoire_data.rtla import batch, entered
    from territoire_data.rtla import corrections as local
    from territoire_data.rtla.writers import FORMATS
    from territoire_data.workspace import default_workspace

    workspace = default_workspace()
    workspace.warehouse  # noqa: B018 - a missing warehouse is told before anything is read
    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if not chosen or unknown:
        raise typer.BadParameter(f"formats possibles : {', '.join(FORMATS)}", param_hint="--format")
    chosen_deps = departement_codes(departements)
    if chosen_deps and not france:
        raise typer.BadParameter("s'emploie avec --france seulement", param_hint="--departements")
    if france == bool(code):
        raise typer.BadParameter(
            "indiquez un territoire (CODE) ou --france (avec, au choix, --departements), pas les deux",
            param_hint="CODE",
        )
    territory = workspace.territory("france" if france else str(code))
    path = corrections if corrections is not None else workspace.home / local.CORRECTIONS_FILE
    found = entered.of_home(workspace, corrections)
    chosen_peers = [p.strip() for p in peers.split(",") if p.strip()] if peers else None
    if output is None:
        folder = "france" if not chosen_deps else "departements-" + "-".join(chosen_deps)
        output = Path("rapports_triennaux") / (folder if france else territory.code.replace(":", "-"))
    outcome = batch.run(
        workspace,
        territory.code,
        output,
        formats=chosen,
        period_text=period,
        corrections=found,
        peers=chosen_peers,
        workers=workers,
        force=force,
        progress=workspace.settings.progress,
        departements=chosen_deps,
    )
    typer.echo(
        f"{outcome.done} rapport(s) triennal(aux) rédigé(s), {outcome.unchanged} inchangé(s), "
        f"{len(outcome.failed)} en échec, en {outcome.seconds:.1f} s : {output}"
    )
    dashboard = sum(1 for c in found if c.origin == entered.DASHBOARD)
    if len(found) > dashboard:
        typer.echo(f"{len(found) - dashboard} correction(s) locale(s) lue(s) dans {path}.")
    if dashboard:
        typer.echo(f"{dashboard} correction(s) saisie(s) dans le tableau de bord.")
    for failed, error in outcome.failed[:10]:
        typer.echo(f"  échec {failed} : {error}", err=True)
    if outcome.interrupted:
        typer.echo("Interrompu : relancez la même commande, les rapports rédigés ne seront pas refaits.", err=True)
        raise typer.Exit(130)
    if outcome.failed:
        raise typer.Exit(FAILED_CODE)
