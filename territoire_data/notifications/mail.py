"""E-mails of the notifications: composed in French with a link to the dashboard, sent through
the SMTP server of the settings (``TERRITOIRE_SMTP_*``; no host: no e-mail at all)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote

from territoire_data.errors import TerritoireError
from territoire_data.settings import Settings

PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT_S = 20
SUBJECTS = {
    "access_request": "Nouvelle demande d'accès partenaire",
    "request_decided": "Réponse à votre demande d'accès",
    "request_expired": "Fin de votre accès partenaire",
    "invitation": "Invitation dans une discussion",
    "invitation_answered": "Réponse à votre invitation",
    "reply": "Nouveau message dans une discussion",
    "siren_checked": "Vérification du SIREN de votre organisation",
}


class MailFailed(TerritoireError):
    """The SMTP server could not take a message (kept to be sent again)."""


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    tls: str
    user: str | None
    password: str | None
    sender: str

    @classmethod
    def of(cls, settings: Settings) -> MailServer | None:
        """The server of the settings; None when no host is set (e-mail disabled)."""
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port or PORTS[settings.smtp_tls],
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=settings.smtp_sender or f"territoire <territoire@{settings.smtp_host}>",
        )

    def send(self, messages: list[EmailMessage]) -> None:
        """Send messages over one connection; ``MailFailed`` (French) if the server refuses."""
        try:
            if self.tls == "ssl":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
            with connection:
                if self.tls == "starttls":
                    connection.starttls(context=ssl.create_default_context())
                if self.user:
                    connection.login(self.user, self.password or "")
                for message in messages:
                    connection.send_message(message)
        except smtplib.SMTPNotSupportedError:
            raise MailFailed(
                f"le serveur {self.host}:{self.port} n'accepte pas STARTTLS (réglez TERRITOIRE_SMTP_TLS)"
            ) from None
        except smtplib.SMTPAuthenticationError:
            raise MailFailed(f"identifiants SMTP refusés par {self.host}:{self.port}") from None
        except smtplib.SMTPResponseException as error:
            raise MailFailed(f"refus du serveur {self.host}:{self.port} ({error.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as error:
            raise MailFailed(f"serveur {self.host}:{self.port} injoignable ({type(error).__name__})") from None


def link(base: str | None, territory: str | None) -> str | None:
    """The dashboard's address for a territory (``base?territoire=CODE``)."""
    if not base:
        return None
    if not territory:
        return base
    return f"{base}{'&' if '?' in base else '?'}territoire={quote(territory, safe=':')}"


def compose(
    server: MailServer, to: str, subject: str, lines: list[tuple[str, str | None]], *, greeting: str | None
) -> EmailMessage:
    """A plain-text French e-mail: one paragraph per (text, dashboard link) line."""
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=server.host)
    message["Auto-Submitted"] = "auto-generated"
    paragraphs = [f"Bonjour{' ' + greeting if greeting else ''},", ""]
    for text, address in lines:
        paragraphs.append(f"- {text}")
        if address:
            paragraphs.append(f"  Ouvrir le tableau de bord : {address}")
    paragraphs += [
        "",
        "Le contenu des échanges reste dans le tableau de bord : ce courriel n'en reprend aucun.",
        "Pour changer la fréquence de ces courriels (à chaque événement, résumé quotidien, aucun), "
        "rendez-vous dans « Acteurs du territoire » > « Mes notifications ».",
        "",
        "territoire — planification écologique des territoires",
    ]
    message.set_content("\n".join(paragraphs))
    return message
