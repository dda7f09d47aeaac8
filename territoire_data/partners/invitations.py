"""Invitations: an élu or agent of a territory invites an actor of the directory into one of
its ``partenaires`` threads; the actor's users see the thread once one of them accepts (an
``elus`` thread never opens to an actor). Both sides are told."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from territoire_data.access.authorisation import AccessDenied
from territoire_data.errors import TerritoireError
from territoire_data.notifications.outbox import notify, organisation_word
from territoire_data.store.models import Invitation, Organisation, Thread, User, iso, now

if TYPE_CHECKING:
    from territoire_data.discussions.space import DiscussionSpace

STATE_WORDS = {"pending": "en attente", "accepted": "acceptée", "declined": "déclinée"}


def _limit(space: DiscussionSpace, s, user_id: int | None) -> None:
    number, seconds = space.workspace.settings.invitation_limit
    since = now() - timedelta(seconds=seconds)
    sent = s.scalar(
        select(func.count(Invitation.id)).where(Invitation.invited_by_id == user_id, Invitation.created_at > since)
    )
    if sent >= number:
        raise AccessDenied(f"Trop d'invitations : {number} au plus en {seconds // 3600 or 1} h. Réessayez plus tard.")


def _describe(space: DiscussionSpace, invitation: Invitation) -> dict:
    thread = invitation.thread
    try:
        name = space.workspace.territory(thread.territory).name
    except TerritoireError:
        name = thread.territory
    return {
        "id": invitation.id,
        "thread": thread.id,
        "thread_title": thread.title,
        "territory": thread.territory,
        "territory_name": name,
        "organisation": invitation.organisation.name,
        "organisation_id": invitation.organisation_id,
        "status": invitation.status,
        "status_label": STATE_WORDS[invitation.status],
        "created_at": iso(invitation.created_at),
        "decided_at": iso(invitation.decided_at),
    }


def invite(space: DiscussionSpace, thread_id: int, organisation_id: int) -> dict:
    """Invite an actor of the directory into a ``partenaires`` thread of one's territory."""
    rights = space.authorisation
    with space.store.session() as s:
        thread = s.get(Thread, thread_id)
        if thread is None or not rights.can_read_thread(thread.id, thread.territory, thread.visibility):
            raise AccessDenied("Discussion introuvable ou non accessible.")
        if thread.visibility != "partenaires":
            raise AccessDenied(
                "Seules les discussions ouvertes aux partenaires (« partenaires ») peuvent accueillir un acteur invité."
            )
        rights.require(
            rights.can_invite(thread.territory, thread.visibility),
            "Seuls les élus et agents du territoire peuvent inviter un acteur dans cette discussion.",
        )
        organisation = s.get(Organisation, organisation_id)
        if organisation is None or organisation.listed_at is None:
            raise AccessDenied("Acteur introuvable dans l'annuaire.")
        invitation = s.scalar(
            select(Invitation).where(Invitation.thread_id == thread.id, Invitation.organisation_id == organisation.id)
        )
        if invitation is not None and invitation.status in ("pending", "accepted"):
            return _describe(space, invitation)  # already invited: nothing sent twice
        _limit(space, s, rights.user_id)
        if invitation is None:
            invitation = Invitation(thread_id=thread.id, organisation_id=organisation.id)
            s.add(invitation)
        invitation.status, invitation.invited_by_id = "pending", rights.user_id
        invitation.created_at, invitation.decided_at = now(), None
        s.flush()
        described = _describe(space, invitation)
        members = s.scalars(select(User).where(User.organisation_id == organisation.id)).all()
        notify(
            s,
            members,
            "invitation",
            f"{described['territory_name']} vous invite dans la discussion « {thread.title} » : acceptez "
            "l'invitation dans « Acteurs du territoire » pour la lire et y répondre.",
            territory=thread.territory,
            thread_id=thread.id,
            actor_id=rights.user_id,
        )
        return described


def invitations(space: DiscussionSpace, status: str | None = None) -> list[dict]:
    """The invitations of the user's organisation (as the invited), newest first."""
    rights = space.authorisation
    if rights.organisation_id is None:
        return []
    with space.store.session() as s:
        query = select(Invitation).where(Invitation.organisation_id == rights.organisation_id)
        if status:
            query = query.where(Invitation.status == status)
        return [_describe(space, i) for i in s.scalars(query.order_by(Invitation.id.desc()))]


def sent(space: DiscussionSpace, thread_id: int) -> list[dict]:
    """The invitations of a thread (those who may invite there)."""
    rights = space.authorisation
    with space.store.session() as s:
        thread = s.get(Thread, thread_id)
        if thread is None or not rights.can_invite(thread.territory, thread.visibility):
            raise AccessDenied("Discussion introuvable ou non accessible.")
        query = select(Invitation).where(Invitation.thread_id == thread.id).order_by(Invitation.id)
        return [_describe(space, i) for i in s.scalars(query)]


def answer(space: DiscussionSpace, invitation_id: int, accept: bool) -> dict:
    """Accept or decline an invitation made to one's organisation."""
    rights = space.authorisation
    with space.store.session() as s:
        invitation = s.get(Invitation, invitation_id)
        if invitation is None or rights.organisation_id is None or invitation.organisation_id != rights.organisation_id:
            raise AccessDenied("Invitation introuvable ou non accessible.")
        if invitation.status != "pending":
            raise TerritoireError(f"Cette invitation a déjà reçu une réponse ({STATE_WORDS[invitation.status]}).")
        invitation.status = "accepted" if accept else "declined"
        invitation.decided_at = now()
        me = s.get(User, rights.user_id)
        inviter = s.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
        verb = "accepté" if accept else "décliné"
        notify(
            s,
            [inviter],
            "invitation_answered",
            f"{organisation_word(me)} a {verb} votre invitation dans « {invitation.thread.title} ».",
            territory=invitation.thread.territory,
            thread_id=invitation.thread_id,
            actor_id=me.id,
        )
        s.flush()
        return _describe(space, invitation)
