"""``RadarPanel`` (``.territoire-radar``): the radar foncier layer of the dashboard.

Shown to the users the ``RadarProvider`` allows (élus, agents of the territory, admins); the
run itself checks the right again (``territoire_data.radar.run_radar``). Cadastre files are
taken from the home's ``cadastre/`` (``cadastre-CODE-parcelles.json(.gz)`` …), else
downloaded. The plots become a layer of the map and a table; the GeoPackage is offered for
download.
"""

from __future__ import annotations

import base64
import html
import math

import ipyleaflet as L
import ipywidgets as w
import shapely
from traitlets import Unicode

from territoire_data.rendering.formatting import number
from widgets.guard import guard
from widgets.providers import RadarProvider, granted
from widgets.state import CheckedTraits, State


class RadarPanel(CheckedTraits, w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, state: State, radar: RadarProvider | None = None, geomap=None, **kwargs):
        self.state, self.provider, self.geomap = state, radar, geomap
        self.run = w.Button(
            description="Lancer le radar foncier",
            button_style="primary",
            tooltip="Repérer les dents creuses de la commune",
            layout=w.Layout(width="auto", min_width="16em"),
        )
        self.output = w.HTML()
        self.table = w.HTML()
        self.previous = w.Button(description="◀ Précédentes", layout=w.Layout(width="auto"))
        self.next = w.Button(description="Suivantes ▶", layout=w.Layout(width="auto"))
        self.pages = w.HBox([self.previous, self.next])
        self.pages.layout.display = "none"
        self.page = 0
        self.layer = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="Radar foncier",
            style={"color": "#ce0500", "fillColor": "#ff8d00", "fillOpacity": 0.75, "weight": 2},
        )
        self.buildings = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="Bâtiments (cadastre)",
            style={"color": "#3a3a3a", "fillColor": "#929292", "fillOpacity": 0.35, "weight": 0.8},
        )
        # Where the plots are on the ground, drawn from the cadastre itself when no basemap is
        # configured (the default: nothing leaves the server): parcel outlines (the streets show
        # between them), sections and lieux-dits, labelled.
        self.parcel_outlines = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="Parcelles (cadastre)",
            style={"color": "#929292", "fillOpacity": 0, "weight": 0.6},
        )
        self.sections = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="Sections cadastrales",
            style={"color": "#000091", "fillOpacity": 0, "weight": 2, "dashArray": "6 4"},
        )
        self.labels = L.LayerGroup(layers=(), name="Sections et lieux-dits")
        self.result: dict | None = None
        super().__init__([w.HTML("<h2>Radar foncier</h2>"), self.run, self.output, self.table, self.pages], **kwargs)
        self.add_class("territoire-radar")
        self.run.on_click(lambda _b: self._run())
        self.previous.on_click(lambda _b: self._turn(-1))
        self.next.on_click(lambda _b: self._turn(1))
        state.observe(self._commune, "code")
        self.observe(self._commune, "login")
        self._commune()

    @guard
    def _commune(self, _change=None) -> None:
        self.result = None
        self.layer.data = {"type": "FeatureCollection", "features": []}
        self.buildings.data = {"type": "FeatureCollection", "features": []}
        self.parcel_outlines.data = self.sections.data = {"type": "FeatureCollection", "features": []}
        self.labels.layers = ()
        self.table.value = ""
        self.pages.layout.display = "none"
        allowed = granted(self.provider, self.login, self.state.code)
        self.layout.display = None if allowed else "none"  # others do not even see the layer exists
        self.output.value = (
            '<div class="ti-aide">Parcelles non bâties dans l\'enveloppe urbaine, vérifiées contre la '
            "trame verte et bleue (réservé aux élus et aux services du territoire).</div>"
            if allowed
            else ""
        )

    @guard
    def _run(self) -> None:
        from territoire_data.errors import TerritoireError

        code = self.state.code
        if self.provider is None:
            return
        try:
            self.result = self.provider.run(self.login, code)
        except TerritoireError as e:
            self.output.value = f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>'
            return
        plots = self.result["plots"]
        wgs = plots.to_crs(4326)
        self.layer.data = _features(wgs, ("id", "label", "lieu_dit", "score"))
        self._show_buildings(wgs)
        drawn = [self.buildings, self.layer]  # plots drawn over the buildings
        if getattr(self.state.provider, "basemap", None) is None:  # a configured basemap wins
            self._show_places(wgs)
            drawn = [self.parcel_outlines, self.sections, self.buildings, self.layer, self.labels]
        if self.geomap is not None:
            for layer in drawn:
                if layer not in self.geomap.geomap.layers:
                    self.geomap.geomap.add(layer)
            if len(wgs):
                self.geomap.geomap.center, self.geomap.geomap.zoom = framing(wgs.total_bounds)
        content = self.provider.geopackage(self.result)
        s = self.result["summary"]
        self.output.value = (
            f"<div><strong>{number(s['plots'])} dent{'s' if s['plots'] > 1 else ''} creuse"
            f"{'s' if s['plots'] > 1 else ''}</strong>, {number(s['hectares'], 2)} ha ; "
            f"{number(s['green_network_conflicts'])} touche(nt) la trame verte et bleue.</div>"
            f"<p>{html.escape(s.get('reading', ''))}</p>"
            '<details class="ti-hypotheses"><summary>Hypothèses</summary>'
            f"<p>Densité retenue : {html.escape(s.get('density_basis', ''))}.</p>"
            f"<p>{html.escape(s.get('need_basis', ''))}</p></details>"
            f'<a class="ti-bouton" download="radar_{html.escape(code)}.gpkg" '
            f'href="data:application/geopackage+sqlite3;base64,{base64.b64encode(content).decode()}">'
            "Télécharger les parcelles (GeoPackage, pour QGIS)</a>"
        )
        self.page = 0
        self._table()

    def _turn(self, step: int) -> None:
        self.page += step
        self._table()

    @guard
    def _table(self) -> None:
        """Every plot, PAGE rows at a time, with the count and separate columns."""
        if self.result is None:
            return
        plots = self.result["plots"]
        total = len(plots)
        pages = max((total + PAGE - 1) // PAGE, 1)
        self.page = min(max(self.page, 0), pages - 1)
        start = self.page * PAGE
        shown = plots.iloc[start : start + PAGE]
        rows = "".join(
            f"<tr><td>{html.escape(str(r.label))}"
            + (f"<div class='ti-lieu-dit'>lieu-dit {html.escape(str(r.lieu_dit))}</div>" if r.lieu_dit else "")
            + f"<div class='ti-note'>{html.escape(str(r.id))}"
            f"</div></td><td class='ti-chiffre'>{number(r.area_m2, 0)} m²</td>"
            f"<td class='ti-chiffre'>{number(r.score, 0)} / 100</td><td>{html.escape(r.reasons)}</td></tr>"
            for r in shown.itertuples()
        )
        self.table.value = (
            f'<p class="ti-aide" role="status">Parcelles {number(start + 1 if total else 0)} à '
            f"{number(start + len(shown))} sur {number(total)}, de la mieux notée à la moins bien notée.</p>"
            '<table class="ti-table ti-radar"><thead><tr><th scope="col">Parcelle</th><th scope="col">Surface</th>'
            '<th scope="col">Score</th><th scope="col">Pourquoi elle est retenue</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
        self.pages.layout.display = None if pages > 1 else "none"
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1

    def _show_buildings(self, plots_wgs) -> None:
        """The cadastre's buildings around the plots (outlines under them)."""
        buildings = self.result.get("buildings") if self.result else None
        if buildings is None or len(buildings) == 0 or len(plots_wgs) == 0:
            self.buildings.data = {"type": "FeatureCollection", "features": []}
            return
        west, south, east, north = plots_wgs.total_bounds
        around = buildings.to_crs(4326).cx[west - MARGIN : east + MARGIN, south - MARGIN : north + MARGIN]
        self.buildings.data = _features(around.head(5_000), ())

    def _show_places(self, plots_wgs) -> None:
        """Parcel outlines, sections and lieux-dits around the plots, with their names."""
        from territoire_data.radar.places import labels, section_names

        result = self.result or {}
        places = result.get("places")
        if len(plots_wgs) == 0:
            return
        west, south, east, north = plots_wgs.total_bounds
        window = (slice(west - MARGIN, east + MARGIN), slice(south - MARGIN, north + MARGIN))
        parcels = result.get("parcels")
        if parcels is not None and len(parcels):
            self.parcel_outlines.data = _features(parcels.to_crs(4326).cx[window].head(MAX_OUTLINES), ())
        sections = section_names(places.sections if places else None)
        marks = []
        if sections is not None:
            sections = sections.to_crs(4326).cx[window]
            self.sections.data = _features(sections, ("nom",))
            marks += [_label(lat, lon, text, "ti-etiquette-section") for lat, lon, text in labels(sections, "nom")]
        lieux_dits = places.lieux_dits if places else None
        if lieux_dits is not None:
            nearby = lieux_dits.to_crs(4326).cx[window]
            marks += [_label(lat, lon, text, "ti-etiquette-lieu") for lat, lon, text in labels(nearby, "nom")]
        self.labels.layers = tuple(marks[:MAX_LABELS])


PAGE = 25
MARGIN = 0.004  # degrees around the plots (≈ 400 m) for the buildings, parcels and names drawn
MAX_OUTLINES = 5_000
MAX_LABELS = 300


def _label(lat: float, lon: float, text: str, kind: str) -> L.Marker:
    """A name written on the map (not a pin: nothing to click, nothing to drag)."""
    width = max(40, 8 * len(text))
    return L.Marker(
        location=(lat, lon),
        icon=L.DivIcon(
            html=f'<span class="{kind}">{html.escape(text)}</span>',
            icon_size=[width, 18],
            icon_anchor=[width // 2, 9],
        ),
        draggable=False,
        keyboard=False,
        title=text,
    )


def _features(frame, properties: tuple[str, ...]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {p: (float(row[p]) if p == "score" else str(row[p])) for p in properties},
                "geometry": shapely.geometry.mapping(shapely.transform(g, lambda xy: xy.round(6))),
            }
            for (_, row), g in zip(frame.iterrows(), frame.geometry)
        ],
    }


def framing(bounds) -> tuple[tuple[float, float], int]:
    """(centre, zoom) of a Leaflet map showing ``bounds`` (west, south, east, north) whole in
    a map 340 px wide — a phone's (computed here: ``fit_bounds`` needs the browser)."""
    west, south, east, north = (float(b) for b in bounds)
    span = max(east - west, (north - south) * 1.5, 1e-4)
    zoom = int(math.floor(math.log2(360 * 340 / 256 / span)))
    return ((south + north) / 2, (west + east) / 2), max(10, min(zoom, 18))
