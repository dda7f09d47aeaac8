"""``ExportButton``: the indicators displayed, as CSV and XLSX, with provenance columns;
``ExportPanel`` adds, on demand, the files of ``territoire export`` (every year in an XLSX per
theme, the communes as a GeoPackage for QGIS), made by the same function as the command.

The files are built in the kernel and offered as ``data:`` links with a ``download`` name,
so the browser saves them without another server route (works behind Voilà and JupyterHub).
"""

from __future__ import annotations

import base64
import html

import ipywidgets as w

from territoire_data.rendering import exports
from widgets.guard import guard
from widgets.html_view import HtmlView
from widgets.state import State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _link(content: bytes, type_mime: str, name: str, text: str, class_: str) -> str:
    data = base64.b64encode(content).decode("ascii")
    return (
        f'<a class="ti-bouton {class_}" download="{html.escape(name)}" '
        f'href="data:{type_mime};base64,{data}">{html.escape(text)}</a>'
    )


class ExportButton(HtmlView):
    class_ = "territoire-export"
    follows = ("code", "peers")

    def __init__(self, state: State, **kwargs):
        self.table = None
        self.csv = self.xlsx = b""
        super().__init__(state, **kwargs)

    def render(self) -> str:
        provider = self.state.provider
        indicators = provider.indicators(self.state.code, self.state.peers)
        self.table = exports.export_table(self.state.code, self.state.name, indicators, demo=bool(provider.demo))
        self.csv = exports.to_csv(self.table)
        self.xlsx = exports.to_xlsx(self.table)
        base = f"territoire_{self.state.code}_{self.state.peers.split(':')[0]}"
        return (
            '<div class="ti-export">Exporter les indicateurs affichés : '
            + _link(self.csv, "text/csv;charset=utf-8", f"{base}.csv", "CSV", "ti-export-csv")
            + " "
            + _link(self.xlsx, XLSX, f"{base}.xlsx", "Excel (XLSX)", "ti-export-xlsx")
            + "</div>"
        )


GEOPACKAGE = "application/geopackage+sqlite3"


class ExportPanel(w.VBox):
    """The displayed indicators at once; every year and the map for QGIS on request (they take
    a few seconds for a département: not made at each change of territory)."""

    def __init__(self, state: State, **kwargs):
        self.state = state
        self.displayed = ExportButton(state)
        self.prepare = w.Button(
            description="Préparer toutes les années (Excel) et la carte pour QGIS (GeoPackage)",
            layout=w.Layout(width="auto"),
        )
        self.files = w.HTML()
        super().__init__([self.displayed, w.HBox([self.prepare]), self.files], **kwargs)
        self.add_class("territoire-exports")
        self.prepare.on_click(lambda _b: self._prepare())
        state.observe(self._reset, "code")

    def _reset(self, _change=None) -> None:
        self.files.value = ""

    @guard
    def _prepare(self) -> None:
        code = self.state.code
        if not code:
            return
        provider = self.state.provider
        base = f"territoire_{code.replace(':', '_')}"
        workbook = provider.export(code, "xlsx")
        geopackage = provider.export(code, "gpkg")
        self.files.value = (
            '<div class="ti-export">'
            + _link(workbook, XLSX, f"{base}_toutes_annees.xlsx", "Toutes les années (XLSX)", "ti-export-annees")
            + " "
            + _link(geopackage, GEOPACKAGE, f"{base}.gpkg", "Carte pour QGIS (GeoPackage)", "ti-export-gpkg")
            + "</div>"
        )
