"""Tidy observations: one row per (code, variable, year) with status and provenance.

Columns: ``code`` (INSEE code, or a prefixed group code when the source publishes group
values), ``variable``, ``year``, ``start`` (first year of a period flow, else <NA>),
``value`` (float, NaN unless ``status`` is ok), ``status`` (ok / secret / missing),
``source``, ``edition``, ``reason`` (why a value is missing, see ``statuses``; empty
otherwise) and ``note`` (French text about the figure's geography or coverage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ("code", "variable", "year", "start", "value", "status", "source", "edition", "reason", "note")
CATEGORIES = ("variable", "status", "source", "edition", "reason", "note")


def _category(value, n: int) -> pd.Categorical:
    """A categorical column of n rows; a scalar (the usual case: one source, one variable…)
    is built from its code directly, without going through an object array."""
    if np.ndim(value) == 0:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value])
    return pd.Categorical(np.asarray(value, dtype=object))


def block(code, variable, year, start, value, status, source: str, edition: str, reason="", note="") -> pd.DataFrame:
    """Observations of one block; ``status`` may also be ``not_covered``, which is stored as
    ``missing`` with that reason (the readers' shorthand for blanks of an uncovered territory)."""
    n = len(code)
    if np.ndim(status) and (np.asarray(status, dtype=object) == "not_covered").any():
        status = np.asarray(status, dtype=object)
        not_covered = status == "not_covered"
        reason = np.where(not_covered, "not_covered", np.broadcast_to(np.asarray(reason, dtype=object), n))
        status = np.where(not_covered, "missing", status)
    values = np.array(value, dtype="float64", copy=True).reshape(-1) if n else np.zeros(0)
    values[np.broadcast_to(np.asarray(status, dtype=object) != "ok", n)] = np.nan
    return pd.DataFrame(
        {
            "code": np.asarray(code, dtype=object),
            "variable": _category(variable, n),
            "year": pd.array(np.broadcast_to(np.asarray(year, dtype="float64"), n), dtype="Int16"),
            "start": pd.array(np.broadcast_to(np.asarray(start, dtype="float64"), n), dtype="Int16"),
            "value": values,
            "status": _category(status, n),
            "source": _category(source, n),
            "edition": _category(edition, n),
            "reason": _category(reason, n),
            "note": _category(note, n),
        }
    )


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    for column in CATEGORIES:
        frame[column] = frame[column].astype("category")
    return frame


def empty() -> pd.DataFrame:
    return block([], [], [], [], [], [], "", "")


def concatenate(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    pieces = [m for m in pieces if len(m)]
    if not pieces:
        return empty()
    for column in CATEGORIES:
        union = pd.api.types.union_categoricals([m[column] for m in pieces]).categories
        for m in pieces:
            m[column] = m[column].cat.set_categories(union)
    return pd.concat(pieces, ignore_index=True)
