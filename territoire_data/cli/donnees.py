"""``territoire data build|status|demo|fetch``: build and inspect the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from territoire_data import entrepot as module_entrepot
from territoire_data.erreurs import TerritoireErreur
from territoire_data import jsonstrict

app = typer.Typer(help="Construire et inspecter l'entrepôt de données.", no_args_is_help=True)


def _resume(manifeste: dict) -> None:
    sources = manifeste["sources"]
    typer.echo(f"Entrepôt construit en {manifeste['duree_s']:.1f} s"
               + (" — DONNÉES DE DÉMONSTRATION" if manifeste.get("demo") else ""))
    for nom, source in sorted(sources.items()):
        annees = source.get("annees") or []
        periode = f"{annees[0]}–{annees[1]}" if annees else "—"
        typer.echo(f"  {nom:<24} éditions {', '.join(source['editions']):<18} années {periode:<10} "
                   f"{source['communes']} communes, {len(source['fichiers'])} fichier(s)")
    references = manifeste.get("references", [])
    if references:
        typer.echo(f"  {len(references)} fichier(s) de référence reconnu(s), sans indicateur :")
        for reference in references:
            typer.echo(f"    {reference['fichier']} : {reference['role']}")
    if manifeste["ignores"]:
        typer.echo(f"  {len(manifeste['ignores'])} fichier(s) ignoré(s) :")
        for ignore in manifeste["ignores"]:
            typer.echo(f"    {ignore['fichier']} : {ignore['raison']}")
    for ligne in manifeste["journal"]:
        typer.echo(f"  note : {ligne}")


@app.command("build")
def construire(
    bruts: List[Path] = typer.Option(..., "--raw", metavar="DOSSIER", help="Dossier ou fichier de données brutes (répétable)."),
    tolerant: bool = typer.Option(False, "--tolerant", help="Ignorer (avec la raison) un fichier reconnu mais défectueux."),
) -> None:
    """Lire tous les fichiers reconnus (par leur contenu) et construire l'entrepôt."""
    for chemin in bruts:
        if not chemin.exists():
            raise TerritoireErreur(f"Chemin introuvable : {chemin}")
    _resume(module_entrepot.construire(bruts, strict=not tolerant))


@app.command("status")
def etat(en_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """Sources, éditions, années, couverture et mode démonstration de l'entrepôt."""
    manifeste = module_entrepot.ouvrir().manifeste
    if en_json:
        typer.echo(jsonstrict.texte(jsonstrict.nettoyer(manifeste)))
        return
    typer.echo(f"Entrepôt du {manifeste['construit_le']} (référentiel {manifeste['referentiel']})")
    _resume(manifeste)


@app.command("demo")
def demo(
    departements: Optional[str] = typer.Option(
        None, "--departements", metavar="01,33", help="Départements à générer (par défaut : toute la France)."
    ),
) -> None:
    """Écrire des fichiers de démonstration aux formats officiels, puis construire l'entrepôt."""
    from territoire_data.demo import generer_et_construire

    liste = [d.strip() for d in departements.split(",") if d.strip()] if departements else None
    _resume(generer_et_construire(liste))


@app.command("fetch")
def recuperer(
    sources: Optional[str] = typer.Option(None, "--sources", metavar="S1,S2", help="Sources à télécharger (par défaut : toutes)."),
    departements: Optional[str] = typer.Option(None, "--departements", metavar="33,24", help="Départements (DVF)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Remplace l'hôte de chaque producteur (miroir, tests)."),
) -> None:
    """Télécharger les fichiers officiels (cache, reprise, sha256), puis construire l'entrepôt."""
    from territoire_data.telechargement import telecharger

    liste_sources = [s.strip() for s in sources.split(",") if s.strip()] if sources else None
    liste_deps = [d.strip() for d in departements.split(",") if d.strip()] if departements else None
    cache = telecharger(liste_sources, liste_deps, base_url=base_url)
    _resume(module_entrepot.construire([cache]))
