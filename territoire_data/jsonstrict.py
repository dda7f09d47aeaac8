"""Strict JSON for everything territoire writes or prints: no ``NaN``, no ``Infinity``.

``NaN`` is not JSON: strict parsers (browsers' ``JSON.parse``, jq, most languages) reject
it. Missing numbers are ``null``; writing a NaN is a bug and raises ``ValueError``.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import PurePath


def _defaut(objet):
    if hasattr(objet, "item"):  # numpy scalars
        return objet.item()
    if isinstance(objet, (datetime, date)):
        return objet.isoformat()
    if isinstance(objet, PurePath):
        return str(objet)
    if isinstance(objet, (set, frozenset, tuple)):
        return list(objet)
    raise TypeError(f"{type(objet).__name__} n'est pas sérialisable en JSON")


def nettoyer(objet):
    """NaN and infinities (also numpy ones) → None, recursively."""
    if isinstance(objet, float) or hasattr(objet, "dtype") and getattr(objet, "ndim", 1) == 0:
        valeur = objet.item() if hasattr(objet, "item") else objet
        if isinstance(valeur, float) and not math.isfinite(valeur):
            return None
        return valeur
    if isinstance(objet, dict):
        return {k: nettoyer(v) for k, v in objet.items()}
    if isinstance(objet, (list, tuple)):
        return [nettoyer(v) for v in objet]
    return objet


def texte(donnees, *, indent: int | None = 2) -> str:
    """Strict JSON text (UTF-8 characters kept); raises ``ValueError`` on NaN."""
    return json.dumps(donnees, ensure_ascii=False, indent=indent, allow_nan=False, default=_defaut)
