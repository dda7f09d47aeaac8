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

import ipyleaflet as L
import ipywidgets as w
import shapely
from traitlets import Unicode

from territoire_data.rendering.formatting import number
from widgets.guard import guard
from widgets.providers import RadarProvider
from widgets.state import State


class RadarPanel(w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, state: State, radar: RadarProvider | None = None, geomap=None, **kwargs):
        self.state, self.provider, self.geomap = state, radar, geomap
        self.run = w.Button(
            description="Lancer le radar foncier",
            button_style="primary",
            tooltip="Repérer les dents creuses de la commune",
        )
        self.output = w.HTML()
        self.layer = L.GeoJSON(
            data={"type": "FeatureCollection", "features": []},
            name="Radar foncier",
            style={"color": "#ce0500", "fillColor": "#ff8d00", "fillOpacity": 0.75, "weight": 1.5},
        )
        self.result: dict | None = None
        super().__init__([w.HTML("<h2>Radar foncier</h2>"), self.run, self.output], **kwargs)
        self.add_class("territoire-radar")
        self.run.on_click(lambda _b: self._run())
        state.observe(self._commune, "code")
        self.observe(self._commune, "login")
        self._commune()

    def _allowed(self) -> bool:
        if self.provider is None or not self.login or not self.state.code:
            return False
        return self.provider.allowed(self.login, self.state.code)

    @guard
    def _commune(self, _change=None) -> None:
        self.result = None
        self.layer.data = {"type": "FeatureCollection", "features": []}
        allowed = self._allowed()
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
        self.layer.data = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"id": i, "score": float(s)},
                    "geometry": shapely.geometry.mapping(shapely.transform(g, lambda xy: xy.round(6))),
                }
                for i, s, g in zip(wgs["id"], wgs["score"], wgs.geometry)
            ],
        }
        if self.geomap is not None and self.layer not in self.geomap.geomap.layers:
            self.geomap.geomap.add(self.layer)
        content = self.provider.geopackage(self.result)
        s = self.result["summary"]
        rows = "".join(
            f"<tr><td>{html.escape(r.id)}</td><td>{number(r.area_m2, 0)} m²</td><td>{number(r.score, 0)}</td>"
            f"<td>{html.escape(r.reasons)}</td></tr>"
            for r in plots.head(30).itertuples()
        )
        self.output.value = (
            f"<div><strong>{s['plots']} dent(s) creuse(s)</strong>, {number(s['hectares'], 2)} ha, ≈ "
            f"{s['potential_dwellings']} logements à {number(s['dwellings_per_ha'], 0)} logements/ha"
            + (
                f", soit {number(s['need_covered_share'], 0)} % du besoin estimé à 2031"
                if s["need_covered_share"]
                else ""
            )
            + f" ; {s['green_network_conflicts']} en conflit avec la trame verte et bleue (couche orange sur la carte).</div>"
            f'<a class="ti-bouton" download="radar_{html.escape(code)}.gpkg" '
            f'href="data:application/geopackage+sqlite3;base64,{base64.b64encode(content).decode()}">GeoPackage</a>'
            f'<table class="ti-table ti-radar"><tr><th>Parcelle</th><th>Surface</th><th>Score</th><th>Raisons</th></tr>'
            f"{rows}</table>"
        )
