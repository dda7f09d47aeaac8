"""French number formatting for what users read (CLI, dashboard, reports)."""

from __future__ import annotations

import math

NARROW_SPACE = "\u202f"  # narrow no-break space, the French thousands separator


def number(value: float | int | None, decimals: int = 0, absent: str = "n.d.") -> str:
    """``1234567.891`` → ``"1 234 567,89"`` (with ``decimales=2``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return absent
    if round(value, decimals) == 0:
        value = 0  # never "-0,0": a value that rounds to zero has no sign
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_SPACE).replace(".", ",")


MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
FULL_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def day(value) -> str:
    """A date (``date`` or ISO text) → « 1er décembre 2027 »."""
    from datetime import date

    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {FULL_MONTHS[value.month - 1]} {value.year}"


def moment(iso: str | None, zone: str = "Europe/Paris") -> str:
    """``2026-11-30T16:33:00+00:00`` → « 30 nov. 2026 à 17 h 33 » (French time, Paris)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(zone))
    day = "1er" if when.day == 1 else str(when.day)
    return f"{day} {MONTHS[when.month - 1]} {when.year} à {when.hour} h {when.minute:02d}"
