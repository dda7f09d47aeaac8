"""``MembersTable``: the communes on the map, as a sortable table — and the map's keyboard path.

For a group (EPCI, département, région) its member communes; for a commune, the communes
drawn around it. Each row gives the selected indicator's value; the table is sorted by name
or value, and a labelled list opens any of its communes from the keyboard (the map's text
alternative, RGAA 1.1 and 7.3).
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from territoire_data.core.catalogue import BY_ID
from territoire_data.rendering.formatting import number
from territoire_data.text.places import without_accents
from widgets.guard import guard
from widgets.state import State

SORTS = (("Valeur décroissante", "desc"), ("Valeur croissante", "asc"), ("Nom", "name"))
SHOWN = 30  # rows shown until « Afficher toutes les communes » (the list below opens any of them)


class MembersTable(w.VBox):
    def __init__(self, state: State, *, geomap=None, **kwargs):
        self.state = state
        self.geomap = geomap  # its scope (département or EPCI) is the table's, when given
        self.sort = w.ToggleButtons(
            options=SORTS, value="desc", description="Trier par", style={"button_width": "auto"}
        )
        self.table = w.HTML()
        self.choice = w.Dropdown(options=[], description="Ouvrir la commune", style={"description_width": "initial"})
        self.open_button = w.Button(description="Ouvrir", tooltip="Ouvrir le tableau de bord de cette commune")
        self.everything = w.ToggleButton(value=False, description="Afficher toutes les communes")
        super().__init__([self.sort, self.table, self.everything, w.HBox([self.choice, self.open_button])], **kwargs)
        self.add_class("territoire-membres")
        self.rows: list[tuple[str, str, float | None]] = []
        self.sort.observe(self._refresh, "value")
        self.everything.observe(self._refresh, "value")
        self.open_button.on_click(lambda _b: self._open())
        state.observe(self._refresh, ["code", "indicator"])
        if geomap is not None:
            geomap.choice_scope.observe(self._refresh, "value")
        self._refresh()

    @guard
    def _refresh(self, _change=None) -> None:
        self.refresh()

    @guard
    def _open(self) -> None:
        if self.choice.value:
            self.state.choose(self.choice.value)

    def refresh(self) -> None:
        if not self.state.code:
            self.table.value, self.choice.options, self.rows = "", [], []
            return
        provider = self.state.provider
        extent = self.geomap.choice_scope.value if self.geomap is not None else "departement"
        key, label = provider.scope(self.state.code, extent)
        outlines = provider.outlines(key)
        codes, names = list(outlines.codes), list(outlines.names)
        indicator = BY_ID[self.state.indicator]
        values = provider.values(codes, indicator.id).to_numpy(dtype="float64")
        rows = [(c, n, None if np.isnan(v) else float(v)) for c, n, v in zip(codes, names, values)]
        if self.sort.value == "name":
            rows.sort(key=lambda r: (without_accents(r[1]).casefold(), r[1]))  # French order: « Bègles, Bordeaux »
        else:
            present = [r for r in rows if r[2] is not None]
            present.sort(key=lambda r: r[2] if r[2] is not None else 0.0, reverse=self.sort.value == "desc")
            rows = present + sorted((r for r in rows if r[2] is None), key=lambda r: r[1])
        self.rows = rows
        unit = html.escape(indicator.unit)
        current = ' class="ti-courante" aria-current="true"'
        shown = rows if self.everything.value else rows[:SHOWN]
        if not self.everything.value and self.state.code in codes and all(c != self.state.code for c, _n, _v in shown):
            shown = shown + [r for r in rows if r[0] == self.state.code]  # the territory shown stays in view
        self.everything.layout.display = None if len(rows) > SHOWN else "none"
        self.everything.description = (
            f"Afficher les {len(rows)} communes"
            if not self.everything.value
            else f"N'afficher que les {SHOWN} premières"
        )
        lines = "".join(
            f"<tr{current if c == self.state.code else ''}>"
            f'<th scope="row">{html.escape(n)} <span class="ti-code">{c}</span></th>'
            f"<td>{number(v, indicator.decimals) + ' ' + unit if v is not None else 'non disponible'}</td></tr>"
            for c, n, v in shown
        )
        self.table.value = (
            '<div class="ti-membres" tabindex="0" role="region" '
            f'aria-label="Tableau des {html.escape(label)}">'
            f'<table class="ti-table-membres"><caption>{html.escape(indicator.label)} — {html.escape(label)} '
            f'({len(rows)})</caption><thead><tr><th scope="col">Commune</th>'
            f'<th scope="col">{html.escape(indicator.label)}</th></tr></thead><tbody>{lines}</tbody></table></div>'
        )
        self.choice.options = [(f"{n} ({c})", c) for c, n, _v in rows]
