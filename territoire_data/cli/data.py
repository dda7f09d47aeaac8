"""``territoire data build|status|demo|fetch``: build and inspect the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from territoire_data import strict_json
from territoire_data.errors import TerritoireError
from territoire_data.workspace import default_workspace

app = typer.Typer(help="Construire et inspecter l'entrepôt de données.", no_args_is_help=True)


def _summary(manifest: dict) -> None:
    sources = manifest["sources"]
    typer.echo(
        f"Entrepôt construit en {manifest['duration_s']:.1f} s"
        + (" — DONNÉES DE DÉMONSTRATION" if manifest.get("demo") else "")
    )
    for name, source in sorted(sources.items()):
        years = source.get("years") or []
        period = f"{years[0]}–{years[1]}" if years else "—"
        typer.echo(
            f"  {name:<24} éditions {', '.join(source['editions']):<18} années {period:<10} "
            f"{source['communes']} communes, {len(source['files'])} fichier(s)"
        )
    references = manifest.get("references", [])
    if references:
        typer.echo(f"  {len(references)} fichier(s) de référence reconnu(s), sans indicateur :")
        for reference in references:
            typer.echo(f"    {reference['file']} : {reference['role']}")
    if manifest["ignored"]:
        typer.echo(f"  {len(manifest['ignored'])} fichier(s) ignoré(s) :")
        for ignore in manifest["ignored"]:
            typer.echo(f"    {ignore['file']} : {ignore['reason']}")
    for line in manifest["log"]:
        typer.echo(f"  note : {line}")
    _coverage_summary(manifest.get("summary"))


def _coverage_summary(summary: dict | None, shown: int = 8) -> None:
    """What each source covers, what it does not and why, and the publishers' group figures
    that disagree with their communes (the manifest keeps all of them)."""
    if not summary:
        return
    typer.echo(f"Couverture des sources ({summary['coverage_rule']}) :")
    for name, source in sorted(summary["sources"].items()):
        typer.echo(
            f"  {name:<24} {source['communes_with_value']} communes sur {source['communes_total']} avec une valeur"
            + (
                f", {source['communes_without_row']} sans aucune ligne dans les fichiers lus"
                if source.get("communes_without_row")
                else ""
            )
        )
        for reason, n in list(source["not_covered"].items())[:shown]:
            typer.echo(f"    {n} non couverte(s) : {reason}")
        if len(source["not_covered"]) > shown:
            typer.echo(f"    … et {len(source['not_covered']) - shown} autre(s) motif(s) (voir `data status --json`)")
    disagreements = summary.get("disagreements") or []
    if disagreements:
        typer.echo(
            f"  {len(disagreements)} valeur(s) de groupe publiée(s) en désaccord avec la somme des communes "
            "(la somme est retenue) :"
        )
        for d in sorted(disagreements, key=lambda d: -d["gap_percent"])[:shown]:
            typer.echo(
                f"    {d['code']} {d['variable']} {d['year']} : somme {d['sum_of_communes']:.0f}, "
                f"publié {d['published']:.0f} par {d['source']} ({d['gap_percent']:.1f} %)".replace(".", ",")
            )
    scot = summary.get("scot")
    if scot:
        typer.echo(
            f"  SCoT : {scot['official']} d'après la liste officielle, {scot['from_cerema']} d'après le fichier "
            f"du Cerema, {len(scot['insufficient'])} en couverture insuffisante"
        )


@app.command("build")
def build_command(
    raw: list[Path] = typer.Option(
        ..., "--raw", metavar="DOSSIER", help="Dossier ou fichier de données brutes (répétable)."
    ),
    tolerant: bool = typer.Option(
        False, "--tolerant", help="Ignorer (avec la raison) un fichier reconnu mais défectueux."
    ),
) -> None:
    """Lire tous les fichiers reconnus (par leur contenu) et construire l'entrepôt."""
    for path in raw:
        if not path.exists():
            raise TerritoireError(f"Chemin introuvable : {path}")
    _summary(default_workspace().build_warehouse(raw, strict=not tolerant))


@app.command("status")
def status_command(to_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """Sources, éditions, années, couverture et mode démonstration de l'entrepôt."""
    manifest = default_workspace().warehouse.manifest
    if to_json:
        typer.echo(strict_json.text(strict_json.clean(manifest)))
        return
    typer.echo(f"Entrepôt du {manifest['built_at']} (référentiel {manifest['referential']})")
    _summary(manifest)


@app.command("demo")
def demo_command(
    departements: Optional[str] = typer.Option(
        None, "--departements", metavar="01,33", help="Départements à générer (par défaut : toute la France)."
    ),
) -> None:
    """Écrire des fichiers de démonstration aux formats officiels, puis construire l'entrepôt."""
    from territoire_data.demo import generate_and_build

    items = [d.strip() for d in departements.split(",") if d.strip()] if departements else None
    _summary(generate_and_build(items, workspace=default_workspace()))


@app.command("fetch")
def fetch_command(
    sources: Optional[str] = typer.Option(
        None, "--sources", metavar="S1,S2", help="Sources à télécharger (par défaut : toutes)."
    ),
    departements: Optional[str] = typer.Option(None, "--departements", metavar="33,24", help="Départements (DVF)."),
    base_url: Optional[str] = typer.Option(
        None, "--base-url", help="Remplace l'hôte de chaque producteur (miroir, tests)."
    ),
) -> None:
    """Télécharger les fichiers officiels (cache, reprise, sha256), puis construire l'entrepôt."""
    from territoire_data.sources.download import download

    list_sources = [s.strip() for s in sources.split(",") if s.strip()] if sources else None
    list_deps = [d.strip() for d in departements.split(",") if d.strip()] if departements else None
    workspace = default_workspace()
    cache = download(
        list_sources,
        list_deps,
        workspace.home,
        base_url or workspace.settings.download_url,
        progress=workspace.settings.progress,
    )
    _summary(workspace.build_warehouse([cache]))
