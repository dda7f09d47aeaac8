"""Tables users take away (CSV, XLSX): the figures as displayed, with their provenance."""

from __future__ import annotations

import io

import pandas as pd

from territoire_data.core.catalogue import THEMES
from territoire_data.core.peer_groups import LABELS
from territoire_data.rendering.fragments import qualifier, status_text
from territoire_data.sources import label

STATUSES = {"ok": "publiée", "secret": "secret statistique", "missing": "non disponible"}


def _rounded(value, decimals):
    return None if value is None or pd.isna(value) else round(float(value), int(decimals))


def export_table(code: str, name: str, indicators: pd.DataFrame, *, demo: bool) -> pd.DataFrame:
    """One row per indicator (``indicateurs.tableau`` shape), French headers, values as displayed."""
    rows = []
    for r in indicators.itertuples(index=False):
        rows.append(
            {
                "code_territoire": code,
                "territoire": name,
                "theme": THEMES.get(r.theme, r.theme),
                "indicateur": r.id,
                "libelle": r.label,
                "valeur": _rounded(r.value, r.decimals),
                "unite": r.unit,
                "annee": None if pd.isna(r.year) or r.value is None else int(r.year),
                "statut": STATUSES.get(r.status, r.status) if r.status == "ok" else status_text(r._asdict()),
                "remarque": qualifier(r._asdict()) or None,
                "source": r.source,
                "libelle_source": label(r.source) if r.source else None,
                "edition": r.edition,
                "formule": r.definition,
                "annee_debut": None if pd.isna(r.first_year) else int(r.first_year),
                "valeur_debut": _rounded(r.first_value, r.decimals),
                "groupe_de_comparaison": LABELS.get(r.peers_group, r.peers_group),
                "nombre_de_pairs": int(r.peers_n),
                "centile": _rounded(r.percentile, 1),
                "mediane_des_pairs": _rounded(r.median, r.decimals),
                "donnees_de_demonstration": "oui" if demo else "non",
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("annee", "annee_debut", "nombre_de_pairs"):
        frame[column] = frame[column].astype("Int64")
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV as French spreadsheets open it: UTF-8 with BOM, ``;`` separator, comma decimals."""
    return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "indicateurs") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as workbook:
        frame.to_excel(workbook, index=False, sheet_name=sheet[:31])
        tab = workbook.sheets[sheet[:31]]
        for column in tab.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            tab.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
        tab.freeze_panes = "A2"
    return buffer.getvalue()
