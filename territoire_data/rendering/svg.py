"""Small self-contained SVG charts (no JavaScript, no network) for dashboards and reports.

Every function returns an ``<svg>`` string with a ``role="img"`` and a French ``aria-label``;
all text is escaped. Charts are drawn in a fixed viewBox and scale with their container.
"""

from __future__ import annotations

import html
import math

import numpy as np
import shapely

from territoire_data.rendering.colours import HIGHLIGHT, UNAVAILABLE_COLOUR
from territoire_data.rendering.formatting import number

INK, GREY, BLUE, RED = "#161616", "#666666", "#000091", "#e1000f"
FONT = 'font-family="Marianne, Arial, sans-serif"'


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(title)}" {FONT} font-size="12" style="width:100%;height:auto;max-width:{width}px">'
        f"<title>{_e(title)}</title>{''.join(body)}</svg>"
    )


def empty_chart(message: str, width: int = 480, height: int = 60) -> str:
    return _svg(
        width,
        height,
        message,
        [f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{GREY}">{_e(message)}</text>'],
    )


def _scale(low: float, high: float):
    if not math.isfinite(low) or not math.isfinite(high):
        low, high = 0.0, 1.0
    if high == low:
        margin = abs(low) * 0.1 or 1.0
        low, high = low - margin, high + margin
    return low, high


def line_chart(
    years, values, *, title: str, unit: str = "", decimals: int = 1, width: int = 480, height: int = 200
) -> str:
    """Line chart of a yearly series; missing years break the line."""
    years = np.asarray(list(years), dtype="float64")
    values = np.asarray(list(values), dtype="float64")
    ok = np.isfinite(values)
    if ok.sum() == 0:
        return empty_chart("Pas de série disponible pour cet indicateur", width)
    g, d, h, b = 64, 16, 14, 30
    x0, x1 = float(years.min()), float(years.max())
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    y0, y1 = _scale(float(values[ok].min()), float(values[ok].max()))
    if y0 > 0 and y0 < 0.35 * y1:
        y0 = 0.0  # start at zero when it costs little room: honest slopes
    px = lambda a: g + (a - x0) / (x1 - x0) * (width - g - d)
    py = lambda v: h + (1 - (v - y0) / (y1 - y0)) * (height - h - b)
    body = [f'<line x1="{g}" y1="{height - b}" x2="{width - d}" y2="{height - b}" stroke="{GREY}"/>']
    for v in (y0, (y0 + y1) / 2, y1):
        body.append(
            f'<line x1="{g}" y1="{py(v):.1f}" x2="{width - d}" y2="{py(v):.1f}" stroke="#e5e5e5"/>'
            f'<text x="{g - 6}" y="{py(v) + 4:.1f}" text-anchor="end" fill="{GREY}">{_e(number(v, decimals))}</text>'
        )
    labels = sorted({int(x0), int(x1)} | ({int(years[len(years) // 2])} if len(years) > 4 else set()))
    for a in labels:
        body.append(f'<text x="{px(a):.1f}" y="{height - 10}" text-anchor="middle" fill="{GREY}">{a}</text>')
    segments, current = [], []
    for a, v in zip(years, values):
        if np.isfinite(v):
            current.append(f"{px(a):.1f},{py(v):.1f}")
        elif current:
            segments.append(current)
            current = []
    if current:
        segments.append(current)
    for segment in segments:
        body.append(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2.5" points="{" ".join(segment)}"/>')
    for a, v in zip(years, values):
        if np.isfinite(v):
            body.append(
                f'<circle cx="{px(a):.1f}" cy="{py(v):.1f}" r="3" fill="{BLUE}">'
                f"<title>{int(a)} : {_e(number(v, decimals))} {_e(unit)}</title></circle>"
            )
    return _svg(width, height, title, body)


def distribution(
    peer_values,
    value: float | None,
    median: float | None,
    *,
    title: str,
    unit: str = "",
    decimals: int = 1,
    width: int = 480,
    height: int = 150,
    classes: int = 24,
) -> str:
    """Histogram of the peers' values with the territory's value and the peers' median."""
    peers = np.asarray(peer_values, dtype="float64")
    peers = peers[np.isfinite(peers)]
    if peers.size == 0:
        return empty_chart("Aucune valeur de comparaison disponible", width)
    # Extreme peers would crush the chart: the axis covers the 2nd–98th percentiles,
    # widened to include the territory itself.
    low, high = (float(q) for q in np.quantile(peers, [0.02, 0.98]))
    if value is not None and math.isfinite(value):
        low, high = min(low, value), max(high, value)
    low, high = _scale(low, high)
    counted, edges = np.histogram(np.clip(peers, low, high), bins=classes, range=(low, high))
    g, d, h, b = 16, 16, 22, 30
    px = lambda v: g + (v - low) / (high - low) * (width - g - d)
    hmax = counted.max() or 1
    body = []
    for n, left, right in zip(counted, edges[:-1], edges[1:]):
        height_bar = (height - h - b) * n / hmax
        body.append(
            f'<rect x="{px(left) + 0.5:.1f}" y="{height - b - height_bar:.1f}" '
            f'width="{max(px(right) - px(left) - 1, 0.5):.1f}" height="{height_bar:.1f}" fill="#b1c0f6"/>'
        )
    body.append(f'<line x1="{g}" y1="{height - b}" x2="{width - d}" y2="{height - b}" stroke="{GREY}"/>')
    # Labels never overlap: the territory's value (bottom) takes the place of an axis end it
    # would cover; labels near an edge are anchored inside the chart (≈ 7 px per character).
    value_label = f"{number(value, decimals)} {unit}".strip() if value is not None and math.isfinite(value) else ""
    value_x = px(value) if value_label else None
    low_label, high_label = number(low, decimals), number(high, decimals)
    reach = 3.6 * len(value_label) + 8  # half the value's label width, with a margin
    if value_x is None or value_x - reach > g + 7 * len(low_label) + 6:
        body.append(f'<text x="{g}" y="{height - 10}" fill="{GREY}">{_e(low_label)}</text>')
    if value_x is None or value_x + reach < width - d - 7 * len(high_label) - 6:
        body.append(f'<text x="{width - d}" y="{height - 10}" text-anchor="end" fill="{GREY}">{_e(high_label)}</text>')
    if median is not None and math.isfinite(median):
        x = px(min(max(median, low), high))
        text = f"médiane {number(median, decimals)}"
        body.append(
            f'<line x1="{x:.1f}" y1="{h - 4}" x2="{x:.1f}" y2="{height - b}" stroke="{INK}" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{h - 8}" {_anchor(x, len(text), g, width - d)} fill="{INK}">{_e(text)}</text>'
        )
    if value_x is not None:
        body.append(
            f'<line x1="{value_x:.1f}" y1="{h}" x2="{value_x:.1f}" y2="{height - b + 6}" stroke="{RED}" stroke-width="3"/>'
            f'<text x="{value_x:.1f}" y="{height - 10}" {_anchor(value_x, len(value_label), g, width - d)} '
            f'fill="{RED}" font-weight="bold">{_e(value_label)}</text>'
        )
    return _svg(width, height, title, body)


def _anchor(x: float, characters: int, left: float, right: float) -> str:
    """``text-anchor`` keeping a label of ``characters`` inside [left, right]."""
    half = 3.6 * characters
    if x - half < left:
        return 'text-anchor="start"'
    if x + half > right:
        return 'text-anchor="end"'
    return 'text-anchor="middle"'


def zan_chart(
    series_ha: dict[int, float],
    envelope: float,
    projection: float | None,
    *,
    title: str,
    width: int = 480,
    height: int = 200,
) -> str:
    """Cumulated NAF consumption since 2021 against the 2021-2030 allowance."""
    years = [a for a in sorted(series_ha) if 2021 <= a <= 2030]
    cumulative = np.cumsum([series_ha[a] for a in years]) if years else np.array([])
    high = max([envelope, *(cumulative.tolist() or [0.0]), projection or 0.0]) * 1.1 or 1.0
    ticks = [(v, f"{number(v, 1)} ha") for v in (0, high / 2 / 1.1, high / 1.1)]
    # The left margin holds the longest tick label (« 1 962,7 ha » at a département's scale).
    g, d, h, b = max(56, round(6.8 * max(len(label) for _v, label in ticks)) + 10), 16, 14, 30
    px = lambda a: g + (a - 2020.5) / 10.5 * (width - g - d)
    py = lambda v: h + (1 - v / high) * (height - h - b)
    width_bar = (width - g - d) / 10.5 * 0.7
    body = [f'<line x1="{g}" y1="{height - b}" x2="{width - d}" y2="{height - b}" stroke="{GREY}"/>']
    for v, label in ticks:
        body.append(f'<text x="{g - 6}" y="{py(v) + 4:.1f}" text-anchor="end" fill="{GREY}">{_e(label)}</text>')
    for a, v in zip(years, cumulative):
        body.append(
            f'<rect x="{px(a) - width_bar / 2:.1f}" y="{py(v):.1f}" width="{width_bar:.1f}" '
            f'height="{py(0) - py(v):.1f}" fill="#7a8fe6"><title>{a} : {_e(number(v, 2))} ha cumulés</title></rect>'
        )
    for a in (2021, 2025, 2030):
        body.append(f'<text x="{px(a):.1f}" y="{height - 10}" text-anchor="middle" fill="{GREY}">{a}</text>')
    if projection is not None and math.isfinite(projection) and years:
        body.append(
            f'<line x1="{px(years[-1]):.1f}" y1="{py(cumulative[-1]):.1f}" x2="{px(2030):.1f}" y2="{py(projection):.1f}" '
            f'stroke="{INK}" stroke-dasharray="5 4" stroke-width="2"/>'
        )
    body.append(
        f'<line x1="{g}" y1="{py(envelope):.1f}" x2="{width - d}" y2="{py(envelope):.1f}" stroke="{RED}" stroke-width="2"/>'
        f'<text x="{width - d}" y="{py(envelope) - 5:.1f}" text-anchor="end" fill="{RED}">'
        f"enveloppe {_e(number(envelope, 2))} ha</text>"
    )
    return _svg(width, height, title, body)


class StaticMap:
    """Static map of projected polygons (metres), coloured; drawn once, outlined on demand.

    The polygons of a département are the same for each of its communes' reports: ``render``
    only adds the red outline of one of them.
    """

    def __init__(self, geometries, colours, *, title: str, width: int = 520):
        self.geometries = list(geometries)
        self.colours = list(colours)
        self.title, self.width = title, width
        valid = [g for g in self.geometries if g is not None and not g.is_empty]
        self.empty = not valid
        if self.empty:
            return
        self.xmin, _, xmax, self.ymax = shapely.total_bounds(valid)
        ymin = shapely.total_bounds(valid)[1]
        self.scale = width / max(xmax - self.xmin, 1.0)
        self.height = max(int((self.ymax - ymin) * self.scale), 40)
        self.paths = [None if g is None or g.is_empty else self._path(g) for g in self.geometries]
        self.base = "".join(
            f'<path d="{d}" fill="{_e(c or UNAVAILABLE_COLOUR)}" stroke="#ffffff" stroke-width="0.6"/>'
            for d, c in zip(self.paths, self.colours)
            if d is not None
        )

    def _path(self, geometry) -> str:
        pieces = []
        for polygon in getattr(geometry, "geoms", [geometry]):
            for ring in (polygon.exterior, *polygon.interiors):
                xy = np.asarray(ring.coords)
                x = (xy[:, 0] - self.xmin) * self.scale
                y = (self.ymax - xy[:, 1]) * self.scale
                pieces.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y)) + "Z")
        return "".join(pieces)

    def _outline(self, highlighted: int | None) -> str:
        """The red outline of one polygon, or « »."""
        if highlighted is None or self.paths[highlighted] is None:
            return ""
        return f'<path d="{self.paths[highlighted]}" fill="none" stroke="{HIGHLIGHT}" stroke-width="2.5"/>'

    def render(self, highlighted: int | None = None) -> str:
        if self.empty:
            return empty_chart("Pas de contour disponible", self.width)
        return _svg(self.width, self.height, self.title, [self.base, self._outline(highlighted)])

    def base_file(self) -> str:
        """The map without any outline, as a standalone SVG file (shared by every page of a
        national site: each page only overlays its commune's outline, see ``render_over``)."""
        if self.empty:
            return empty_chart("Pas de contour disponible", self.width)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + _svg(self.width, self.height, self.title, [self.base])

    def render_over(self, href: str, highlighted: int | None = None) -> str:
        """The shared base map (``href``, an image file) with the outline of one polygon drawn
        over it in a transparent SVG of the same frame: the page holds one path, not the map."""
        if self.empty:
            return empty_chart("Pas de contour disponible", self.width)
        return (
            f'<div class="r-carte-partagee" style="position:relative;max-width:{self.width}px">'
            f'<img src="{_e(href)}" alt="{_e(self.title)}" style="display:block;width:100%;height:auto">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" aria-hidden="true" '
            f'style="position:absolute;left:0;top:0;width:100%;height:100%">{self._outline(highlighted)}</svg></div>'
        )


def map_svg(geometries, colours, *, title: str, highlighted: int | None = None, width: int = 520) -> str:
    """Static map of projected polygons (metres), coloured; ``highlighted``: index outlined in red."""
    return StaticMap(geometries, colours, title=title, width=width).render(highlighted)
