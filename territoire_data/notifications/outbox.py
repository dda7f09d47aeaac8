"""Notifications in the store: made in the same transaction as the event they tell, read and
marked read by their recipient, and each user's e-mail preferences.

``text`` is shown in the dashboard (inside the platform); ``mail_text`` is what an e-mail may
carry: for a thread reserved to élus it names neither the thread nor its content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select, update

from territoire_data.access.authorisation import AUTHORITY_ROLES, AccessDenied
from territoire_data.access.users import ensure_user
from territoire_data.errors import TerritoireError
from territoire_data.notifications.addresses import check_address
from territoire_data.store.models import (
    NOTIFICATION_MODES,
    Invitation,
    Notification,
    Organisation,
    Role,
    Thread,
    User,
    iso,
    now,
)
from territoire_data.text.messages import clean

if TYPE_CHECKING:
    from territoire_data.access.authorisation import Authorisation
    from territoire_data.store.database import Store


class Reader(Protocol):
    """Who reads their notifications: a login, its store and its rights read now (a
    ``DiscussionSpace`` is one)."""

    login: str | None
    store: Store

    @property
    def authorisation(self) -> Authorisation: ...


MODE_WORDS = {"immediate": "à chaque événement", "daily": "résumé quotidien", "none": "aucun courriel"}
SHOWN = 30  # notifications listed in the dashboard
MAX_COUNTED = 999  # unread notifications counted (the badge says « 999 » at most)


def check_email(text: str | None) -> str | None:
    """An e-mail address as typed (trimmed), or None when empty; a French error when it is not
    a plain ``local@domain`` (``addresses``: encoded words, quotes, line feeds refused)."""
    return check_address(text)


THREAD_KINDS = ("reply", "invitation", "invitation_answered")


def may_see(s, rights, organisation_id: int | None, row: Notification) -> bool:
    """May the recipient still see this notification, in the dashboard or by e-mail? Read again
    each time it is shown or sent, whatever its kind: a thread they may read (an invitation:
    while it stands, before they can read the thread); a request to decide while they may still
    decide for that territory; their own requests' news always."""
    if row.thread_id is not None or row.kind in THREAD_KINDS:
        thread = s.get(Thread, row.thread_id) if row.thread_id is not None else None
        if thread is None:
            return False
        if rights.can_read_thread(thread.id, thread.territory, thread.visibility):
            return True
        if row.kind != "invitation" or organisation_id is None or thread.visibility != "partenaires":
            return False
        standing = s.scalar(
            select(Invitation.id).where(
                Invitation.thread_id == thread.id,
                Invitation.organisation_id == organisation_id,
                Invitation.status.in_(("pending", "accepted")),
            )
        )
        return standing is not None
    if row.kind == "access_request":
        return row.territory is not None and rights.can_decide(row.territory)
    return True


def notify(
    session,
    recipients,
    kind: str,
    text: str,
    *,
    mail_text: str | None = None,
    territory=None,
    thread_id=None,
    actor_id: int | None = None,
    request_id: int | None = None,
):
    """One notification per recipient (``User`` rows; duplicates and ``None`` ignored).
    ``actor_id``: who caused it (their erasure anonymises it); ``request_id``: the request it
    tells of (erased with it)."""
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        wants_mail = bool(user.email) and user.notification_mode != "none"
        session.add(
            Notification(
                user_id=user.id,
                kind=kind,
                territory=territory,
                thread_id=thread_id,
                text=text,
                mail_text=mail_text or text,
                mail_state="pending" if wants_mail else "none",
                mail_attempts=0,
                actor_id=actor_id,
                request_id=request_id,
            )
        )


def describe(n: Notification, *, complete: bool = False) -> dict:
    """A notification as its recipient reads it; ``complete``: with its read and mailed dates
    (the RGPD export)."""
    described = {
        "id": n.id,
        "kind": n.kind,
        "territory": n.territory,
        "thread": n.thread_id,
        "text": n.text,
        "created_at": iso(n.created_at),
        "read": n.read_at is not None,
        "mail_state": n.mail_state,
    }
    if complete:
        described |= {"read_at": iso(n.read_at), "mailed_at": iso(n.mailed_at)}
    return described


def notifications(space: Reader, unread_only: bool = False) -> list[dict]:
    """The user's latest notifications, newest first."""
    rights = space.authorisation
    if not rights.identified:
        return []
    with space.store.session() as s:
        query = select(Notification).where(Notification.user_id == rights.user_id)
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        rows = s.scalars(query.order_by(Notification.id.desc()).limit(SHOWN * 10))
        return [describe(n) for n in _visible(s, rights, rows)][:SHOWN]


def unread_count(space: Reader) -> int:
    rights = space.authorisation
    if not rights.identified:
        return 0
    with space.store.session() as s:
        unread = s.scalars(
            select(Notification)
            .where(Notification.user_id == rights.user_id, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
            .limit(MAX_COUNTED)
        )
        return len(_visible(s, rights, unread))


def _visible(s, rights, rows) -> list[Notification]:
    """The rows the user may still see, the rule read once per (kind, thread, territory): the
    dashboard counts them every few seconds."""
    verdicts: dict[tuple, bool] = {}
    kept = []
    for n in rows:
        key = (n.kind, n.thread_id, n.territory)
        if key not in verdicts:
            verdicts[key] = may_see(s, rights, rights.organisation_id, n)
        if verdicts[key]:
            kept.append(n)
    return kept


def mark_read(space: Reader, notification_id: int | None = None) -> None:
    """Mark one of the user's notifications read (all of them without an id)."""
    rights = space.authorisation
    if not rights.identified:
        return
    with space.store.session() as s:
        query = update(Notification).where(Notification.user_id == rights.user_id, Notification.read_at.is_(None))
        if notification_id is not None:
            query = query.where(Notification.id == notification_id)
        s.execute(query.values(read_at=now()))


def preferences(space: Reader) -> dict:
    rights = space.authorisation
    if not rights.identified:
        return {"name": None, "email": None, "mode": "immediate", "mode_label": MODE_WORDS["immediate"]}
    with space.store.session() as s:
        user = s.get(User, rights.user_id)
        return {
            "name": user.name,
            "email": user.email,
            "mode": user.notification_mode,
            "mode_label": MODE_WORDS[user.notification_mode],
        }


def set_preferences(space: Reader, email: str | None, mode: str, name: str | None = None) -> dict:
    """Where and how often this user is told: ``mode`` immediate, daily or none. Pending
    e-mails follow the new choice (none: they are not sent). ``name``: how others see them
    (« Léa Martin »; the login otherwise)."""
    if not space.login:
        raise AccessDenied("Connectez-vous pour choisir vos notifications.")
    if mode not in NOTIFICATION_MODES:
        raise TerritoireError(f"Fréquence inconnue : « {mode} » ({', '.join(NOTIFICATION_MODES)}).")
    address = check_email(email)
    rights = space.authorisation  # read before the write transaction (SQLite: one writer at a time)
    with space.store.session() as s:
        user = ensure_user(s, space.login)
        user.email, user.notification_mode = address, mode
        if name and name.strip():
            user.name = _display_name(s, user, name, trusted=rights.authority or rights.admin)
        if mode == "none" or address is None:
            s.execute(
                update(Notification)
                .where(Notification.user_id == user.id, Notification.mail_state == "pending")
                .values(mail_state="none")
            )
    return preferences(space)


def _display_name(s, user: User, name: str, *, trusted: bool) -> str:
    """A display name: NFKC, one alphabet; an actor (``trusted`` false: no élu or agent role)
    cannot take a name that reads as an élu's or an agent's, nor an organisation's."""
    from territoire_data.text.names import normalised, skeleton

    value = normalised(clean(name, maximum=200, what="Le nom").replace("\n", " "), what="Le nom")
    if trusted:
        return value
    wanted = skeleton(value)
    authorities = s.scalars(
        select(User.name).join(Role, Role.user_id == User.id).where(Role.role.in_(AUTHORITY_ROLES), User.id != user.id)
    )
    taken = {skeleton(n) for n in authorities if n} | {skeleton(n) for n in s.scalars(select(Organisation.name))}
    if wanted in taken:
        raise TerritoireError(
            f"Le nom « {value} » est déjà celui d'un élu, d'un agent ou d'une organisation : choisissez votre "
            "propre nom (par ex. prénom et nom)."
        )
    return value


def organisation_word(user: User | None) -> str:
    """« Paul Garnier (Rénov'Aquitaine) »."""
    if user is None:
        return ""
    organisation = f" ({user.organisation.name})" if user.organisation else ""
    return user.shown_name + organisation
