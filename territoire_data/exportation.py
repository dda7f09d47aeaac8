"""Tables users take away (CSV, XLSX): the figures as displayed, with their provenance."""

from __future__ import annotations

import io

import pandas as pd

from territoire_data.catalogue import THEMES
from territoire_data.compare import LIBELLES
from territoire_data.fragments import complement, statut_texte
from territoire_data.sources import libelle

STATUTS = {"ok": "publiée", "secret": "secret statistique", "missing": "non disponible"}


def _arrondi(valeur, decimales):
    return None if valeur is None or pd.isna(valeur) else round(float(valeur), int(decimales))


def table(code: str, nom: str, indicateurs: pd.DataFrame, *, demo: bool) -> pd.DataFrame:
    """One row per indicator (``indicateurs.tableau`` shape), French headers, values as displayed."""
    lignes = []
    for r in indicateurs.itertuples(index=False):
        lignes.append({
            "code_territoire": code, "territoire": nom, "theme": THEMES.get(r.theme, r.theme), "indicateur": r.id,
            "libelle": r.label, "valeur": _arrondi(r.value, r.decimals), "unite": r.unit,
            "annee": None if pd.isna(r.year) or r.value is None else int(r.year),
            "statut": STATUTS.get(r.status, r.status) if r.status == "ok" else statut_texte(r._asdict()),
            "remarque": complement(r._asdict()) or None,
            "source": r.source, "libelle_source": libelle(r.source) if r.source else None, "edition": r.edition, "formule": r.definition,
            "annee_debut": None if pd.isna(r.first_year) else int(r.first_year),
            "valeur_debut": _arrondi(r.first_value, r.decimals),
            "groupe_de_comparaison": LIBELLES.get(r.peers_group, r.peers_group), "nombre_de_pairs": int(r.peers_n),
            "centile": _arrondi(r.percentile, 1), "mediane_des_pairs": _arrondi(r.median, r.decimals),
            "donnees_de_demonstration": "oui" if demo else "non",
        })
    cadre = pd.DataFrame(lignes)
    for colonne in ("annee", "annee_debut", "nombre_de_pairs"):
        cadre[colonne] = cadre[colonne].astype("Int64")
    return cadre


def en_csv(cadre: pd.DataFrame) -> bytes:
    """CSV as French spreadsheets open it: UTF-8 with BOM, ``;`` separator, comma decimals."""
    return cadre.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def en_xlsx(cadre: pd.DataFrame, feuille: str = "indicateurs") -> bytes:
    tampon = io.BytesIO()
    with pd.ExcelWriter(tampon, engine="openpyxl") as classeur:
        cadre.to_excel(classeur, index=False, sheet_name=feuille[:31])
        onglet = classeur.sheets[feuille[:31]]
        for colonne in onglet.columns:
            largeur = max(len(str(c.value or "")) for c in colonne[:200])
            onglet.column_dimensions[colonne[0].column_letter].width = min(max(largeur + 2, 8), 60)
        onglet.freeze_panes = "A2"
    return tampon.getvalue()
