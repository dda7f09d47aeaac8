"""``territoire users|discussions|db``: accounts, threads and the store's schema."""

from __future__ import annotations

from datetime import date
from typing import Optional

import typer

from territoire_data.discussions import Espace, ajouter_utilisateur, base, lister_utilisateurs
from territoire_data.discussions.modeles import ROLES, VISIBILITES
from territoire_data.erreurs import TerritoireErreur
from territoire_data import jsonstrict

utilisateurs = typer.Typer(help="Comptes et rôles des utilisateurs.", no_args_is_help=True)
discussions = typer.Typer(help="Discussions d'un territoire.", no_args_is_help=True)
db = typer.Typer(help="Base des discussions (schéma, démonstration).", no_args_is_help=True)


def _date(texte: str | None) -> date | None:
    if texte is None:
        return None
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise TerritoireErreur(f"Date invalide : « {texte} » (attendu : AAAA-MM-JJ).") from None


@utilisateurs.command("add")
def ajouter(
    login: str = typer.Argument(..., help="Identifiant (celui de JupyterHub en déploiement)."),
    role: str = typer.Option(..., "--role", help=f"Rôle : {', '.join(ROLES)}."),
    territoire: str = typer.Option(..., "--territoire", help="33063, epci:SIREN, dep:33, reg:75 ou france."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Collectivité ou entreprise."),
    jusqu_au: Optional[str] = typer.Option(None, "--jusqu-au", metavar="AAAA-MM-JJ", help="Fin de l'accès (abonnement)."),
) -> None:
    """Créer un utilisateur ou lui donner un rôle sur un territoire."""
    base.verifier_schema()
    ajouter_utilisateur(login, role, territoire, organisation=organisation, jusqu_au=_date(jusqu_au))
    typer.echo(f"{login} : {role} sur {territoire}" + (f" jusqu'au {jusqu_au}" if jusqu_au else ""))


@utilisateurs.command("list")
def lister(sortie_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """Lister les utilisateurs et leurs rôles."""
    base.verifier_schema()
    liste = lister_utilisateurs()
    if sortie_json:
        typer.echo(jsonstrict.texte(liste))
        return
    for u in liste:
        roles = ", ".join(f"{r['role']} sur {r['territoire']}" + (f" jusqu'au {r['fin']}" if r["fin"] else "")
                          for r in u["roles"])
        typer.echo(f"{u['login']:<24} {u['organisation'] or '—':<28} {roles}")


@discussions.command("list")
def lister_fils(
    code: str = typer.Argument(..., help="Territoire."),
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur qui lit."),
    sortie_json: bool = typer.Option(False, "--json", help="Sortie JSON (chaque message : text tel qu'écrit, html assaini)."),
) -> None:
    """Les discussions d'un territoire que cet utilisateur peut lire."""
    base.verifier_schema()
    espace = Espace(login)
    fils = espace.fils(code)
    for fil in fils:
        fil["messages_detail"] = espace.messages(fil["id"])
    if sortie_json:
        typer.echo(jsonstrict.texte({"territoire": code, "utilisateur": login, "fils": [
            {**{k: v for k, v in f.items() if k != "messages_detail"}, "messages": [
                {k: m[k] for k in ("id", "auteur", "cree_le", "modifie_le", "supprime", "text", "html")}
                for m in f["messages_detail"]]} for f in fils]}))
        return
    if not fils:
        typer.echo("Aucune discussion visible.")
    for fil in fils:
        typer.echo(f"#{fil['id']} {fil['titre']} ({fil['visibilite_libelle']}, {fil['messages']} message(s), "
                   f"{fil['non_lus']} non lu(s))")
        for m in fil["messages_detail"]:
            typer.echo(f"   {m['auteur']} : {'(supprimé)' if m['supprime'] else m['text'][:200]}")


@discussions.command("post")
def publier(
    code: str = typer.Argument(..., help="Territoire."),
    texte: str = typer.Argument(..., help="Message (Markdown)."),
    login: str = typer.Option(..., "--as", help="Identifiant de l'auteur."),
    visibilite: str = typer.Option(..., "--visibilite", help=f"{', '.join(VISIBILITES)}."),
    titre: Optional[str] = typer.Option(None, "--titre", help="Titre (défaut : début du message)."),
    fil: Optional[int] = typer.Option(None, "--fil", help="Répondre dans cette discussion plutôt qu'en ouvrir une."),
    indicateur: Optional[str] = typer.Option(None, "--indicateur", help="Ancrer la discussion à un indicateur."),
    parcelle: Optional[str] = typer.Option(None, "--parcelle", help="Ancrer la discussion à une parcelle (id cadastral)."),
    solution: bool = typer.Option(False, "--solution", help="Solution partagée entre territoires (visibilité tous)."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Thème de la solution (demographie, logement, foncier…)."),
) -> None:
    """Publier un message (refusé, avec un message et un code de sortie non nul, si ce n'est pas permis)."""
    base.verifier_schema()
    espace = Espace(login)
    if fil is not None:
        identifiant = espace.repondre(fil, texte)
        typer.echo(f"Réponse publiée (message {identifiant}).")
        return
    identifiant = espace.creer_fil(code, titre or texte.strip().splitlines()[0][:80] if texte.strip() else "", texte,
                                   visibilite, ancre_type="indicateur" if indicateur else "parcelle" if parcelle else None,
                                   ancre=indicateur or parcelle,
                                   theme=theme, solution=solution)
    typer.echo(f"Discussion {identifiant} ouverte sur {code}.")


@discussions.command("solutions")
def solutions(
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur qui lit."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Un thème."),
    sortie_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Les solutions partagées par tous les territoires (visibilité « tous »)."""
    base.verifier_schema()
    liste = Espace(login).solutions(theme)
    if sortie_json:
        typer.echo(jsonstrict.texte(liste))
        return
    for fil in liste or []:
        typer.echo(f"#{fil['id']} [{fil['territoire']}] {fil['titre']} ({fil['theme'] or 'sans thème'})")
    if not liste:
        typer.echo("Aucune solution partagée visible.")


@db.command("upgrade")
def mettre_a_jour() -> None:
    """Créer ou mettre à jour le schéma de la base des discussions."""
    revision = base.mettre_a_jour()
    typer.echo(f"Base des discussions à jour (révision {revision}) : {base.url().split('@')[-1]}")


@db.command("demo")
def demo() -> None:
    """Comptes et discussions de démonstration (Bordeaux), sans doublon si relancé."""
    from territoire_data.discussions.demo import semer

    base.mettre_a_jour()
    for ligne in semer():
        typer.echo(ligne)
