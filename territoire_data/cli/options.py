"""Values typed on the command line that several commands read the same way."""

from __future__ import annotations


def departement_codes(text: str | None) -> list[str]:
    """Département codes typed as ``D1,D2…`` (``2a`` → ``2A``), blanks dropped."""
    return [code.strip().upper() for code in (text or "").split(",") if code.strip()]
