"""French number formatting for what users read (CLI, dashboard, reports)."""

from __future__ import annotations

import math

ESPACE_FINE = "\u202f"  # narrow no-break space, the French thousands separator


def nombre(valeur: float | int | None, decimales: int = 0, absent: str = "n.d.") -> str:
    """``1234567.891`` → ``"1 234 567,89"`` (with ``decimales=2``)."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return absent
    texte = f"{valeur:,.{decimales}f}"
    return texte.replace(",", ESPACE_FINE).replace(".", ",")
