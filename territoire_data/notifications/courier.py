"""The courier of a long-running process that holds the store (the JupyterHub service,
``territoire dashboard`` in local use): ``deliver`` every ``period_s`` seconds, off the event
loop, its failures logged and never fatal."""

from __future__ import annotations

import asyncio
import logging

from territoire_data.notifications.delivery import deliver

log = logging.getLogger("territoire.notifications")
PERIOD_S = 15.0


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
            result = await loop.run_in_executor(None, lambda: deliver(workspace, link_base=link_base))
            if result.emails or result.failed:
                log.info("courriels : %d envoyé(s), %d en échec (nouvel essai prévu)", result.emails, result.failed)
        except Exception:
            log.exception("envoi des notifications")
        await asyncio.sleep(period_s)
