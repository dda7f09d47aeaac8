"""``ExportButton``: the indicators displayed, as CSV and XLSX, with provenance columns.

The files are built in the kernel and offered as ``data:`` links with a ``download`` name,
so the browser saves them without another server route (works behind Voilà and JupyterHub).
"""

from __future__ import annotations

import base64
import html


from territoire_data import exportation
from widgets.etat import Etat
from widgets.vue import VueHTML

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lien(contenu: bytes, type_mime: str, nom: str, texte: str, classe: str) -> str:
    donnees = base64.b64encode(contenu).decode("ascii")
    return (f'<a class="ti-bouton {classe}" download="{html.escape(nom)}" '
            f'href="data:{type_mime};base64,{donnees}">{html.escape(texte)}</a>')


class ExportButton(VueHTML):
    classe = "territoire-export"
    suit = ("code", "pairs")

    def __init__(self, etat: Etat, **kwargs):
        self.table = None
        self.csv = self.xlsx = b""
        super().__init__(etat, **kwargs)

    def rendu(self) -> str:
        fournisseur = self.etat.fournisseur
        indicateurs = fournisseur.indicateurs(self.etat.code, self.etat.pairs)
        self.table = exportation.table(self.etat.code, self.etat.nom, indicateurs, demo=bool(fournisseur.demo))
        self.csv = exportation.en_csv(self.table)
        self.xlsx = exportation.en_xlsx(self.table)
        base = f"territoire_{self.etat.code}_{self.etat.pairs.split(':')[0]}"
        return ('<div class="ti-export">Exporter les indicateurs affichés : '
                + _lien(self.csv, "text/csv;charset=utf-8", f"{base}.csv", "CSV", "ti-export-csv") + " "
                + _lien(self.xlsx, XLSX, f"{base}.xlsx", "Excel (XLSX)", "ti-export-xlsx") + "</div>")
