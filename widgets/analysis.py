"""Building blocks for analysis notebooks (thematic notebooks and the consultant's template).

A notebook opens a ``AnalysisContext`` for its ``code`` parameter and shows the same cards, charts
and ZAN panel as the dashboard, plus plain tables to work from::

    ctx = analyse.contexte(code, pairs)
    analyse.entete(ctx)
    analyse.cartes(ctx, "logement")
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from territoire_data.core.catalogue import BY_ID, THEMES
from widgets.cards import IndicatorCard, grid
from widgets.charts import PeerDistributionChart, TrendChart
from widgets.providers import IndicatorProvider, WorkspaceProvider
from widgets.state import State
from widgets.style import sheet
from widgets.zan import ZanPanel


@dataclass
class AnalysisContext:
    state: State

    @property
    def provider(self):
        return self.state.provider

    @property
    def code(self) -> str:
        return self.state.code

    @property
    def name(self) -> str:
        return self.state.name

    def indicators(self, theme: str | None = None) -> pd.DataFrame:
        """The indicator table (``indicateurs.tableau`` columns), optionally one theme."""
        table = self.provider.indicators(self.code, self.state.peers)
        return table if theme is None else table[table["theme"] == theme].reset_index(drop=True)

    def summary(self, theme: str) -> pd.DataFrame:
        """Label, value, unit, year, percentile and peers' median of a theme, for reading."""
        table = self.indicators(theme)
        return table[["label", "value", "unit", "year", "status", "percentile", "median", "source"]].rename(
            columns={
                "label": "indicator",
                "value": "value",
                "unit": "unité",
                "year": "année",
                "status": "status",
                "percentile": "centile",
                "median": "médiane des pairs",
            }
        )

    def series_of(self, indicator: str) -> pd.DataFrame:
        return self.provider.series_of(self.code, indicator)


def context(
    code: str, peers: str = "densite", home=None, *, workspace=None, provider: IndicatorProvider | None = None
) -> AnalysisContext:
    """Open a commune for analysis; a wrong code or peer group raises a French error.

    Data: ``provider`` if given, else the workspace (``workspace``, or the one of ``home``, or
    the default one).
    """
    from territoire_data.core.territories import normalise_code
    from territoire_data.errors import TerritoireError
    from territoire_data.workspace import workspace_for

    state = State(provider if provider is not None else WorkspaceProvider(workspace_for(home, workspace)))
    if not state.choose(normalise_code(code)) or not state.choose_peers(str(peers)):
        raise TerritoireError(state.error)
    return AnalysisContext(state)


def header(ctx: AnalysisContext, title: str = "") -> HTML:
    """Static header (name, attachment, demo notice): readable in saved and exported notebooks too."""
    card = ctx.provider.territory(ctx.code).card()
    dep = card.get("departement") or {}
    epci = card.get("epci") or {}
    demo = (
        '<div class="territoire-bandeau-demo"><strong>Données de démonstration</strong> : valeurs '
        "synthétiques, à ne pas citer.</div>"
        if ctx.provider.demo
        else ""
    )
    return HTML(
        f'{sheet()}<div class="territoire-titre"><h1>{html.escape(ctx.name)}'
        f'{" — " + html.escape(title) if title else ""}</h1><div class="ti-rattachement">'
        f"{html.escape(dep.get('name', ''))} ({html.escape(dep.get('code', ''))}) · {html.escape(epci.get('name', '') or 'hors EPCI')}"
        f" · code INSEE {html.escape(ctx.code)}</div></div>{demo}"
    )


def cards(ctx: AnalysisContext, theme: str) -> HTML:
    """The theme's indicator cards, as on the dashboard (static HTML: kept in saved notebooks)."""
    if theme not in THEMES:
        raise KeyError(f"Thème inconnu : {theme}")
    rows = ctx.indicators(theme).to_dict("records")
    items = []
    for line in rows:
        geomap = IndicatorCard(line["id"])
        geomap.show(line, demo=bool(ctx.provider.demo))
        items.append(geomap)
    return HTML(sheet() + grid(items))


def trend(ctx: AnalysisContext, indicator: str) -> TrendChart:
    ctx.state.choose_indicator(BY_ID[indicator].id)
    return TrendChart(ctx.state)


def position(ctx: AnalysisContext, indicator: str) -> PeerDistributionChart:
    ctx.state.choose_indicator(BY_ID[indicator].id)
    return PeerDistributionChart(ctx.state)


def zan(ctx: AnalysisContext) -> ZanPanel:
    return ZanPanel(ctx.state)
