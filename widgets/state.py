"""The dashboard's shared state: which commune, which peers, which indicator.

Every component observes one ``State``. Values arriving from the browser (URL, search box,
map click, custom peer list) go through ``choose``/``choose_peers``, which validate them
on the kernel side: a forged value sets ``error`` (a French message shown in an error card)
and never changes the displayed commune.
"""

from __future__ import annotations

import logging
import re

from traitlets import All, Any, Dict, HasTraits, List, Unicode

from territoire_data.core.peer_groups import GROUPS
from territoire_data.errors import TerritoireError

log = logging.getLogger("territoire.tableau_de_bord")

MAX_LENGTH = 2_000  # longest custom peer list accepted, in characters
_LIST = re.compile(r"^[0-9AB,\s]+$", re.IGNORECASE)


def check_names(owner: HasTraits, names) -> None:
    """``TraitNameError``-like ``AttributeError`` when ``owner`` has no trait for one of
    ``names``: traitlets would otherwise accept the name and never call the handler (how
    ``"ancres"`` outlived the renaming of the field to ``anchors``)."""
    if names is All:
        return
    for name in [names] if isinstance(names, str) else names:
        if not owner.has_trait(name):
            raise AttributeError(f"{type(owner).__name__} n'a pas de champ « {name} » à observer")


class CheckedTraits(HasTraits):
    """Observing a field by name checks the name: a widget cannot observe a field its model
    does not have."""

    def observe(self, handler, names=All, type="change"):
        check_names(self, names)
        return super().observe(handler, names=names, type=type)

    def unobserve(self, handler, names=All, type="change"):
        check_names(self, names)
        return super().unobserve(handler, names=names, type=type)


class State(CheckedTraits):
    """``code``: code of the territory shown (``33063``, ``epci:…``, ``dep:33``, ``reg:75``); ``peers``: peer group; ``indicator``: map/chart id."""

    code = Unicode("")
    name = Unicode("")
    peers = Unicode("densite")
    indicator = Unicode("population")
    error = Unicode("")
    anchors = Dict()  # indicator id → number of discussions anchored to it (set by the discussion panel)
    suggestions: List = List()  # (code, label) of the territories nearest an unknown code
    provider = Any()

    def __init__(self, provider, **kwargs):
        super().__init__(provider=provider, **kwargs)

    def choose(self, code) -> bool:
        """Open a territory (commune, EPCI, département, région); returns False (and sets
        ``error``) if the code names none of them."""
        text = str(code if code is not None else "").strip()[:64]
        if not text:
            self.error = "Aucun territoire demandé : recherchez une commune, un EPCI ou un département."
            return False
        try:
            commune = self.provider.territory(text)
        except TerritoireError as e:
            self._unknown(str(e), getattr(e, "suggestions", []))
            return False
        except Exception:  # the page must never show a traceback
            log.exception("validation du code %r", text)
            self._unknown("Ce code de territoire n'a pas pu être lu.", [])
            return False
        self.error, self.suggestions = "", []
        self.name = commune.name
        self.code = commune.code
        return True

    def _unknown(self, message: str, suggestions: list) -> None:
        """An unknown or malformed territory: nothing of the previous one stays on the page
        (every component observes ``code``), the message and the nearest territories instead."""
        self.suggestions = [
            (str(s).split(" ", 1)[0], str(s)) for s in suggestions[:8] if str(s).strip() and str(s).split(" ", 1)[0]
        ]
        self.error = message
        self.name = ""
        self.code = ""

    def choose_peers(self, group: str) -> bool:
        text = str(group or "").strip()
        if text in GROUPS:
            self.error = ""
            self.peers = text
            return True
        if text.startswith("liste:") and len(text) <= MAX_LENGTH and _LIST.match(text[6:] or "x"):
            codes = [c.strip().upper() for c in text[6:].split(",") if c.strip()]
            unknown = self.provider.unknown_codes(codes)
            if codes and not unknown:
                self.error = ""
                self.peers = "liste:" + ",".join(dict.fromkeys(codes))
                return True
            if unknown:
                self.error = f"Codes de commune inconnus dans la liste : {', '.join(unknown[:5])}."
                return False
        self.error = (
            "Liste de comparaison invalide : saisissez des codes INSEE de communes séparés par des "
            "virgules (par exemple 33063,33281)."
        )
        return False

    def choose_indicator(self, identifier: str) -> bool:
        from territoire_data.core.catalogue import BY_ID

        if identifier in BY_ID:
            self.indicator = identifier
            return True
        self.error = "Indicateur inconnu."
        return False
