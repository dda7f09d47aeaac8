"""A user's own data (RGPD): what the store holds about them, exported as JSON, and erased on
request. The store keeps only what the features need: login, display name, organisation,
roles, an e-mail address and a frequency for notifications, the actor profile's professional
contacts, requests, invitations answered, notifications and messages written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from territoire_data.access.authorisation import AccessDenied
from territoire_data.access.users import describe_user
from territoire_data.store.models import AccessRequest, Message, Notification, Organisation, ReadMark, Role, User, iso

if TYPE_CHECKING:
    from territoire_data.discussions.space import DiscussionSpace

ERASED_NAME = "Compte supprimé"


def export_data(space: DiscussionSpace) -> dict:
    """Everything the store holds about the signed-in user, as JSON-ready data."""
    from territoire_data.notifications.outbox import notifications
    from territoire_data.partners.profiles import my_profile
    from territoire_data.partners.requests import requests

    rights = space.authorisation
    if not rights.identified:
        raise AccessDenied("Aucune donnée n'est enregistrée pour cet identifiant.")
    with space.store.session() as s:
        user = s.get(User, rights.user_id)
        account = {
            **describe_user(user),
            "email": user.email,
            "notification_mode": user.notification_mode,
            "created_at": iso(user.created_at),
        }
        messages = [
            {
                "id": m.id,
                "thread": m.thread_id,
                "created_at": iso(m.created_at),
                "edited_at": iso(m.edited_at),
                "deleted": m.deleted_at is not None,
                "text": m.text,
            }
            for m in s.scalars(select(Message).where(Message.author_id == user.id).order_by(Message.id))
        ]
    return {
        "account": account,
        "profile": my_profile(space),
        "requests": [r for r in requests(space) if r["id"] in _own_requests(space)],
        "notifications": notifications(space),
        "messages": messages,
    }


def _own_requests(space: DiscussionSpace) -> set[int]:
    with space.store.session() as s:
        return set(s.scalars(select(AccessRequest.id).where(AccessRequest.user_id == space.authorisation.user_id)))


def delete_account(space: DiscussionSpace) -> None:
    """Erase the signed-in user's personal data: name, login, e-mail, roles, notifications,
    requests; their organisation's profile too when they were its only member. Messages stay
    in their threads (the territory's record), signed « Compte supprimé »."""
    rights = space.authorisation
    if not rights.identified:
        raise AccessDenied("Aucune donnée n'est enregistrée pour cet identifiant.")
    if rights.admin:
        raise AccessDenied("Un compte administrateur se retire par un autre administrateur (territoire users).")
    with space.store.session() as s:
        user = s.get(User, rights.user_id)
        organisation_id = user.organisation_id
        s.execute(delete(Notification).where(Notification.user_id == user.id))
        s.execute(delete(AccessRequest).where(AccessRequest.user_id == user.id))
        s.execute(delete(ReadMark).where(ReadMark.user_id == user.id))
        s.execute(delete(Role).where(Role.user_id == user.id))
        user.login = f"compte-supprime-{user.id}"
        user.name, user.email, user.organisation_id = ERASED_NAME, None, None
        user.notification_mode, user.digest_at = "none", None
        s.flush()
        if organisation_id is not None:
            others = s.scalar(select(User.id).where(User.organisation_id == organisation_id).limit(1))
            organisation = s.get(Organisation, organisation_id)
            if others is None and organisation is not None and organisation.listed_at is not None:
                s.execute(
                    update(AccessRequest)
                    .where(AccessRequest.organisation_id == organisation_id)
                    .values(organisation_id=None)
                )
                s.delete(organisation)
