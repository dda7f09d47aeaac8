"""``index.html`` of a batch: every report, searchable, sortable by name or by an indicator."""

from __future__ import annotations

import html
import re

import numpy as np

from territoire_data.catalogue import PAR_ID
from territoire_data.format import nombre
from territoire_data.rapports.page import CSS
from territoire_data.texte import sans_accents
from territoire_data import jsonstrict

COLONNES = ("population", "taux_chomage_15_64", "part_logements_vacants", "revenu_median", "taux_pauvrete",
            "conso_naf_depuis_2021")

SCRIPT = """
const table = document.getElementById('rapports'), corps = table.tBodies[0];
const lignes = Array.from(corps.rows);
document.getElementById('filtre').addEventListener('input', (ev) => {
  const cle = ev.target.value.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ').trim();
  for (const l of lignes) l.hidden = cle && !l.dataset.cle.includes(cle);
});
let sens = {};
function trier(col) {
  sens[col] = -(sens[col] || -1);
  const num = col > 1;
  lignes.sort((a, b) => {
    const x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
    if (num) { const fx = x === '' ? NaN : +x, fy = y === '' ? NaN : +y;
      if (isNaN(fx)) return 1; if (isNaN(fy)) return -1; return sens[col] * (fx - fy); }
    return sens[col] * x.localeCompare(y, 'fr');
  });
  for (const l of lignes) corps.appendChild(l);
}
for (const th of table.tHead.rows[0].cells) th.addEventListener('click', () => trier(th.cellIndex));
document.getElementById('tri').addEventListener('change', (ev) => { sens = {}; trier(+ev.target.value); });
"""


def page_index(entrees: list[dict], matrice, *, titre: str, demo: bool) -> str:
    """``entrees``: manifest rows (code, nom, fichier, statut, message)."""
    colonnes = [c for c in COLONNES if c in matrice.columns]
    groupes = [e for e in entrees if ":" in e["code"]]
    entrees = sorted((e for e in entrees if ":" not in e["code"]), key=lambda e: (_cle(e["nom"]), e["code"]))
    tete = "".join(f'<p class="r-groupe">Rapport d\'ensemble : <a href="{html.escape(g["fichier"])}">{html.escape(g["nom"])}</a>'
                   f'{"" if g["statut"] == "ok" else " (échec)"}</p>' for g in groupes)
    lignes = []
    for entree in entrees:
        code = entree["code"]
        cle = html.escape(_cle(entree["nom"]) + " " + code.lower())
        if entree["statut"] == "ok":
            lien = f'<a href="{html.escape(entree["fichier"])}">{html.escape(entree["nom"])}</a>'
        else:
            lien = f'{html.escape(entree["nom"])} <span class="r-erreur" title="{html.escape(entree.get("message", ""))}">(échec)</span>'
        cellules = []
        for c in colonnes:
            v = matrice.at[code, c] if code in matrice.index else np.nan
            valeur = "" if v is None or not np.isfinite(v) else repr(float(v))
            cellules.append(f'<td data-v="{valeur}" class="r-valeur">{html.escape(nombre(v, PAR_ID[c].decimales))}</td>')
        lignes.append(f'<tr data-cle="{cle}" data-statut="{html.escape(entree["statut"])}"><td data-v="{html.escape(entree["nom"])}">'
                      f'{lien}</td><td data-v="{html.escape(code)}">{html.escape(code)}</td>{"".join(cellules)}</tr>')
    entetes = "".join(f"<th>{html.escape(PAR_ID[c].libelle)} ({html.escape(PAR_ID[c].unite)})</th>" for c in colonnes)
    options = "".join(f'<option value="{i + 2}">{html.escape(PAR_ID[c].libelle)}</option>' for i, c in enumerate(colonnes))
    echecs = sum(1 for e in entrees + groupes if e["statut"] != "ok")
    bandeau = ('<div class="r-demo"><strong>Données de démonstration</strong> : valeurs synthétiques, à ne pas citer.'
               "</div>" if demo else "")
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{html.escape(titre)}</title><style>{CSS}'
        ".r-outils{display:flex;gap:16px;margin:12px 0}.r-outils input{font-size:16px;padding:6px 10px;width:22em}"
        "th{cursor:pointer}.r-erreur{color:#ce0500}</style></head><body><main>"
        f'<header class="r-entete"><div class="r-marque">territoire · rapports</div><h1 class="r-titre">{html.escape(titre)}'
        f'</h1><div class="r-sous-titre">{len(entrees) + len(groupes)} rapports'
        f"{f', dont {echecs} en échec' if echecs else ''}</div>{bandeau}</header>{tete}"
        '<div class="r-outils"><label>Rechercher <input id="filtre" type="search" placeholder="nom ou code"></label>'
        f'<label>Trier par <select id="tri"><option value="0">nom</option>{options}</select></label></div>'
        f'<div class="r-defile"><table id="rapports" class="r-table"><thead><tr><th>Territoire</th><th>Code</th>{entetes}'
        f"</tr></thead><tbody>{''.join(lignes)}</tbody></table></div></main><script>{SCRIPT}</script></body></html>"
    )


def _cle(texte: str) -> str:
    """What the search box compares: no accents, lower case, words separated by one space."""
    return re.sub(r"[^a-z0-9]+", " ", sans_accents(texte).lower()).strip()


def ecrire_manifeste_json(manifeste: dict) -> bytes:
    return jsonstrict.texte(jsonstrict.nettoyer(manifeste)).encode("utf-8")
