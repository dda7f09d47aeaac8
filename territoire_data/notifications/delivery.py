"""Sending the notifications' e-mails, with retries: nothing is lost when the SMTP server fails.

``deliver`` is run every few seconds by the process that holds the store (the JupyterHub
service, ``territoire dashboard``; see ``service.courier``, which records the access requests
that expired just before) or by ``territoire notifications envoyer`` (cron). One run:

1. claims, in one transaction, the e-mails due: each notification of a user in ``immediate``
   mode, or the pending ones of a user in ``daily`` mode at the first digest hour after them
   (``TERRITOIRE_DIGEST_HOUR``, Paris time), one digest a day — a claim is a five-minute lease, so two
   deliverers never send the same e-mail twice, and a crash sends it again afterwards;
2. drops (state ``none``) what the recipient may no longer see (``outbox.may_see``, whatever
   the kind): a thread they lost access to is not mentioned, even in a generic e-mail, and a
   request to a territory they no longer decide for is not sent;
3. sends, then records ``sent``, or a failure: the attempt count grows, the next try waits
   1, 2, 4… minutes (one hour at most), and after ``MAX_ATTEMPTS`` the state becomes
   ``failed`` (``--relancer`` puts them back). The notification itself stays in the
   dashboard whatever happens to its e-mail.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from territoire_data.access import rights_of
from territoire_data.access.users import account_in
from territoire_data.notifications.addresses import sendable
from territoire_data.notifications.mail import SUBJECTS, MailFailed, MailServer, compose, link
from territoire_data.notifications.outbox import may_see
from territoire_data.store.models import Notification, User, now, utc

log = logging.getLogger("territoire.notifications")
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 12
PARIS = ZoneInfo("Europe/Paris")


@dataclass
class Delivery:
    """What one run did (``territoire notifications envoyer`` prints it)."""

    disabled: bool = False
    sent: int = 0  # notifications whose e-mail went out
    emails: int = 0  # e-mails sent (a digest carries several notifications)
    failed: int = 0  # notifications whose e-mail failed this time (kept for later)
    dropped: int = 0  # no longer readable by their recipient: not sent
    errors: list[str] = field(default_factory=list)


@dataclass
class _Batch:
    user_id: int
    address: str
    greeting: str | None
    digest: bool
    items: list[tuple[int, str, str, str | None]]  # id, kind, mail text, territory


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def digest_slot(at: datetime, hour: int) -> datetime:
    """The latest digest time (``hour`` o'clock, Paris) at or before ``at``."""
    local = at.astimezone(PARIS)
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    return slot


def _claim(workspace, at: datetime, result: Delivery, retry_failed: bool) -> list[_Batch]:
    hour = workspace.settings.digest_hour
    batches: list[_Batch] = []
    with workspace.store.session() as s:
        if retry_failed:
            s.execute(
                update(Notification)
                .where(Notification.mail_state == "failed")
                .values(mail_state="pending", mail_attempts=0, mail_next_at=None)
            )
        pending: dict[int, list[Notification]] = defaultdict(list)
        for row in s.scalars(
            select(Notification).where(Notification.mail_state == "pending").order_by(Notification.id)
        ):
            pending[row.user_id].append(row)
        for user_id, rows in pending.items():
            user = s.get(User, user_id)
            if user is None or not user.email or user.notification_mode == "none":
                for row in rows:
                    row.mail_state = "none"
                continue
            rights = rights_of(workspace, account_in(s, user))
            kept = []
            for row in rows:
                if may_see(s, rights, user.organisation_id, row):
                    kept.append(row)
                else:
                    row.mail_state = "none"
                    result.dropped += 1
            due = [r for r in kept if r.mail_next_at is None or utc(r.mail_next_at) <= at]
            digest = user.notification_mode == "daily"
            if digest:  # at the first digest hour after the notification, once a day
                slot = digest_slot(at, hour)
                done = user.digest_at is not None and utc(user.digest_at) >= slot
                due = [] if done else [r for r in due if utc(r.created_at) <= slot]
            if not due:
                continue
            for row in due:
                row.mail_next_at = at + LEASE
            batches.append(
                _Batch(
                    user.id,
                    user.email,
                    user.name,
                    digest,
                    [(r.id, r.kind, r.mail_text, r.territory) for r in due],
                )
            )
    return batches


def _messages(server: MailServer, batch: _Batch, base: str | None):
    address = sendable(batch.address)  # an address stored before the check: refused here, for this user only
    if batch.digest:
        lines = [(text, link(base, territory)) for _id, _kind, text, territory in batch.items]
        subject = f"territoire : résumé du jour ({len(lines)} notification{'s' if len(lines) > 1 else ''})"
        return [compose(server, address, subject, lines, greeting=batch.greeting)]
    return [
        compose(
            server,
            address,
            f"territoire : {SUBJECTS.get(kind, 'notification')}",
            [(text, link(base, territory))],
            greeting=batch.greeting,
        )
        for _id, kind, text, territory in batch.items
    ]


def _record(workspace, batch: _Batch, at: datetime, error: str | None, *, permanent: bool = False) -> None:
    with workspace.store.session() as s:
        for notification_id, *_ in batch.items:
            row = s.get(Notification, notification_id)
            if row is None or row.mail_state != "pending":
                continue
            if error is None:
                row.mail_state, row.mailed_at, row.mail_error, row.mail_next_at = "sent", at, None, None
                continue
            row.mail_attempts += 1
            row.mail_error = error[:500]
            if permanent or row.mail_attempts >= MAX_ATTEMPTS:
                row.mail_state = "failed"
            else:
                row.mail_next_at = at + backoff(row.mail_attempts)
        if error is None and batch.digest:
            s.get(User, batch.user_id).digest_at = at


def deliver(workspace, *, at: datetime | None = None, link_base: str | None = None, retry_failed=False) -> Delivery:
    """Send the e-mails due now (``at``: another moment, for tests and digests; without an
    SMTP server, nothing). ``service.courier.send_due`` records the expired requests first."""
    server = MailServer.of(workspace.settings)
    result = Delivery(disabled=server is None)
    if server is None:
        return result
    at = now() if at is None else utc(at)
    base = workspace.settings.dashboard_url or link_base
    for batch in _claim(workspace, at, result, retry_failed):
        # Each user's e-mails on their own: whatever goes wrong with one (an address that cannot be
        # composed, a message the server refuses) marks that one and the run goes on for the others.
        try:
            messages = _messages(server, batch, base)
        except Exception as error:
            reason = f"adresse ou message impossible à composer ({error})"[:500]
            log.warning("courriel abandonné pour l'utilisateur %s : %s", batch.user_id, reason)
            result.failed += len(batch.items)
            result.errors.append(reason)
            _record(workspace, batch, at, reason, permanent=True)
            continue
        try:
            server.send(messages)
        except MailFailed as error:
            log.warning("courriel non envoyé (nouvel essai prévu) : %s", error)
            result.failed += len(batch.items)
            result.errors.append(str(error))
            _record(workspace, batch, at, str(error))
            continue
        result.sent += len(batch.items)
        result.emails += len(messages)
        _record(workspace, batch, at, None)
    return result


def state(workspace) -> dict[str, int]:
    """Notifications by e-mail state (``territoire notifications etat``)."""
    from sqlalchemy import func

    with workspace.store.session() as s:
        rows = s.execute(select(Notification.mail_state, func.count(Notification.id)).group_by(Notification.mail_state))
        return {name: count for name, count in rows}
