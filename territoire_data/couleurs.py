"""Colour classes for maps: quantile breaks over the values shown, a sober sequential palette.

Shared by the dashboard's interactive map and the reports' static maps so that both read
the same way. Missing or secret values get their own grey, never the colour of zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territoire_data.format import nombre

# Sequential blues close to the French State palette (bleu France #000091 at the dark end).
PALETTE = ("#e8edff", "#b1c0f6", "#7a8fe6", "#3f55c8", "#000091")
NON_DISPONIBLE = "#d9d9d9"
SURLIGNAGE = "#e1000f"  # rouge Marianne: the commune being read


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (the last one is the maximum) and their colours."""

    bornes: tuple[float, ...]  # k + 1 values: minimum, then the upper bound of each class
    couleurs: tuple[str, ...]

    def couleur(self, valeur: float | None) -> str:
        if valeur is None or not np.isfinite(valeur) or not self.couleurs:
            return NON_DISPONIBLE
        indice = int(np.searchsorted(self.bornes[1:-1], valeur, side="right"))
        return self.couleurs[min(indice, len(self.couleurs) - 1)]

    def legende(self, unite: str = "", decimales: int = 1) -> list[tuple[str, str]]:
        """(colour, "de a à b unit") for each class, then the missing-value entry."""
        lignes = []
        for i, couleur in enumerate(self.couleurs):
            bas, haut = self.bornes[i], self.bornes[i + 1]
            texte = (f"{nombre(bas, decimales)} {unite}".strip() if bas == haut
                     else f"de {nombre(bas, decimales)} à {nombre(haut, decimales)} {unite}".strip())
            lignes.append((couleur, texte))
        lignes.append((NON_DISPONIBLE, "non disponible ou secret"))
        return lignes


def quantiles(valeurs, k: int = len(PALETTE)) -> Classes:
    """Quantile classes of the finite values (fewer classes when values repeat)."""
    valeurs = np.asarray(valeurs, dtype="float64")
    valeurs = valeurs[np.isfinite(valeurs)]
    if valeurs.size == 0:
        return Classes((), ())
    bornes = np.unique(np.quantile(valeurs, np.linspace(0, 1, k + 1)))
    if bornes.size == 1:
        return Classes((float(bornes[0]), float(bornes[0])), (PALETTE[len(PALETTE) // 2],))
    n = bornes.size - 1
    # Spread the colours over the palette so that 3 classes still go from light to dark.
    choix = np.round(np.linspace(0, len(PALETTE) - 1, n)).astype(int)
    return Classes(tuple(float(b) for b in bornes), tuple(PALETTE[i] for i in choix))
