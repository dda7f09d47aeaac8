"""``ExportButton``: the indicators displayed, as CSV and XLSX, with provenance columns.

The files are built in the kernel and offered as ``data:`` links with a ``download`` name,
so the browser saves them without another server route (works behind Voilà and JupyterHub).
"""

from __future__ import annotations

import base64
import html

from territoire_data.rendering import exports
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
