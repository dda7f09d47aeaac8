"""Normalisation of French place names for search and matching.

"L'Abergement-Clémenciat", "l abergement clemenciat" and "ABERGEMENT CLEMENCIAT" all
normalise to ``"abergement clemenciat"``: accents, case, hyphens, apostrophes and a
leading article are not significant; ``st``/``ste`` stand for ``saint``/``sainte``.
"""

from __future__ import annotations

import re
import unicodedata

ARTICLES = frozenset({"le", "la", "les", "l", "aux", "las", "los"})
ABREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.translate(LIGATURES))
    return "".join(c for c in decompose if not unicodedata.combining(c))


def normaliser(texte: str) -> str:
    """Lower-case ASCII words separated by single spaces, leading article dropped."""
    mots = _NON_ALNUM.sub(" ", sans_accents(texte).lower()).split()
    mots = [ABREVIATIONS.get(m, m) for m in mots]
    if len(mots) > 1 and mots[0] in ARTICLES:
        mots = mots[1:]
    return " ".join(mots)


def trigrammes(texte_normalise: str) -> set[str]:
    """Character trigrams of a normalised text, padded so that short words count."""
    compact = f"  {texte_normalise} "
    return {compact[i : i + 3] for i in range(len(compact) - 2)}
