"""E-mail addresses people type: a plain ``local@domain``, nothing a mail header could take
for something else.

An address is accepted when, as typed (trimmed), its local part is plain ASCII (letters,
digits and ``. _ % + - '``, no leading, trailing or doubled dot), and its domain is made of
DNS labels, written in ASCII or in Unicode (IDNA: « mairie-évry.fr » is kept as typed, and
sent as « xn--mairie-vry-… »). Refused: RFC 2047 encoded words (``=?utf-8?q?…?=``, which a
mail library decodes into anything, a line feed included), quotes, angle brackets, commas,
spaces and control characters, comments, and more than 254 characters.
"""

from __future__ import annotations

import re

from territoire_data.errors import TerritoireError

MAX_LENGTH = 254
_LOCAL = re.compile(r"^[A-Za-z0-9_%+'\-]+(?:\.[A-Za-z0-9_%+'\-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


class InvalidAddress(TerritoireError):
    pass


def _refuse(value: str) -> InvalidAddress:
    shown = value if value.isprintable() and len(value) <= 80 else repr(value[:80])
    return InvalidAddress(f"Adresse électronique « {shown} » invalide (par ex. prenom.nom@mairie.fr).")


def ascii_domain(domain: str) -> str:
    """The domain as sent (IDNA, lower case); ``InvalidAddress`` when it is not a domain."""
    try:
        encoded = domain.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        raise _refuse(domain) from None
    labels = encoded.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise _refuse(domain)
    return encoded


def check_address(text: str | None) -> str | None:
    """The address as typed (trimmed), None when empty; ``InvalidAddress`` (French) otherwise."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > MAX_LENGTH or "=?" in value or not value.isprintable():
        raise _refuse(value)
    local, at, domain = value.rpartition("@")
    if not at or not local or len(local) > 64 or not _LOCAL.match(local):
        raise _refuse(value)
    try:
        ascii_domain(domain)
    except InvalidAddress:
        raise _refuse(value) from None
    return value


def sendable(address: str) -> str:
    """The address as an SMTP envelope and ``To`` header carry it (ASCII, IDNA domain);
    ``InvalidAddress`` for anything ``check_address`` would refuse (an address stored before
    the check existed, or written into the store by hand)."""
    value = check_address(address)
    if value is None:
        raise _refuse(address or "")
    local, _, domain = value.rpartition("@")
    return f"{local}@{ascii_domain(domain)}"
