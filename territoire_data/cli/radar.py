"""``territoire radar CODE``: infill plots of a commune, for its élus and services."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from territoire_data.format import nombre
from territoire_data import jsonstrict


def radar(
    code: str = typer.Argument(..., help="Code INSEE de la commune."),
    login: str = typer.Option(..., "--as", help="Identifiant (élu, agent du territoire ou administrateur)."),
    parcelles: Optional[Path] = typer.Option(None, "--parcelles", help="cadastre-CODE-parcelles.json(.gz) ; sinon téléchargé."),
    batiments: Optional[Path] = typer.Option(None, "--batiments", help="cadastre-CODE-batiments.json(.gz) ; sinon téléchargé."),
    trame_verte: Optional[Path] = typer.Option(None, "--trame-verte", help="Réservoirs et corridors (tout format vecteur)."),
    plu: Optional[Path] = typer.Option(None, "--plu", help="Zonage du PLU (zone_urba, champ typezone)."),
    exclusions: List[Path] = typer.Option([], "--exclusion", help="Couche à exclure (eau, voirie…), répétable."),
    sortie: Optional[Path] = typer.Option(None, "--out", help="GeoPackage de sortie (défaut : radar_CODE.gpkg)."),
    mode_trame: str = typer.Option("signaler", "--trame-verte-mode", help="signaler (défaut) ou exclure."),
    densite: float = typer.Option(25.0, "--densite", help="Logements par hectare sur les dents creuses."),
    sortie_json: bool = typer.Option(False, "--json", help="Synthèse en JSON."),
) -> None:
    """Repérer les dents creuses d'une commune (réservé aux élus et services du territoire)."""
    from territoire_data.radar import ecrire_geopackage, executer
    from territoire_data.radar.methode import Parametres

    if mode_trame not in ("signaler", "exclure"):
        raise typer.BadParameter("--trame-verte-mode : signaler ou exclure")
    resultat = executer(code, login=login, parcelles=parcelles, batiments=batiments, trame_verte=trame_verte, plu=plu,
                        exclusions=exclusions, parametres=Parametres(trame_verte=mode_trame, densite_logements_ha=densite))
    chemin = ecrire_geopackage(resultat, sortie or Path(f"radar_{resultat['commune'].code}.gpkg"))
    s = resultat["synthese"]
    if sortie_json:
        typer.echo(jsonstrict.texte({"commune": resultat["commune"].code, **s, "fichier": str(chemin)}, indent=None))
        return
    typer.echo(f"Radar foncier — {resultat['commune'].name} ({resultat['commune'].code})")
    typer.echo(f"  {s['parcelles']} dent(s) creuse(s), {nombre(s['hectares'], 2)} ha, "
               f"{s['conflits_trame_verte']} en conflit avec la trame verte et bleue")
    typer.echo(f"  ≈ {s['logements_potentiels']} logements à {nombre(s['densite_logements_ha'], 0)} logements/ha, "
               "sans consommer d'espace naturel, agricole ou forestier")
    if s["part_besoin_couverte"] is not None:
        typer.echo(f"  soit {nombre(s['part_besoin_couverte'], 0)} % du besoin estimé à 2031 "
                   f"({nombre(s['besoin_logements'], 0)} logements : rythme de construction des dix dernières années)")
    typer.echo(f"GeoPackage : {chemin} (couches dents_creuses et enveloppe_urbaine)")
