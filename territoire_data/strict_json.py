"""Strict JSON for everything territoire writes or prints: no ``NaN``, no ``Infinity``.

``NaN`` is not JSON: strict parsers (browsers' ``JSON.parse``, jq, most languages) reject
it. Missing numbers are ``null``; writing a NaN is a bug and raises ``ValueError``.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import PurePath


def _default(obj):
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} n'est pas sérialisable en JSON")


def clean(obj):
    """NaN and infinities (also numpy ones) → None, recursively."""
    if isinstance(obj, float) or hasattr(obj, "dtype") and getattr(obj, "ndim", 1) == 0:
        value = obj.item() if hasattr(obj, "item") else obj
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    return obj


def text(data, *, indent: int | None = 2) -> str:
    """Strict JSON text (UTF-8 characters kept); raises ``ValueError`` on NaN."""
    return json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False, default=_default)
