"""``ChoroplethMap``: the commune among the communes of its département (or EPCI).

Colours: quantile classes of the selected indicator over the communes drawn (legend
below the map); the commune read is outlined in red; a click on a commune opens it.
Geometry is the referential's département-level simplification (250 m), limited to the
scope and rounded to 4 decimals (≈ 10 m), so a département weighs a few hundred kB.
Switching to another commune of the same scope only moves the outline (a tiny layer);
the polygons are sent again only when the scope or the indicator changes.

No basemap is needed (the polygons carry the map, with the département's outline): by default
no tile is fetched, so no request leaves the server. A basemap is drawn only when one is
configured (``territoire dashboard --fond-de-carte URL`` or ``TERRITOIRE_BASEMAP_URL``), with its
attribution shown once.
"""

from __future__ import annotations

import html
import math

import ipyleaflet as L
import ipywidgets as w
import numpy as np

from territoire_data.core.catalogue import BY_ID, INDICATORS, THEMES
from territoire_data.rendering import colours
from territoire_data.rendering.formatting import number
from territoire_data.rendering.fragments import legend
from widgets.guard import guard
from widgets.state import State


def _y_mercator(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def framing(bounds, width_px: int = 680, height_px: int = 440) -> tuple[tuple[float, float], float]:
    """Centre and zoom (Web Mercator, quarter steps) showing the bounds in a map of that size.

    Computed here rather than with ``Map.fit_bounds``, which needs the browser to answer
    and so cannot run before the page is connected (preheated kernels).
    """
    west, south, is_, north = (float(b) for b in bounds)
    if not all(map(math.isfinite, (west, south, is_, north))):
        return (46.6, 2.4), 6.0
    width = max(is_ - west, 1e-6) / 360.0
    height = max(_y_mercator(north) - _y_mercator(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / width), math.log2(height_px / 256 / height))
    centre_y = (_y_mercator(north) + _y_mercator(south)) / 2
    centre = (math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2), (west + is_) / 2)
    return centre, max(1.0, min(18.0, math.floor(zoom * 4) / 4))


def feature_collection(outlines, values, classes, indicator) -> dict:
    """GeoJSON FeatureCollection with each feature's style and tooltip text."""
    features = []
    for code, name, geometry, value in zip(outlines.codes, outlines.names, outlines.geometries, values):
        if geometry is None:
            continue
        value = None if value is None or not np.isfinite(value) else float(value)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": geometry,
                "properties": {
                    "code": code,
                    "name": name,
                    "value": f"{number(value, indicator.decimals)} {indicator.unit}" if value is not None else "n.d.",
                    "style": {
                        "fillColor": classes.colour(value),
                        "fillOpacity": 0.85,
                        "color": "#ffffff",
                        "weight": 0.7,
                        "opacity": 1,
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def html_legend(classes, indicator, label_scope: str) -> str:
    return (
        f'<div class="ti-legende-carte"><strong>{html.escape(indicator.label)}</strong> — '
        f"{html.escape(label_scope)}{legend(classes, indicator.unit, indicator.decimals)}</div>"
    )


class ChoroplethMap(w.VBox):
    def __init__(self, state: State, *, extent: str = "departement", **kwargs):
        self.state = state
        basemap = getattr(state.provider, "basemap", None)
        self.geomap = L.Map(
            center=(46.6, 2.4),
            zoom=6,
            scroll_wheel_zoom=True,
            zoom_snap=0.25,
            layout=w.Layout(height="460px", width="100%"),
            attribution_control=basemap is not None,
        )
        # Only the configured basemap, if any: ipyleaflet's default OpenStreetMap layer is dropped.
        self.geomap.layers = (L.TileLayer(url=basemap[0], attribution=basemap[1], name="fond"),) if basemap else ()
        self.geomap.add_class("territoire-carte")
        self.layer = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="communes",
            hover_style={"weight": 2, "color": "#161616"},
        )
        self.highlight = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="commune",
            style={"fill": False, "color": colours.HIGHLIGHT, "weight": 3.5},
        )
        self.geomap.add(self.layer)
        self.geomap.add(self.highlight)
        self.layer.on_click(self._click)
        self.layer.on_hover(self._hover)
        options = [(f"{THEMES[i.theme]} — {i.label}", i.id) for i in INDICATORS]
        self.choice_indicator = w.Dropdown(
            options=options, value=state.indicator, description="Indicateur", layout=w.Layout(width="100%")
        )
        self.choice_scope = w.ToggleButtons(
            options=[("Département", "departement"), ("EPCI", "epci")],
            value=extent,
            description="Communes",
            style={"button_width": "auto"},
        )
        self.info = w.HTML('<div class="ti-aide">Survolez une commune pour sa valeur ; cliquez pour l\'ouvrir.</div>')
        self.legend = w.HTML()
        super().__init__([self.choice_indicator, self.choice_scope, self.geomap, self.info, self.legend], **kwargs)
        self.add_class("territoire-choroplethe")
        self.key = None
        self.key_data: tuple[str, str] | None = None
        self.codes: list[str] = []
        self.choice_indicator.observe(self._indicator, "value")
        self.choice_scope.observe(self._refresh, "value")
        state.observe(self._refresh, ["code"])
        state.observe(self._indicator_state, ["indicator"])
        self._refresh()

    @guard
    def _indicator(self, change) -> None:
        self.state.choose_indicator(change["new"])

    @guard
    def _indicator_state(self, change) -> None:
        self.choice_indicator.value = change["new"]
        self._refresh()

    @guard
    def _click(self, feature=None, properties=None, **_kwargs) -> None:
        code = (properties or (feature or {}).get("properties") or {}).get("code")
        if code not in self.codes:  # only a commune the map drew: a forged click changes nothing
            return
        self.state.choose(code)

    @guard
    def _hover(self, feature=None, **_kwargs) -> None:
        p = (feature or {}).get("properties") or {}
        self.info.value = (
            f'<div class="ti-aide"><strong>{html.escape(str(p.get("name", "")))}</strong> '
            f"({html.escape(str(p.get('code', '')))}) : {html.escape(str(p.get('value', '')))}</div>"
        )

    @guard
    def _refresh(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        if not self.state.code:
            self.layer.data = self.highlight.data = {"type": "FeatureCollection", "features": []}
            self.legend.value = ""
            self.key_data = None
            return
        provider = self.state.provider
        key, label = provider.scope(self.state.code, self.choice_scope.value)
        outlines = provider.outlines(key)
        indicator = BY_ID[self.state.indicator]
        if (key, indicator.id) != self.key_data:
            values = provider.values(outlines.codes, indicator.id).to_numpy(dtype="float64")
            classes = colours.quantiles(values)
            self.layer.data = feature_collection(outlines, values, classes, indicator)
            self.legend.value = html_legend(classes, indicator, label)
            self.codes = list(outlines.codes)
            self.key_data = (key, indicator.id)
        if key != self.key:
            self.geomap.center, self.geomap.zoom = framing(outlines.bounds or (math.nan,) * 4)
            self.key = key
        self.highlight.data = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": code}, "geometry": g}
                for code, g in zip(outlines.codes, outlines.geometries)
                if code == self.state.code and g is not None
            ],
        }
