"""A user's own data (RGPD): what the store holds about them, exported as JSON, and erased on
request. The store keeps only what the features need: login, display name, organisation,
roles, an e-mail address and a frequency for notifications, the actor profile's professional
contacts, requests, invitations answered, notifications and messages written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, select, update

from territoire_data.access.authorisation import AccessDenied
from territoire_data.access.users import describe_user
from territoire_data.notifications.outbox import describe, organisation_word
from territoire_data.store.models import (
    AccessRequest,
    Flag,
    Invitation,
    Message,
    Notification,
    Organisation,
    ReadMark,
    ReportCorrection,
    Revision,
    Role,
    User,
    iso,
)

if TYPE_CHECKING:
    from territoire_data.discussions.space import DiscussionSpace

ERASED_NAME = "Compte supprimé"
ERASED_REASON = "(motif effacé avec le compte de son auteur)"


def export_data(space: DiscussionSpace) -> dict:
    """Everything the store holds about the signed-in user, as JSON-ready data: the account,
    the organisation's profile, requests with their history, every notification, messages
    with their earlier versions, reports (flags) written, invitations answered or sent, and
    the read marks, the triennial report's corrections entered — each category the privacy
    notice names."""
    from territoire_data.partners.profiles import my_profile
    from territoire_data.partners.requests import requests

    rights = space.authorisation
    if not rights.identified:
        raise AccessDenied("Aucune donnée n'est enregistrée pour cet identifiant.")
    own_requests = _own_requests(space)
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
                "revisions": [
                    {"date": iso(r.date), "text": r.text}
                    for r in s.scalars(select(Revision).where(Revision.message_id == m.id).order_by(Revision.id))
                ],
            }
            for m in s.scalars(select(Message).where(Message.author_id == user.id).order_by(Message.id))
        ]
        notifications = [
            describe(n, complete=True)
            for n in s.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
        ]
        flags = [
            {"id": f.id, "message": f.message_id, "reason": f.reason, "date": iso(f.date)}
            for f in s.scalars(select(Flag).where(Flag.user_id == user.id).order_by(Flag.id))
        ]
        invitations = [
            {
                "id": i.id,
                "thread": i.thread_id,
                "organisation": i.organisation.name,
                "status": i.status,
                "created_at": iso(i.created_at),
                "decided_at": iso(i.decided_at),
                "sent_by_me": i.invited_by_id == user.id,
            }
            for i in s.scalars(select(Invitation).where(_invitations_of(user)).order_by(Invitation.id))
        ]
        read_marks = [
            {"thread": r.thread_id, "last_message": r.last_message_id}
            for r in s.scalars(select(ReadMark).where(ReadMark.user_id == user.id))
        ]
        report_corrections = [
            {
                "id": c.id,
                "territory": c.territory,
                "indicator": c.indicator,
                "year": c.year or None,
                "value": c.value,
                "source": c.source,
                "reason": c.reason,
                "recorded_at": iso(c.recorded_at),
            }
            for c in s.scalars(
                select(ReportCorrection).where(ReportCorrection.author_id == user.id).order_by(ReportCorrection.id)
            )
        ]
    return {
        "account": account,
        "profile": my_profile(space),
        "requests": [r for r in requests(space) if r["id"] in own_requests],
        "notifications": notifications,
        "messages": messages,
        "flags": flags,
        "invitations": invitations,
        "read_marks": read_marks,
        "report_corrections": report_corrections,
    }


def _invitations_of(user: User):
    """The invitations a user sent, or that their organisation received."""
    sent = Invitation.invited_by_id == user.id
    return sent if user.organisation_id is None else or_(sent, Invitation.organisation_id == user.organisation_id)


def _own_requests(space: DiscussionSpace) -> set[int]:
    with space.store.session() as s:
        return set(s.scalars(select(AccessRequest.id).where(AccessRequest.user_id == space.authorisation.user_id)))


def delete_account(space: DiscussionSpace) -> None:
    """Erase the signed-in user's personal data: name, login, e-mail, roles, notifications,
    requests (with what others were told of them), read marks, the reasons of their reports;
    what others were told of their actions names « Compte supprimé » instead of them; their
    organisation too when they were its only member (profile removed first or not). Messages
    stay in their threads (the territory's record), signed « Compte supprimé ». Refusals of the
    organisation's requests stay as anonymous records (SIREN, territory, date): the cool-down
    after a refusal holds for whoever asks again."""
    rights = space.authorisation
    if not rights.identified:
        raise AccessDenied("Aucune donnée n'est enregistrée pour cet identifiant.")
    if rights.admin:
        raise AccessDenied("Un compte administrateur se retire par un autre administrateur (territoire users).")
    with space.store.session() as s:
        user = s.get(User, rights.user_id)
        organisation_id = user.organisation_id
        names = sorted({n for n in (user.name, user.shown_name, organisation_word(user)) if n}, key=len, reverse=True)
        # What others were told of this person: their name gives way to « Compte supprimé ».
        for told in s.scalars(select(Notification).where(Notification.actor_id == user.id)):
            for name in names:
                told.text = told.text.replace(name, ERASED_NAME)
                told.mail_text = told.mail_text.replace(name, ERASED_NAME)
            told.actor_id = None
        s.execute(delete(Notification).where(Notification.user_id == user.id))
        # Requests, and every notification telling of them (their text may carry a phone number).
        own = list(s.scalars(select(AccessRequest.id).where(AccessRequest.user_id == user.id)))
        if own:
            s.execute(delete(Notification).where(Notification.request_id.in_(own)))
        s.execute(delete(AccessRequest).where(AccessRequest.user_id == user.id))
        s.execute(delete(ReadMark).where(ReadMark.user_id == user.id))
        s.execute(delete(Role).where(Role.user_id == user.id))
        s.execute(update(Flag).where(Flag.user_id == user.id).values(reason=ERASED_REASON))
        user.login = f"compte-supprime-{user.id}"
        user.name, user.email, user.organisation_id = ERASED_NAME, None, None
        user.notification_mode, user.digest_at = "none", None
        s.flush()
        if organisation_id is not None:
            others = s.scalar(select(User.id).where(User.organisation_id == organisation_id).limit(1))
            organisation = s.get(Organisation, organisation_id)
            actor = organisation is not None and (organisation.listed_at is not None or organisation.siren)
            if others is None and actor:
                s.execute(
                    update(AccessRequest)
                    .where(AccessRequest.organisation_id == organisation_id)
                    .values(organisation_id=None)
                )
                s.delete(organisation)
