"""A real SMTP server on 127.0.0.1 for the notification tests (aiosmtpd), which can be told to
refuse messages for a while (``451``: try later) to play a failing server."""

from __future__ import annotations

import email
import email.policy
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Mailbox:
    """Keeps every message the server accepted; ``refuse`` makes it answer 451 instead."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Réessayez plus tard"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server(port: int = 0):
    """Yield (mailbox, port) of a running server; stopped afterwards."""
    from server import free_port

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


def smtp_settings(port: int, **more: str) -> dict[str, str]:
    """The variables pointing the notifications at the local server (no TLS: it is local)."""
    return {
        "TERRITOIRE_SMTP_HOST": "127.0.0.1",
        "TERRITOIRE_SMTP_PORT": str(port),
        "TERRITOIRE_SMTP_TLS": "aucun",
        "TERRITOIRE_SMTP_SENDER": "territoire <ne-pas-repondre@territoire.test>",
        **more,
    }
