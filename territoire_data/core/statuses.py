"""Why a value is there or not: statuses and reasons, from the files to the screen.

A value has a status — ``ok``, ``secret`` (the publisher withholds it) or ``missing`` —
and, when it is not an ordinary published value, a reason:

- ``not_covered``: the source does not cover this territory (Mayotte in the 2018 census,
  a commune created after the vintage). Not covered is not secret: a group sum goes on
  over the covered members and states its coverage;
- ``other_geography``: the figure was published for the commune's former territory (before
  communes were restored out of it); it counts in group sums, never as the commune's own;
- ``included``: the territory's figure is inside another commune's former-territory figure
  (a restored commune); covered for group sums, no value of its own;
- ``not_additive``: communes merged since the vintage and the value is a median or a rate,
  which cannot be recomputed from the parts;
- ``not_published``: not yet published (provisional months, zeros of a series not released);
- ``insufficient_sample``: too few cases for the figure (DVF medians under 5 sales);
- ``insufficient_coverage``: a group whose covered members are too few for a sum;
- ``partial_coverage``: a published group sum over its covered members (the note says which
  members are left out, e.g. « hors Mayotte »);
- ``partial_file``: a commune's value read from a file that covers its département only in
  part (the note names the file); kept, but never the start of a trend;
- ``unavailable``: the file has the territory's row but no value in it;
- ``not_computable``: every figure the formula needs is there, yet it has no value (a zero
  denominator, no earlier census to compare with);
- ``not_loaded``: no file of the indicator's sources is in the warehouse (shown by the
  indicator tables, never stored).

Every missing value carries one of these reasons: a ``null`` never stands alone.

In computation tables the pair (status, reason) is one small integer code (``CODES``).
"""

from __future__ import annotations

import numpy as np

OK, SECRET, MISSING = "ok", "secret", "missing"

REASONS = {
    "not_covered": "non couvert par la source",
    "other_geography": "non disponible pour le territoire actuel",
    "included": "non disponible pour le territoire actuel",
    "not_additive": "ne peut pas être recalculée pour des communes fusionnées (médiane ou taux)",
    "not_published": "pas encore publiée",
    "insufficient_sample": "trop peu de cas pour être publiée",
    "insufficient_coverage": "trop peu de communes du groupe couvertes pour une somme",
    "partial_coverage": "somme des communes couvertes",
    "unavailable": "non renseignée dans le fichier source",
    "not_computable": (
        "non calculable avec les données chargées (donnée nécessaire absente cette année, "
        "dénominateur nul ou année de comparaison absente)"
    ),
    "partial_file": "valeur d'un fichier partiel (pas de tendance calculée à partir d'elle)",
    "not_loaded": "aucun fichier de cette source n'est chargé dans l'entrepôt",
}

# Longer wording where reasons are counted side by side (the catalogue's provenance page).
REASONS_DETAIL = {
    **REASONS,
    "other_geography": "valeur publiée pour l'ancien territoire de la commune (avant un rétablissement)",
    "included": "commune rétablie, comprise dans la valeur de l'ancien territoire d'une autre",
}

# Integer codes of (status, reason) in the computation cube. ABSENT: nothing known.
(
    ABSENT,
    C_OK,
    C_SECRET,
    C_MISSING,
    NOT_COVERED,
    OTHER_GEOGRAPHY,
    INCLUDED,
    NOT_ADDITIVE,
    NOT_PUBLISHED,
    SMALL_SAMPLE,
    LOW_COVERAGE,
    NOT_COMPUTABLE,
) = range(12)
CODES = {
    (OK, ""): C_OK,
    (SECRET, ""): C_SECRET,
    (MISSING, ""): C_MISSING,
    (MISSING, "unavailable"): C_MISSING,
    (MISSING, "not_computable"): NOT_COMPUTABLE,
    (MISSING, "not_covered"): NOT_COVERED,
    (MISSING, "other_geography"): OTHER_GEOGRAPHY,
    (MISSING, "included"): INCLUDED,
    (MISSING, "not_additive"): NOT_ADDITIVE,
    (MISSING, "not_published"): NOT_PUBLISHED,
    (MISSING, "insufficient_sample"): SMALL_SAMPLE,
    (MISSING, "insufficient_coverage"): LOW_COVERAGE,
}
STATUS_NAMES = np.array(["", OK, SECRET] + [MISSING] * 9, dtype=object)
REASON_NAMES = np.array(
    [
        "",
        "",
        "",
        "unavailable",
        "not_covered",
        "other_geography",
        "included",
        "not_additive",
        "not_published",
        "insufficient_sample",
        "insufficient_coverage",
        "not_computable",
    ],
    dtype=object,
)
# When several variables of an indicator are unavailable, the reason shown is the first of this order.
PRIORITY = (
    C_SECRET,
    NOT_COVERED,
    OTHER_GEOGRAPHY,
    INCLUDED,
    NOT_ADDITIVE,
    NOT_PUBLISHED,
    SMALL_SAMPLE,
    LOW_COVERAGE,
    C_MISSING,
    NOT_COMPUTABLE,
)


def code(status: str, reason: str | None = "") -> int:
    """The integer code of a (status, reason) pair; an unknown reason keeps the status."""
    reason = reason or ""
    return CODES.get((status, reason), CODES.get((status, ""), C_MISSING))


def label(status: str | None, reason: str | None = None) -> str:
    """French words for a status and its reason (what cards, reports and the CLI print)."""
    if status == SECRET:
        return "secret statistique"
    if status == OK:
        return ""
    return REASONS.get(reason or "", "non disponible") if reason else "non disponible"
