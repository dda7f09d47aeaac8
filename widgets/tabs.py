"""``ThemeTabs``: a "Synthèse" tab with the key indicators, then one tab per theme."""

from __future__ import annotations

import ipywidgets as w

from territoire_data.core.catalogue import INDICATORS, THEMES
from territoire_data.errors import TerritoireError
from territoire_data.rendering.reading import takeaways_html
from widgets.cards import IndicatorCard, grid
from widgets.guard import guard
from widgets.peers import PeerList
from widgets.state import State

SUMMARY = (
    "population",
    "variation_annuelle_population",
    "emplois",
    "taux_chomage_15_64",
    "part_logements_vacants",
    "revenu_median",
    "taux_pauvrete",
    "logements_autorises_1000_hab",
    "part_enveloppe_zan_consommee",
    "part_voiture_domicile_travail",
    "puissance_renouvelable_par_habitant",
    "medecins_generalistes_1000_hab",
)


class ThemeTabs(w.Tab):
    """Cards of the commune grouped by theme; they follow the commune and the peer group."""

    def __init__(self, state: State, extras: dict[str, list[w.Widget]] | None = None, **kwargs):
        """``extras``: widgets shown below a theme's cards (theme id → widgets), as the
        triennial report's action in « Foncier et ZAN »."""
        self.state = state
        self.cards: list[IndicatorCard] = []
        groups = [("", "Synthèse", list(SUMMARY))]
        groups += [(theme, label, [i.id for i in INDICATORS if i.theme == theme]) for theme, label in THEMES.items()]
        unknown = set(extras or {}) - set(THEMES)
        if unknown:
            raise KeyError(f"unknown themes: {sorted(unknown)}")
        self.by_tab: list[list[IndicatorCard]] = []
        self.grids: list[w.HTML] = []
        pages: list[w.Widget] = []
        # The synthesis opens with « Ce qu'il faut retenir » and the compared communes, paged.
        self.summary = w.HTML()
        self.peer_list = PeerList(state)
        for theme, _title, ids in groups:
            cards = [IndicatorCard(i) for i in ids]
            self.cards.extend(cards)
            self.by_tab.append(cards)
            self.grids.append(w.HTML(grid(cards)))
            above = [self.summary, self.peer_list] if not theme else []
            below = (extras or {}).get(theme, [])
            pages.append(w.VBox([*above, self.grids[-1], *below]) if above or below else self.grids[-1])
        super().__init__(pages, titles=[t for _, t, _ in groups], **kwargs)
        self.add_class("territoire-themes")
        state.observe(self._refresh, ["code", "peers", "anchors"])
        if state.code:
            self.refresh()

    @guard
    def _refresh(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        if not self.state.code:  # no commune (yet, or a forged one): nothing shown
            for html in (self.summary, *self.grids):
                html.value = ""
            return
        table = self.state.provider.indicators(self.state.code, self.state.peers)
        rows = {r["id"]: r for r in table.to_dict("records")}
        demo = bool(self.state.provider.demo)
        for geomap in self.cards:
            geomap.show(
                rows.get(geomap.indicator_id, {"id": geomap.indicator_id, "status": "missing"}),
                demo=demo,
                discussions=self.state.anchors.get(geomap.indicator_id, 0),
            )
        try:
            self.summary.value = takeaways_html(
                self.state.provider.reading(self.state.code, self.state.peers), listed=False
            )
        except TerritoireError:
            self.summary.value = ""
        for cards, html in zip(self.by_tab, self.grids):
            html.value = grid(cards)

    def geomap(self, indicator_id: str, tab: int = 1) -> IndicatorCard:
        """The card of an indicator (by default in its theme's tab, not the synthesis)."""
        for geomap in self.by_tab[tab] if tab else self.by_tab[0]:
            if geomap.indicator_id == indicator_id:
                return geomap
        for geomap in self.cards:
            if geomap.indicator_id == indicator_id:
                return geomap
        raise KeyError(indicator_id)
