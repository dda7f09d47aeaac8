"""The courier of a long-running process that holds the store (the JupyterHub service,
``territoire dashboard`` in local use): ``send_due`` every ``period_s`` seconds, off the event
loop, its failures logged and never fatal.

``send_due`` is the one round of due work: the access requests that expired are recorded
(``partners``), then the e-mails due are sent (``notifications``); ``territoire notifications
envoyer`` runs the same round from cron."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from territoire_data.notifications.delivery import Delivery, deliver
from territoire_data.partners.requests import record_expiries
from territoire_data.store.models import now

log = logging.getLogger("territoire.notifications")
PERIOD_S = 15.0


def send_due(workspace, *, at: datetime | None = None, link_base: str | None = None, retry_failed=False) -> Delivery:
    """Record the requests that expired, then send the e-mails due now (``at``: another
    moment, for tests and digests; without an SMTP server, only the former)."""
    record_expiries(workspace, (at or now()).date())
    return deliver(workspace, at=at, link_base=link_base, retry_failed=retry_failed)


async def run_courier(workspace, *, link_base: str | None = None, period_s: float = PERIOD_S) -> None:
    """Record expiries and send the due e-mails until cancelled (without an SMTP host, only
    the expiries, once a minute)."""
    if not workspace.settings.smtp_host:
        period_s = max(period_s, 60.0)
    loop = asyncio.get_running_loop()
    ready = False
    while True:
        try:
            ready = ready or await loop.run_in_executor(None, workspace.store.ready)
            if not ready:  # no store yet (`territoire db upgrade`): nothing to send, none created
                await asyncio.sleep(period_s)
                continue
            result = await loop.run_in_executor(None, lambda: send_due(workspace, link_base=link_base))
            if result.emails or result.failed:
                log.info("courriels : %d envoyé(s), %d en échec (nouvel essai prévu)", result.emails, result.failed)
        except Exception:
            log.exception("envoi des notifications")
        await asyncio.sleep(period_s)
