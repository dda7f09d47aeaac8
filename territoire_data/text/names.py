"""Names people read as someone's: organisation names and display names, normalised so that
nobody passes for someone else.

- Every name is NFKC-normalised (full-width letters, ligatures and compatibility forms become
  their plain letters) with its spaces collapsed.
- A name whose letters mix alphabets (Latin with Cyrillic or Greek: « Ville de Bordеaux » with
  a Cyrillic « е ») is refused: that is how look-alike names are made.
- Two names that read the same (``skeleton``: case, accents, punctuation and spaces aside)
  are the same name: an organisation cannot take another's, and an actor's display name
  cannot be an élu's or an agent's.
"""

from __future__ import annotations

import re
import unicodedata

from territoire_data.errors import TerritoireError

_SPACES = re.compile(r"\s+")
SCRIPT_WORDS = {"LATIN": "latin", "CYRILLIC": "cyrillique", "GREEK": "grec", "ARMENIAN": "arménien"}


class NameRefused(TerritoireError):
    pass


def _script(character: str) -> str | None:
    """The alphabet of a letter (« LATIN », « CYRILLIC », « GREEK »…), None for other characters."""
    if not character.isalpha():
        return None
    try:
        return unicodedata.name(character).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


def normalised(text: str, *, what: str = "Le nom") -> str:
    """The name in NFKC with collapsed spaces; ``NameRefused`` (French) when its letters mix alphabets."""
    value = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    scripts = {s for s in map(_script, value) if s is not None}
    if len(scripts) > 1:
        raise NameRefused(
            f"{what} « {value} » mêle des alphabets ({', '.join(sorted(SCRIPT_WORDS.get(s, s.lower()) for s in scripts))}) : écrivez-le dans "
            "un seul alphabet (des lettres d'apparence identique venues d'un autre alphabet sont refusées)."
        )
    return value


def skeleton(text: str) -> str:
    """What a name reads as: NFKC, no accents, case folded, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.casefold() if c.isalnum())
