"""Normalisation of French place names for search and matching.

"L'Abergement-Clémenciat", "l abergement clemenciat" and "ABERGEMENT CLEMENCIAT" all
normalise to ``"abergement clemenciat"``: accents, case, hyphens, apostrophes and a
leading article are not significant; ``st``/``ste`` stand for ``saint``/``sainte``.
"""

from __future__ import annotations

import re
import unicodedata

ARTICLES = frozenset({"le", "la", "les", "l", "aux", "las", "los"})
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, leading article dropped."""
    words = _NOT_ALNUM.sub(" ", without_accents(text).lower()).split()
    words = [ABBREVIATIONS.get(m, m) for m in words]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def trigrams(text_normalised: str) -> set[str]:
    """Character trigrams of a normalised text, padded so that short words count."""
    compact = f"  {text_normalised} "
    return {compact[i : i + 3] for i in range(len(compact) - 2)}
