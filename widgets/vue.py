"""``VueHTML``: an HTML widget redrawn from the shared state.

Subclasses name the state traits they follow (``suit``) and return the HTML of the current
commune from ``rendu``; without a commune the view is empty, and a failure becomes a French
message through ``garde``.
"""

from __future__ import annotations

import ipywidgets as w

from widgets.etat import Etat
from widgets.garde import garde


class VueHTML(w.HTML):
    classe: str = ""
    suit: tuple[str, ...] = ("code",)

    def __init__(self, etat: Etat, **kwargs):
        super().__init__(**kwargs)
        self.etat = etat
        self.add_class(self.classe)
        etat.observe(self._rafraichir, list(self.suit))
        self._rafraichir()

    @garde
    def _rafraichir(self, _change=None) -> None:
        self.value = self.rendu() if self.etat.code else ""

    def rendu(self) -> str:
        raise NotImplementedError
