"""``territoire reports``: a report for every commune of a territory, plus the group's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from territoire_data.resources import notebooks_folder

PARTIAL_CODE = 3


def reports(
    communes: Optional[str] = typer.Option(None, "--communes", metavar="C1,C2…", help="Codes INSEE des communes."),
    epci: Optional[str] = typer.Option(None, "--epci", metavar="SIREN", help="Toutes les communes d'un EPCI."),
    departement: Optional[str] = typer.Option(
        None, "--departement", metavar="D", help="Toutes les communes d'un département."
    ),
    output: Optional[Path] = typer.Option(
        None, "--out", metavar="DOSSIER", help="Dossier des rapports (défaut : reports/sortie/<périmètre> du dépôt)."
    ),
    workers: int = typer.Option(
        max(1, min(4, os.cpu_count() or 1)),
        "--workers",
        min=1,
        max=64,
        help="Processus de rapports en parallèle sur cette machine.",
    ),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="tcp://HÔTE:PORT", help="Répartir le lot sur un cluster Dask distributed."
    ),
    force: bool = typer.Option(False, "--force", help="Refaire aussi les rapports dont les entrées n'ont pas changé."),
    format_: str = typer.Option("html", "--format", help="html ou pdf (PDF : Chromium du système)."),
    peers: str = typer.Option("densite", "--pairs", help="Groupe de comparaison des communes."),
    notebook: Optional[Path] = typer.Option(None, "--carnet", help="Carnet paramétré (paramètres code et pairs)."),
    france: bool = typer.Option(
        False,
        "--france",
        help="Site national : chaque commune, EPCI, SCoT, département, région et la France, avec index et recherche.",
    ),
    departements: Optional[str] = typer.Option(
        None,
        "--departements",
        metavar="D1,D2…",
        help="Site national restreint à ces départements et à leurs groupes (vaut --france).",
    ),
) -> None:
    """Produire un rapport par commune d'un territoire, le rapport du groupe, un index et un manifeste."""
    from territoire_data.reports import plan, produce_reports
    from territoire_data.workspace import default_workspace

    workspace = default_workspace()
    workspace.warehouse  # noqa: B018 - a missing warehouse is told before any referential is built
    notebook = notebook or notebooks_folder() / "portrait.ipynb"
    if france or departements:
        if communes or epci or departement or format_ != "html":
            raise typer.BadParameter(
                "--france se combine avec --departements, --out, --workers, --scheduler, --force, --pairs et --carnet "
                "seulement."
            )
        _national(workspace, output, departements, workers, scheduler, force, peers, notebook)
        return
    codes, group = plan.scope(communes, epci, departement, workspace=workspace)
    tasks = plan.tasks(codes, group, workspace=workspace, notebook=notebook, peers=peers, format=format_)
    title = f"Rapports — {tasks[-1].name}" if group else f"Rapport — {tasks[0].name}"
    if output is None:
        output = plan.default_output(group or codes[0], workspace)
    typer.echo(
        f"{len(tasks)} rapport(s) vers {output}" + (f" sur {scheduler}" if scheduler else f" avec {workers} processus"),
        err=True,
    )
    summary = produce_reports(
        tasks, output, title=title, workspace=workspace, workers=workers, scheduler=scheduler, force=force
    )
    typer.echo(
        f"{summary.done} rapport(s) produit(s), {summary.unchanged} inchangé(s) (non refaits), "
        f"{len(summary.failures)} en échec, en {summary.duration_s:.1f} s."
    )
    for code, message in summary.failures:
        typer.echo(f"  échec {code} : {message.splitlines()[0] if message else 'raison inconnue'}", err=True)
    typer.echo(f"Index : {summary.output / 'index.html'}")
    if summary.failures:
        typer.echo(
            "Lot partiel : les autres rapports sont valides ; relancez la commande pour réessayer les échecs.", err=True
        )
        raise typer.Exit(PARTIAL_CODE)


def _national(workspace, output, departements, workers, scheduler, force, peers, notebook) -> None:
    """``--france``: the national site (``reports.national``)."""
    from territoire_data.cli.options import departement_codes
    from territoire_data.reports import national

    chosen = departement_codes(departements)
    if output is None:
        output = workspace.home / "reports" / ("france" if not chosen else "departements-" + "-".join(chosen))
    where = f"sur le cluster Dask {scheduler}" if scheduler else f"avec {workers} processus"
    typer.echo(f"Site national vers {output} {where}", err=True)
    summary = national.run(
        workspace,
        output,
        departements=chosen or None,
        workers=workers,
        scheduler=scheduler,
        force=force,
        peers=peers,
        notebook=notebook,
        progress=workspace.settings.progress,
    )
    failures = summary.failures
    typer.echo(
        f"{summary.done} page(s) produite(s), {summary.unchanged} inchangée(s) (non refaites), {len(failures)} en "
        f"échec, en {summary.duration_s:.1f} s ({summary.pages_per_s:.1f} pages/s) ; "
        f"{summary.size_bytes / 1e6:.1f} Mo au total."
    )
    for path, message in failures[:20]:
        typer.echo(f"  échec {path} : {message.splitlines()[0] if message else 'raison inconnue'}", err=True)
    typer.echo(f"Accueil : {summary.output / 'index.html'}")
    if summary.interrupted:
        typer.echo("Interrompu : relancez la même commande, les pages finies ne seront pas refaites.", err=True)
        raise typer.Exit(130)
    if failures:
        typer.echo("Site partiel : relancez la commande pour réessayer les échecs.", err=True)
        raise typer.Exit(PARTIAL_CODE)
