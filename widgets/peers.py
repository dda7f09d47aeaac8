"""``PeerList``: every compared commune, reachable on screen a page at a time.

The peers of a commune can be a few (the density group narrowed by size) or thousands (the
communes of France): the list shows ``PAGE`` names at a time, in the order of the reading
(nearest in population first for a group of similar communes, French alphabetical order
otherwise), with « Précédentes » / « Suivantes » and a filter by name. Each name opens that
commune. The printed reports list every name instead (``rendering.reading.takeaways_html``).
"""

from __future__ import annotations

import html
from urllib.parse import quote

import ipywidgets as w

from territoire_data.errors import TerritoireError
from territoire_data.rendering.formatting import number
from territoire_data.rendering.reading import peer_order
from territoire_data.text.places import without_accents
from widgets.guard import guard
from widgets.state import State

PAGE = 50
FILTER_LENGTH = 60


class PeerList(w.VBox):
    """The compared communes of the territory shown, paged; hidden when there are none."""

    def __init__(self, state: State, **kwargs):
        self.state = state
        self.names: tuple[tuple[str, str], ...] = ()
        self.order = ""
        self.start = 0
        self.heading = w.HTML()
        self.filter = w.Text(
            placeholder="Filtrer par nom…", continuous_update=True, layout=w.Layout(width="100%", max_width="360px")
        )
        self.filter.add_class("territoire-pairs-filtre")
        self.listing = w.HTML()
        self.listing.add_class("ti-pairs-page")
        self.previous = w.Button(description="‹ Précédentes", tooltip="Communes précédentes")
        self.next = w.Button(description="Suivantes ›", tooltip="Communes suivantes")
        self.where = w.HTML()
        for button in (self.previous, self.next):
            button.add_class("territoire-pairs-page")
        self.previous.on_click(self._previous)
        self.next.on_click(self._next)
        self.filter.observe(self._filtered, "value")
        navigation = w.HBox([self.previous, self.where, self.next], layout=w.Layout(flex_flow="row wrap"))
        navigation.add_class("ti-pairs-navigation")
        super().__init__([self.heading, self.filter, self.listing, navigation], **kwargs)
        self.add_class("territoire-pairs")
        state.observe(self._refresh, ["code", "peers"])
        self._refresh()

    @guard
    def _refresh(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.names, self.start = (), 0
        if self.state.code:
            try:
                reading = self.state.provider.reading(self.state.code, self.state.peers)
                self.names = reading.peer_names
                self.order = peer_order(reading.peers.group)
            except TerritoireError:
                self.names = ()
        self.layout.display = "" if self.names else "none"
        if self.filter.value:
            self.filter.value = ""  # its observer shows the first page
        else:
            self.show()

    def shown(self) -> list[tuple[str, str]]:
        """The names the filter keeps (accents and case aside), in the reading's order."""
        wanted = without_accents(self.filter.value[:FILTER_LENGTH]).casefold().strip()
        if not wanted:
            return list(self.names)
        return [(code, name) for code, name in self.names if wanted in without_accents(name).casefold()]

    def show(self) -> None:
        names = self.shown()
        total = len(self.names)
        self.heading.value = (
            f'<h3 class="ti-pairs-titre">Les {number(total)} communes comparées</h3>'
            f'<p class="ti-aide">{self.order} ; chaque nom ouvre le tableau de bord de la commune.</p>'
            if total
            else ""
        )
        self.start = max(0, min(self.start, (len(names) - 1) // PAGE * PAGE)) if names else 0
        page = names[self.start : self.start + PAGE]
        self.listing.value = (
            "<p>"
            + ", ".join(
                f'<a href="?territoire={quote(code)}" target="_top">{html.escape(name)}</a>' for code, name in page
            )
            + "</p>"
            if page
            else '<p class="ti-aide">Aucune commune comparée ne porte ce nom.</p>'
        )
        self.where.value = (
            f'<span class="ti-pairs-position">{number(self.start + 1)} à {number(self.start + len(page))} '
            f"sur {number(len(names))}</span>"
            if page
            else ""
        )
        self.previous.disabled = self.start == 0
        self.next.disabled = self.start + PAGE >= len(names)
        paged = len(names) > PAGE
        self.previous.layout.display = self.next.layout.display = "" if paged else "none"
        self.filter.layout.display = "" if total > PAGE else "none"

    @guard
    def _previous(self, _button=None) -> None:
        self.start = max(0, self.start - PAGE)
        self.show()

    @guard
    def _next(self, _button=None) -> None:
        self.start += PAGE
        self.show()

    @guard
    def _filtered(self, _change=None) -> None:
        self.start = 0
        self.show()
