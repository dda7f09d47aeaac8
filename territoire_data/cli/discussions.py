"""``territoire users|discussions|db``: accounts, threads and the store's schema."""

from __future__ import annotations

from datetime import date
from typing import Optional

import typer

from territoire_data import strict_json
from territoire_data.access.users import add_user, list_users
from territoire_data.errors import TerritoireError
from territoire_data.rendering.formatting import moment
from territoire_data.store.models import ROLES, VISIBILITIES
from territoire_data.text.messages import to_plain
from territoire_data.workspace import Workspace, default_workspace

users_app = typer.Typer(help="Comptes et rôles des utilisateurs.", no_args_is_help=True)
discussions_app = typer.Typer(help="Discussions d'un territoire.", no_args_is_help=True)
db_app = typer.Typer(help="Base des discussions (schéma, démonstration).", no_args_is_help=True)


def _workspace() -> Workspace:
    """The workspace of ``--home``, its store checked to be at the current schema."""
    workspace = default_workspace()
    workspace.store.check_schema()
    return workspace


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TerritoireError(f"Date invalide : « {text} » (attendu : AAAA-MM-JJ).") from None


@users_app.command("add")
def add_user_command(
    login: str = typer.Argument(..., metavar="LOGIN", help="Identifiant (celui de JupyterHub en déploiement)."),
    role: str = typer.Option(..., "--role", help=f"Rôle : {', '.join(ROLES)}."),
    territory: str = typer.Option(..., "--territoire", help="33063, epci:SIREN, dep:33, reg:75 ou france."),
    organisation: Optional[str] = typer.Option(None, "--organisation", help="Collectivité ou entreprise."),
    name: Optional[str] = typer.Option(None, "--nom", help="Nom affiché (« Marie Dupont ») au lieu de l'identifiant."),
    until: Optional[str] = typer.Option(None, "--jusqu-au", metavar="AAAA-MM-JJ", help="Fin de l'accès (abonnement)."),
) -> None:
    """Créer un utilisateur ou lui donner un rôle sur un territoire."""
    add_user(_workspace(), login, role, territory, organisation=organisation, until=_date(until), name=name)
    typer.echo(f"{login} : {role} sur {territory}" + (f" jusqu'au {until}" if until else ""))


@users_app.command("list")
def list_users_command(output_json: bool = typer.Option(False, "--json", help="Sortie JSON.")) -> None:
    """Lister les utilisateurs et leurs rôles."""
    items = list_users(_workspace())
    if output_json:
        typer.echo(strict_json.text(items))
        return
    for u in items:
        roles = ", ".join(
            f"{r['role']} sur {r['territory']}" + (f" jusqu'au {r['end']}" if r["end"] else "") for r in u["roles"]
        )
        typer.echo(f"{u['login']:<24} {u['organisation'] or '—':<28} {roles}")


@discussions_app.command("list")
def list_threads_command(
    code: str = typer.Argument(..., metavar="CODE", help="Territoire."),
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur qui lit."),
    output_json: bool = typer.Option(
        False, "--json", help="Sortie JSON (chaque message : text tel qu'écrit, html assaini)."
    ),
) -> None:
    """Les discussions d'un territoire que cet utilisateur peut lire."""
    space = _workspace().discussions(login)
    threads = space.threads(code)
    for thread in threads:
        thread["messages_detail"] = space.messages(thread["id"])
    if output_json:
        typer.echo(
            strict_json.text(
                {
                    "territory": code,
                    "user": login,
                    "threads": [
                        {
                            **{k: v for k, v in f.items() if k != "messages_detail"},
                            "messages": [
                                {
                                    k: m[k]
                                    for k in (
                                        "id",
                                        "author",
                                        "author_name",
                                        "created_at",
                                        "edited_at",
                                        "deleted",
                                        "text",
                                        "html",
                                    )
                                }
                                for m in f["messages_detail"]
                            ],
                        }
                        for f in threads
                    ],
                }
            )
        )
        return
    if not threads:
        typer.echo("Aucune discussion visible.")
    for thread in threads:
        typer.echo(
            f"#{thread['id']} {thread['title']} ({thread['visibility_label']}, {thread['messages']} message(s), "
            f"{thread['unread']} non lu(s))"
        )
        for m in thread["messages_detail"]:
            body = "(supprimé)" if m["deleted"] else to_plain(m["text"]).replace("\n", " / ")[:200]
            typer.echo(f"   {moment(m['created_at'])} — {m['author_name']} : {body}")


@discussions_app.command("post")
def post_command(
    code: str = typer.Argument(..., metavar="CODE", help="Territoire."),
    text: str = typer.Argument(..., metavar="TEXTE", help="Message (Markdown)."),
    login: str = typer.Option(..., "--as", help="Identifiant de l'auteur."),
    visibility: str = typer.Option(..., "--visibilite", help=f"{', '.join(VISIBILITIES)}."),
    title: Optional[str] = typer.Option(None, "--titre", help="Titre (défaut : début du message)."),
    thread: Optional[int] = typer.Option(None, "--fil", help="Répondre dans cette discussion plutôt qu'en ouvrir une."),
    indicator: Optional[str] = typer.Option(None, "--indicateur", help="Ancrer la discussion à un indicateur."),
    parcel: Optional[str] = typer.Option(
        None, "--parcelle", help="Ancrer la discussion à une parcelle (id cadastral)."
    ),
    solution: bool = typer.Option(False, "--solution", help="Solution partagée entre territoires (visibilité tous)."),
    theme: Optional[str] = typer.Option(
        None, "--theme", help="Thème de la solution (demographie, logement, foncier…)."
    ),
) -> None:
    """Publier un message (refusé, avec un message et un code de sortie non nul, si ce n'est pas permis)."""
    space = _workspace().discussions(login)
    if thread is not None:
        identifier = space.reply(thread, text)
        typer.echo(f"Réponse publiée (message {identifier}).")
        return
    identifier = space.create_thread(
        code,
        title or text.strip().splitlines()[0][:80] if text.strip() else "",
        text,
        visibility,
        anchor_type="indicator" if indicator else "parcel" if parcel else None,
        anchor=indicator or parcel,
        theme=theme,
        solution=solution,
    )
    typer.echo(f"Discussion {identifier} ouverte sur {code}.")


@discussions_app.command("solutions")
def solutions_command(
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur qui lit."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Un thème."),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Les solutions partagées par tous les territoires (visibilité « tous »)."""
    items = _workspace().discussions(login).solutions(theme)
    if output_json:
        typer.echo(strict_json.text(items))
        return
    for thread in items or []:
        typer.echo(f"#{thread['id']} [{thread['territory']}] {thread['title']} ({thread['theme'] or 'sans thème'})")
    if not items:
        typer.echo("Aucune solution partagée visible.")


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Créer ou mettre à jour le schéma de la base des discussions."""
    store = default_workspace().store
    revision = store.upgrade()
    typer.echo(f"Base des discussions à jour (révision {revision}) : {store.display_url}")


@db_app.command("demo")
def demo_command() -> None:
    """Comptes et discussions de démonstration (Bordeaux), sans doublon si relancé."""
    from territoire_data.demo.accounts import seed

    workspace = default_workspace()
    workspace.store.upgrade()
    for line in seed(workspace):
        typer.echo(line)
