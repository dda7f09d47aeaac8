"""Progress reporting for long work, in French, on stderr (tqdm)."""

from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm


def barre_desactivee() -> bool:
    """Bars are hidden when ``TERRITOIRE_SANS_PROGRESSION`` is set (logs, CI)."""
    return bool(os.environ.get("TERRITOIRE_SANS_PROGRESSION"))


class Etapes:
    """A bar that advances one named step at a time: ``etapes("Lecture")``."""

    def __init__(self, titre: str, total: int):
        self._barre = tqdm(
            total=total,
            desc=titre,
            file=sys.stderr,
            disable=barre_desactivee(),
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]",
        )
        self._titre = titre
        self._premiere = True

    def __call__(self, libelle: str) -> None:
        if not self._premiere:
            self._barre.update(1)
        self._premiere = False
        self._barre.set_description(f"{self._titre} : {libelle}")

    def __enter__(self) -> "Etapes":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self._barre.update(self._barre.total - self._barre.n)
            self._barre.set_description(self._titre)
        self._barre.close()
