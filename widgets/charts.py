"""``TrendChart`` (the indicator over the years) and ``PeerDistributionChart`` (among peers).

Both are HTML widgets holding a self-contained SVG (``territoire_data.svg``): nothing to
download, readable without JavaScript, identical in reports.
"""

from __future__ import annotations

import html

import numpy as np

from territoire_data.core.catalogue import BY_ID
from territoire_data.core.peer_groups import LABELS
from territoire_data.rendering import svg
from widgets.html_view import HtmlView


class TrendChart(HtmlView):
    class_ = "territoire-evolution"
    follows = ("code", "indicator")

    def render(self) -> str:
        indicator = BY_ID[self.state.indicator]
        series_of = self.state.provider.series_of(self.state.code, indicator.id)
        values = np.where(series_of["status"].astype(str) == "ok", series_of["value"].astype("float64"), np.nan)
        title = f"{indicator.label} ({indicator.unit}) — {self.state.name}, évolution"
        return (
            f'<div class="ti-graphique"><h3>Évolution : {html.escape(indicator.label)}</h3>'
            + svg.line_chart(
                series_of["year"].to_numpy(), values, title=title, unit=indicator.unit, decimals=indicator.decimals
            )
            + "</div>"
        )


class PeerDistributionChart(HtmlView):
    class_ = "territoire-distribution"
    follows = ("code", "indicator", "peers")

    def render(self) -> str:
        provider = self.state.provider
        indicator = BY_ID[self.state.indicator]
        line = provider.indicators(self.state.code, self.state.peers).set_index("id").loc[indicator.id]
        values = provider.peer_values(self.state.code, self.state.peers, indicator.id)
        value = line["value"] if line["status"] == "ok" else None
        group = LABELS.get(line["peers_group"], line["peers_group"])
        title = f"{indicator.label} : {self.state.name} parmi {len(values)} {group}"
        return (
            f'<div class="ti-graphique"><h3>Position parmi les {html.escape(group)} ({len(values)})</h3>'
            + svg.distribution(
                values, value, line["median"], title=title, unit=indicator.unit, decimals=indicator.decimals
            )
            + "</div>"
        )
