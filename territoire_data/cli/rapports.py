"""``territoire reports``: a report for every commune of a territory, plus the group's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from territoire_data.carnets import dossier_carnets

CODE_PARTIEL = 3


def reports(
    communes: Optional[str] = typer.Option(None, "--communes", metavar="C1,C2…", help="Codes INSEE des communes."),
    epci: Optional[str] = typer.Option(None, "--epci", metavar="SIREN", help="Toutes les communes d'un EPCI."),
    departement: Optional[str] = typer.Option(None, "--departement", metavar="D", help="Toutes les communes d'un département."),
    sortie: Optional[Path] = typer.Option(None, "--out", metavar="DOSSIER",
                                          help="Dossier des rapports (défaut : reports/sortie/<périmètre> du dépôt)."),
    travailleurs: int = typer.Option(max(1, min(4, os.cpu_count() or 1)), "--workers", min=1, max=64,
                                     help="Processus de rapports en parallèle sur cette machine."),
    planificateur: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HÔTE:PORT",
                                                help="Répartir le lot sur un cluster Dask distributed."),
    force: bool = typer.Option(False, "--force", help="Refaire aussi les rapports dont les entrées n'ont pas changé."),
    format_: str = typer.Option("html", "--format", help="html ou pdf (PDF : Chromium du système)."),
    pairs: str = typer.Option("densite", "--pairs", help="Groupe de comparaison des communes."),
    carnet: Optional[Path] = typer.Option(None, "--carnet", help="Carnet paramétré (paramètres code et pairs)."),
) -> None:
    """Produire un rapport par commune d'un territoire, le rapport du groupe, un index et un manifeste."""
    from territoire_data.rapports import plan, produire

    carnet = carnet or dossier_carnets() / "portrait.ipynb"
    codes, groupe = plan.perimetre(communes, epci, departement)
    taches = plan.taches(codes, groupe, carnet=carnet, pairs=pairs, format=format_)
    titre = f"Rapports — {taches[-1].nom}" if groupe else f"Rapport — {taches[0].nom}"
    if sortie is None:
        sortie = plan.sortie_par_defaut(groupe or codes[0])
    typer.echo(f"{len(taches)} rapport(s) vers {sortie}" + (f" sur {planificateur}" if planificateur else
                                                           f" avec {travailleurs} processus"), err=True)
    bilan = produire(taches, sortie, titre=titre, travailleurs=travailleurs, planificateur=planificateur, force=force)
    typer.echo(f"{bilan.faits} rapport(s) produit(s), {bilan.inchanges} inchangé(s) (non refaits), "
               f"{len(bilan.echecs)} en échec, en {bilan.duree_s:.1f} s.")
    for code, message in bilan.echecs:
        typer.echo(f"  échec {code} : {message.splitlines()[0] if message else 'raison inconnue'}", err=True)
    typer.echo(f"Index : {bilan.sortie / 'index.html'}")
    if bilan.echecs:
        typer.echo("Lot partiel : les autres rapports sont valides ; relancez la commande pour réessayer les échecs.",
                   err=True)
        raise typer.Exit(CODE_PARTIEL)
