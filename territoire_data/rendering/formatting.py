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
