"""Choosing what is shown: ``CommuneSelector`` (search as you type) and ``PeerGroupPicker``."""

from __future__ import annotations

import warnings

import ipywidgets as w
from traitlets import List

from widgets.guard import guard
from widgets.state import State

MAX_SUGGESTIONS = 6
GROUP_KINDS = {"epci": "EPCI", "scot": "SCoT", "dep": "département", "reg": "région"}
SEARCH_LENGTH = 100


class CommuneSelector(w.VBox):
    """Type a name or a code: suggestions (accent- and case-insensitive) appear as buttons.

    Keyboard: Enter opens the first suggestion; Tab reaches each suggestion, Enter or Space
    opens it. The search box carries ``.territoire-recherche``.
    """

    suggestions: List = List()

    def __init__(self, state: State, **kwargs):
        self.state = state
        self.entry = w.Text(
            placeholder="Commune, EPCI, SCoT, département…",  # short enough for a phone (its name for screen readers)
            continuous_update=True,
            layout=w.Layout(width="100%"),
        )
        self.entry.add_class("territoire-recherche")
        self.items = w.VBox(layout=w.Layout(width="100%"))
        self.items.add_class("territoire-suggestions")
        self.message = w.HTML()
        super().__init__([self.entry, self.message, self.items], **kwargs)
        self.add_class("territoire-selecteur")
        self.entry.observe(self._entry, "value")
        with warnings.catch_warnings():
            # Enter on a continuously updated box has no other API in ipywidgets 8.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.entry.on_submit(self._validate)

    @guard
    def _entry(self, change) -> None:
        self.search(change["new"])

    def search(self, text: str) -> None:
        text = (text or "")[:SEARCH_LENGTH]
        results = self.state.provider.search(text, limit=MAX_SUGGESTIONS) if text.strip() else []
        self.suggestions = [(r.code, r.name, r.departement) for r in results]
        buttons = []
        for code, name, departement in self.suggestions:
            kind = GROUP_KINDS.get(code.split(":", 1)[0]) if ":" in code else None
            label = f"{name} — {kind}" if kind else f"{name} ({departement}) — {code}"
            button = w.Button(description=label, tooltip=f"Ouvrir {name}", layout=w.Layout(width="100%"))
            button.add_class("territoire-suggestion")
            button.on_click(lambda _b, c=code: self.open_dashboard(c))
            buttons.append(button)
        self.items.children = buttons
        self.message.value = (
            '<div class="ti-aide">Aucun territoire ne correspond.</div>' if text.strip() and not buttons else ""
        )

    @guard
    def _validate(self, _text) -> None:
        if self.suggestions:
            self.open_dashboard(self.suggestions[0][0])
        elif self.entry.value.strip():
            self.open_dashboard(self.entry.value.strip())

    @guard
    def open_dashboard(self, code: str) -> None:
        if self.state.choose(code):
            self.entry.value = ""
            self.items.children = []
            self.suggestions = []


class PeerGroupPicker(w.HBox):
    """Peer group of every card and chart: densité (default), taille, département, EPCI, France, list."""

    CHOICES = (
        ("communes de même densité", "densite"),
        ("communes de même taille", "taille"),
        ("communes du département", "departement"),
        ("communes de l'EPCI", "epci"),
        ("toutes les communes de France", "france"),
        ("liste personnalisée…", "liste"),
    )

    def __init__(self, state: State, **kwargs):
        self.state = state
        self.group = w.Dropdown(
            options=self.CHOICES, value="densite", description="Comparer aux", style={"description_width": "initial"}
        )
        self.items = w.Text(
            placeholder="codes INSEE séparés par des virgules",
            continuous_update=False,
            layout=w.Layout(width="22em", display="none"),
        )
        self.button = w.Button(description="Appliquer", layout=w.Layout(display="none"))
        super().__init__([self.group, self.items, self.button], **kwargs)
        self.add_class("territoire-pairs")
        self.group.observe(self._group, "value")
        self.button.on_click(lambda _b: self._items())
        self.items.observe(lambda _c: self._items(), "value")  # Enter or leaving the box

    @guard
    def _group(self, change) -> None:
        custom = change["new"] == "liste"
        for widget in (self.items, self.button):
            widget.layout.display = None if custom else "none"
        if not custom:
            self.state.choose_peers(change["new"])

    @guard
    def _items(self) -> None:
        self.state.choose_peers("liste:" + self.items.value)
