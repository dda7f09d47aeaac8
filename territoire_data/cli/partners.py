"""``territoire acteurs|acces|notifications``: the mise en relation from the command line.

The same functions as the dashboard's « Acteurs du territoire » panel, for the login given
with ``--as`` (an administrator's tool: whoever runs the CLI holds the store)."""

from __future__ import annotations

from datetime import date
from typing import Optional

import typer

from territoire_data import strict_json
from territoire_data.cli.discussions import _date, _workspace
from territoire_data.core.catalogue import THEMES
from territoire_data.errors import TerritoireError
from territoire_data.partners import invitations, privacy, profiles, requests
from territoire_data.partners.identifiers import SIZE_BANDS
from territoire_data.partners.requests import STATE_WORDS
from territoire_data.rendering.formatting import day, moment

actors_app = typer.Typer(help="Annuaire des acteurs du territoire et profils des organisations.", no_args_is_help=True)
access_app = typer.Typer(help="Demandes d'accès partenaire à un territoire.", no_args_is_help=True)
notifications_app = typer.Typer(help="Notifications et courriels.", no_args_is_help=True)
FREQUENCIES = {"immediate": "immediate", "quotidienne": "daily", "aucune": "none"}


def _space(login: str):
    return _workspace().discussions(login)


def _listing(items: list[dict], output_json: bool, empty: str, show) -> None:
    """Items as JSON, or one ``show(item)`` each, or the French ``empty`` sentence."""
    if output_json:
        typer.echo(strict_json.text(items))
        return
    if not items:
        typer.echo(empty)
    for item in items:
        show(item)


def _list(text: str | None) -> list[str]:
    return [piece.strip() for piece in (text or "").split(",") if piece.strip()]


@actors_app.command("list")
def list_actors_command(
    code: str = typer.Argument(..., metavar="CODE", help="Territoire (commune, epci:SIREN…)."),
    theme: Optional[str] = typer.Option(None, "--theme", help=f"Thème ({', '.join(THEMES)}) ou étiquette libre."),
    shared: bool = typer.Option(False, "--solutions", help="Seulement les acteurs ayant partagé une solution."),
    login: Optional[str] = typer.Option(
        None, "--as", help="Lire comme cet utilisateur (contacts visibles des élus et agents du territoire)."
    ),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Les acteurs qui interviennent sur un territoire."""
    items = profiles.directory(_space(login or ""), code, theme, shared, public=login is None)
    if output_json:
        typer.echo(strict_json.text({"territory": code, "theme": theme, "actors": items}))
        return
    if not items:
        typer.echo("Aucun acteur référencé sur ce territoire" + (f" pour « {theme} »." if theme else "."))
    for a in items:
        typer.echo(f"{a['name']} — SIREN {a['siren']} — {a['activity']} — {a['size_label']}")
        typer.echo(
            f"   thèmes : {', '.join(THEMES[t] for t in a['themes'])}"
            + (f" ; {', '.join(a['tags'])}" if a["tags"] else "")
        )
        typer.echo(f"   intervient sur : {', '.join(t['name'] for t in a['territories'])}")
        if a["contacts"]:
            c = a["contacts"]
            typer.echo(f"   contact : {' · '.join(v for v in (c['name'], c['email'], c['phone']) if v)}")
        for s in a["solutions"]:
            typer.echo(f"   solution partagée #{s['id']} : {s['title']} ({s['territory']})")


@actors_app.command("profil")
def profile_command(
    login: str = typer.Option(..., "--as", help="Identifiant d'un membre de l'organisation."),
    name: str = typer.Option(..., "--nom", help="Raison sociale ou nom d'usage."),
    siren: str = typer.Option(..., "--siren", help="SIREN (9 chiffres, clé vérifiée)."),
    naf: str = typer.Option(..., "--naf", help="Code NAF rév. 2 (par ex. 43.22A)."),
    size_band: str = typer.Option(
        ..., "--effectif", help="Tranche d'effectif Sirene : " + ", ".join(f"{k} ({v})" for k, v in SIZE_BANDS.items())
    ),
    themes: str = typer.Option(
        ..., "--themes", help=f"Thèmes de vos solutions, séparés par des virgules ({', '.join(THEMES)})."
    ),
    territories: str = typer.Option(..., "--territoires", help="Territoires où vous intervenez (33440,epci:…,dep:33)."),
    description: str = typer.Option(..., "--description", help="Présentation publique (ce que vous proposez)."),
    tags: Optional[str] = typer.Option(None, "--etiquettes", help="Étiquettes libres (réseau de chaleur, solaire…)."),
    website: Optional[str] = typer.Option(None, "--site", help="Site web."),
    contact_name: Optional[str] = typer.Option(None, "--contact-nom", help="Contact (visible des élus et agents)."),
    contact_email: Optional[str] = typer.Option(None, "--contact-courriel", help="Courriel du contact."),
    contact_phone: Optional[str] = typer.Option(None, "--contact-telephone", help="Téléphone du contact."),
) -> None:
    """Créer ou mettre à jour le profil de son organisation dans l'annuaire."""
    profile = profiles.save_profile(
        _space(login),
        name=name,
        siren=siren,
        naf=naf,
        size_band=size_band,
        themes=_list(themes),
        territories=_list(territories),
        description=description,
        tags=_list(tags),
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    typer.echo(
        f"Profil enregistré : {profile['name']} (SIREN {profile['siren']}, {profile['activity']}) — "
        f"{profile['siren_label']}."
    )


@actors_app.command("verifier")
def verify_command(
    organisation: str = typer.Argument(..., metavar="SIREN|NUMÉRO", help="SIREN, ou numéro de l'organisation."),
    login: str = typer.Option("admin", "--as", help="Administrateur qui vérifie (défaut : admin)."),
    refuse: bool = typer.Option(False, "--refuser", help="Refuser la revendication au lieu de la confirmer."),
) -> None:
    """Confirmer (ou refuser) qu'une organisation est bien l'entreprise de son SIREN (administrateurs)."""
    from sqlalchemy import select

    from territoire_data.store.models import Organisation

    workspace = _workspace()
    text = organisation.replace(" ", "")
    with workspace.store.session() as s:
        if len(text) == 9 and text.isdigit():
            claims = list(
                s.scalars(
                    select(Organisation.id).where(Organisation.siren == text, Organisation.siren_status == "pending")
                )
            )
            if len(claims) != 1:
                raise TerritoireError(
                    f"{len(claims)} revendication(s) en attente pour le SIREN {text} : donnez le numéro de "
                    "l'organisation (territoire acteurs list CODE --as admin --json)."
                )
            number = claims[0]
        elif text.isdigit():
            number = int(text)
        else:
            raise TerritoireError(
                f"« {organisation} » : un SIREN (9 chiffres) ou un numéro d'organisation est attendu."
            )
    described = profiles.verify(_space(login), number, accept=not refuse)
    typer.echo(f"{described['name']} (n° {described['id']}) : {described['siren_label']}.")


@actors_app.command("exporter")
def export_command(login: str = typer.Option(..., "--as", help="Identifiant dont exporter les données.")) -> None:
    """Toutes les données enregistrées sur un utilisateur (RGPD), en JSON."""
    typer.echo(strict_json.text(privacy.export_data(_space(login))))


@actors_app.command("supprimer")
def delete_command(
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur."),
    account: bool = typer.Option(
        False, "--compte", help="Effacer aussi le compte (nom, courriel, rôles, demandes, notifications)."
    ),
) -> None:
    """Retirer le profil de son organisation de l'annuaire (et, avec --compte, ses données personnelles)."""
    space = _space(login)
    removed = profiles.delete_profile(space)
    if account:
        privacy.delete_account(space)
        typer.echo("Compte effacé : les messages publiés restent, signés « Compte supprimé ».")
    elif removed:
        typer.echo("Profil retiré de l'annuaire.")
    else:
        typer.echo("Aucun profil à retirer.")


def _when(text: str | None) -> str:
    """A moment in Paris time (« 6 déc. 2026 à 21 h 05 »), or a day (« 1er décembre 2027 »)."""
    if not text:
        return ""
    return moment(text) if "T" in text else day(text)


def _show_request(r: dict) -> None:
    end = f" jusqu'au {day(r['end'])}" if r["end"] and r["status"] in ("approved", "expired") else ""
    typer.echo(
        f"#{r['id']} {r['organisation'] or '—'} → {r['territory_name']} ({r['territory']}) : {r['status_label']}{end}"
    )
    if r["message"]:
        typer.echo(f"   message : {r['message'][:200]}")
    if r["reason"]:
        typer.echo(f"   motif : {r['reason']}")
    for event in r["history"]:
        typer.echo(
            f"   {_when(event['date'])} {STATE_WORDS.get(event['status'], event['status'])}"
            + (f" par {event['by']}" if event["by"] else "")
        )


@access_app.command("demander")
def request_command(
    code: str = typer.Argument(..., metavar="CODE", help="Commune ou EPCI (epci:SIREN)."),
    login: str = typer.Option(..., "--as", help="Identifiant du demandeur (membre d'une organisation de l'annuaire)."),
    message: Optional[str] = typer.Option(None, "--message", help="Quelques mots pour les élus."),
    role: str = typer.Option("entreprise", "--role", help="entreprise ou consultant."),
) -> None:
    """Demander à rejoindre un territoire comme partenaire."""
    r = requests.request_access(_space(login), code, message or "", role)
    typer.echo(f"Demande #{r['id']} envoyée à {r['territory_name']} : les élus et services en sont avertis.")


@access_app.command("list")
def list_requests_command(
    code: Optional[str] = typer.Argument(None, metavar="[CODE]", help="Seulement ce territoire."),
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur."),
    status: Optional[str] = typer.Option(None, "--etat", help="pending, approved, refused, withdrawn, expired."),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Les demandes faites par cet utilisateur et celles qu'il peut trancher."""
    _listing(requests.requests(_space(login), code, status), output_json, "Aucune demande.", _show_request)


@access_app.command("approuver")
def approve_command(
    request_id: int = typer.Argument(..., metavar="ID", help="Numéro de la demande."),
    login: str = typer.Option(..., "--as", help="Élu ou agent du territoire."),
    until: str = typer.Option(
        ..., "--jusqu-au", metavar="AAAA-MM-JJ", help="Fin de l'accès partenaire (3 ans au plus)."
    ),
) -> None:
    """Accepter une demande : le demandeur devient partenaire jusqu'à la date donnée."""
    end = _date(until)
    assert isinstance(end, date)
    r = requests.approve(_space(login), request_id, end)
    typer.echo(
        f"Demande #{r['id']} acceptée : {r['organisation']} partenaire de {r['territory_name']} jusqu'au {until}."
    )


@access_app.command("refuser")
def refuse_command(
    request_id: int = typer.Argument(..., metavar="ID", help="Numéro de la demande."),
    login: str = typer.Option(..., "--as", help="Élu ou agent du territoire."),
    reason: Optional[str] = typer.Option(None, "--motif", help="Motif transmis au demandeur."),
) -> None:
    """Refuser une demande (le demandeur en est averti)."""
    r = requests.refuse(_space(login), request_id, reason)
    typer.echo(f"Demande #{r['id']} refusée.")


@access_app.command("retirer")
def withdraw_command(
    request_id: int = typer.Argument(..., metavar="ID", help="Numéro de la demande."),
    login: str = typer.Option(..., "--as", help="Identifiant du demandeur."),
) -> None:
    """Retirer sa demande en attente."""
    requests.withdraw(_space(login), request_id)
    typer.echo(f"Demande #{request_id} retirée.")


def invite_command(
    thread: int = typer.Argument(..., metavar="FIL", help="Numéro de la discussion (visibilité partenaires)."),
    siren: str = typer.Option(..., "--acteur", help="SIREN de l'acteur de l'annuaire à inviter."),
    login: str = typer.Option(..., "--as", help="Élu ou agent du territoire."),
) -> None:
    """Inviter un acteur de l'annuaire dans une discussion « partenaires »."""
    from territoire_data.partners.identifiers import normalise_siren

    space = _space(login)
    with space.store.session() as s:
        from sqlalchemy import select

        from territoire_data.store.models import Organisation

        organisation_id = s.scalar(select(Organisation.id).where(Organisation.siren == normalise_siren(siren)))
    if organisation_id is None:
        raise TerritoireError(f"Aucun acteur de l'annuaire n'a le SIREN {siren}.")
    i = invitations.invite(space, thread, organisation_id)
    typer.echo(f"Invitation #{i['id']} : {i['organisation']} dans « {i['thread_title']} » ({i['status_label']}).")


def invitations_command(
    login: str = typer.Option(..., "--as", help="Identifiant d'un membre de l'organisation invitée."),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Les invitations reçues par son organisation."""
    _listing(
        invitations.invitations(_space(login)),
        output_json,
        "Aucune invitation.",
        lambda i: typer.echo(f"#{i['id']} « {i['thread_title']} » ({i['territory_name']}) : {i['status_label']}"),
    )


def accept_command(
    invitation_id: int = typer.Argument(..., metavar="ID", help="Numéro de l'invitation."),
    login: str = typer.Option(..., "--as", help="Identifiant d'un membre de l'organisation invitée."),
    decline: bool = typer.Option(False, "--decliner", help="Décliner plutôt qu'accepter."),
) -> None:
    """Accepter (ou décliner) une invitation dans une discussion."""
    i = invitations.answer(_space(login), invitation_id, not decline)
    typer.echo(f"Invitation #{i['id']} {i['status_label']} : « {i['thread_title']} » ({i['territory_name']}).")


@notifications_app.command("list")
def list_notifications_command(
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur."),
    output_json: bool = typer.Option(False, "--json", help="Sortie JSON."),
) -> None:
    """Les dernières notifications d'un utilisateur."""
    from territoire_data.notifications.outbox import notifications

    _listing(
        notifications(_space(login)),
        output_json,
        "Aucune notification.",
        lambda n: typer.echo(f"{'  ' if n['read'] else '• '}{moment(n['created_at'])} {n['text']}"),
    )


@notifications_app.command("preferences")
def preferences_command(
    login: str = typer.Option(..., "--as", help="Identifiant de l'utilisateur."),
    email: Optional[str] = typer.Option(None, "--courriel", help="Adresse des notifications (vide : aucune)."),
    name: Optional[str] = typer.Option(None, "--nom", help="Nom affiché dans les discussions (« Léa Martin »)."),
    frequency: str = typer.Option(
        "immediate", "--frequence", help="immediate, quotidienne (résumé du jour) ou aucune."
    ),
) -> None:
    """Choisir l'adresse et la fréquence des courriels de notification."""
    from territoire_data.notifications.outbox import set_preferences

    if frequency not in FREQUENCIES:
        raise TerritoireError(f"Fréquence « {frequency} » : {', '.join(FREQUENCIES)} est attendu.")
    chosen = set_preferences(_space(login), email, FREQUENCIES[frequency], name)
    typer.echo(
        f"Notifications de {login} : {chosen['mode_label']}"
        + (f" à {chosen['email']}" if chosen["email"] else "")
        + "."
    )


@notifications_app.command("envoyer")
def send_command(
    retry: bool = typer.Option(False, "--relancer", help="Reprendre aussi les courriels abandonnés après échecs."),
    loop: Optional[float] = typer.Option(
        None, "--boucle", metavar="SECONDES", help="Recommencer toutes les SECONDES secondes (service)."
    ),
) -> None:
    """Envoyer les courriels dus (TERRITOIRE_SMTP_HOST…) ; à lancer par cron sans serveur de tableau de bord."""
    import time

    from territoire_data.notifications.delivery import state
    from territoire_data.service.courier import send_due

    workspace = _workspace()
    while True:
        result = send_due(workspace, retry_failed=retry)
        if result.disabled:
            raise TerritoireError(
                "Aucun serveur SMTP réglé (TERRITOIRE_SMTP_HOST) : les notifications restent dans le tableau de bord."
            )
        waiting = state(workspace).get("pending", 0)
        typer.echo(
            f"{result.emails} courriel(s) envoyé(s) pour {result.sent} notification(s), {result.failed} en échec"
            f" (nouvel essai prévu), {result.dropped} non envoyée(s) (accès perdu), {waiting} en attente."
        )
        for error in dict.fromkeys(result.errors):
            typer.echo(f"   échec : {error}", err=True)
        if loop is None:
            return
        retry = False
        time.sleep(max(loop, 1.0))
