"""Colour classes for maps: quantile breaks over the values shown, a sober sequential palette.

Shared by the dashboard's interactive map and the reports' static maps so that both read
the same way. Missing or secret values get their own grey, never the colour of zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territoire_data.rendering.formatting import number

# Sequential blues close to the French State palette (bleu France #000091 at the dark end).
PALETTE = ("#e8edff", "#b1c0f6", "#7a8fe6", "#3f55c8", "#000091")
UNAVAILABLE_COLOUR = "#d9d9d9"
HIGHLIGHT = "#e1000f"  # rouge Marianne: the commune being read


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (the last one is the maximum) and their colours."""

    bounds: tuple[float, ...]  # k + 1 values: minimum, then the upper bound of each class
    colours: tuple[str, ...]

    def colour(self, value: float | None) -> str:
        if value is None or not np.isfinite(value) or not self.colours:
            return UNAVAILABLE_COLOUR
        index = int(np.searchsorted(self.bounds[1:-1], value, side="right"))
        return self.colours[min(index, len(self.colours) - 1)]

    def legend(self, unit: str = "", decimals: int = 1) -> list[tuple[str, str]]:
        """(colour, "de a à b unit") for each class, then the missing-value entry."""
        rows = []
        for i, colour in enumerate(self.colours):
            low, high = self.bounds[i], self.bounds[i + 1]
            text = (
                f"{number(low, decimals)} {unit}".strip()
                if low == high
                else f"de {number(low, decimals)} à {number(high, decimals)} {unit}".strip()
            )
            rows.append((colour, text))
        rows.append((UNAVAILABLE_COLOUR, "non disponible ou secret"))
        return rows


def quantiles(values, k: int = len(PALETTE)) -> Classes:
    """Quantile classes of the finite values (fewer classes when values repeat)."""
    values = np.asarray(values, dtype="float64")
    values = values[np.isfinite(values)]
    if values.size == 0:
        return Classes((), ())
    bounds = np.unique(np.quantile(values, np.linspace(0, 1, k + 1)))
    if bounds.size == 1:
        return Classes((float(bounds[0]), float(bounds[0])), (PALETTE[len(PALETTE) // 2],))
    n = bounds.size - 1
    # Spread the colours over the palette so that 3 classes still go from light to dark.
    choice = np.round(np.linspace(0, len(PALETTE) - 1, n)).astype(int)
    return Classes(tuple(float(b) for b in bounds), tuple(PALETTE[i] for i in choice))
