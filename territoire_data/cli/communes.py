"""``territoire communes search|show``: find a territory, print its card."""

from __future__ import annotations


import typer

from territoire_data import format as fmt
from territoire_data.recherche import NIVEAUX_COMMUNES, NIVEAUX_RECHERCHE, rechercher
from territoire_data.territoires import territoire
from territoire_data import jsonstrict

app = typer.Typer(help="Rechercher une commune ou un territoire, afficher sa fiche.", no_args_is_help=True)

NIVEAUX_AFFICHES = {
    "commune": "commune", "arrondissement": "arrondissement municipal", "epci": "EPCI",
    "departement": "département", "region": "région", "france": "France",
}


def _json(donnees) -> None:
    typer.echo(jsonstrict.texte(donnees))


@app.command("search")
def chercher(
    texte: str = typer.Argument(..., help="Nom (ou code) à chercher, sans souci d'accents ni de tirets."),
    limite: int = typer.Option(10, "--limite", "-n", min=1, max=200, help="Nombre de résultats."),
    tous_niveaux: bool = typer.Option(
        False, "--tous-niveaux", help="Chercher aussi les EPCI, départements et régions."
    ),
    en_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Rechercher une commune par son nom (homonymes classés par population)."""
    niveaux = NIVEAUX_RECHERCHE if tous_niveaux else NIVEAUX_COMMUNES
    resultats = rechercher(texte, limite=limite, niveaux=niveaux)
    if en_json:
        _json([r.as_dict() for r in resultats])
        return
    if not resultats:
        typer.echo(f"Aucun territoire ne correspond à « {texte} ».")
        return
    for r in resultats:
        lieu = f"({r.departement})" if r.level == "commune" else f"[{NIVEAUX_AFFICHES[r.level]}]"
        ancienne = r.match.split(":", 1)[1] if r.match.startswith("ancienne_commune:") else None
        suffixe = f" — ancienne commune « {ancienne} »" if ancienne else ""
        habitants = "population inconnue" if r.population is None else f"{fmt.nombre(r.population)} hab."
        typer.echo(f"{r.code:<16} {r.name} {lieu}  {habitants}{suffixe}")


@app.command("show")
def montrer(
    code: str = typer.Argument(..., help="33063, epci:243300316, dep:33, reg:75 ou france."),
    en_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Afficher la fiche d'un territoire."""
    from territoire_data.entrepot import EntrepotAbsent, ouvrir

    try:
        entrepot = ouvrir()
    except EntrepotAbsent:
        entrepot = None
    fiche = territoire(code).fiche(entrepot)
    if en_json:
        _json(fiche)
        return
    lignes = [f"{fiche['name']} ({fiche['code']})", f"  Niveau : {NIVEAUX_AFFICHES[fiche['level']]}"]
    if "departement" in fiche:
        lignes.append(f"  Département : {fiche['departement']['name']} ({fiche['departement']['code']})")
    if "region" in fiche:
        lignes.append(f"  Région : {fiche['region']['name']} ({fiche['region']['code']})")
    if "epci" in fiche:
        epci = fiche["epci"]
        lignes.append(f"  EPCI : {epci['name']} ({epci['code']})" if epci else "  EPCI : aucun (commune isolée)")
    superficie = fmt.nombre(fiche["area_km2"], 2, absent="inconnue")
    lignes.append(f"  Superficie : {superficie} km²")
    if fiche.get("communes_sans_contour"):
        lignes.append(f"    (sans {len(fiche['communes_sans_contour'])} communes dépourvues de contour)")
    lignes.append(f"  Communes membres : {fmt.nombre(fiche['n_communes'])}")
    if fiche.get("sous_unites"):
        lignes.append(f"  Arrondissements municipaux : {len(fiche['sous_unites'])}")
    from territoire_data.sources import libelle as libelle_source

    source = libelle_source(fiche.get("population_source")) or fiche.get("population_source")
    population = ("inconnue" if fiche["population_municipale"] is None
                  else fmt.nombre(fiche["population_municipale"]))
    lignes.append(f"  Population municipale ({fiche['population_millesime']}, {source}) : {population}")
    if fiche.get("note"):
        lignes.append(f"  Note : {fiche['note']}")
    typer.echo("\n".join(lignes))
