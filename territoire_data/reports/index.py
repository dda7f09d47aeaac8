"""``index.html`` of a batch: every report, searchable, sortable by name or by an indicator."""

from __future__ import annotations

import html
import re

import numpy as np

from territoire_data import strict_json
from territoire_data.core.catalogue import BY_ID
from territoire_data.rendering.formatting import number
from territoire_data.reports.style import CSS
from territoire_data.text.places import without_accents

COLUMNS = (
    "population",
    "taux_chomage_15_64",
    "part_logements_vacants",
    "revenu_median",
    "taux_pauvrete",
    "conso_naf_depuis_2021",
)

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


def index_page(inputs: list[dict], matrix, *, title: str, demo: bool) -> str:
    """``inputs``: manifest rows (code, nom, fichier, statut, message)."""
    columns = [c for c in COLUMNS if c in matrix.columns]
    groups = [e for e in inputs if ":" in e["code"]]
    inputs = sorted((e for e in inputs if ":" not in e["code"]), key=lambda e: (_key(e["name"]), e["code"]))
    head = "".join(
        f'<p class="r-groupe">Rapport d\'ensemble : <a href="{html.escape(g["file"])}">{html.escape(g["name"])}</a>'
        f"{'' if g['status'] == 'ok' else ' (échec)'}</p>"
        for g in groups
    )
    rows = []
    for inbound in inputs:
        code = inbound["code"]
        key = html.escape(_key(inbound["name"]) + " " + code.lower())
        if inbound["status"] == "ok":
            link = f'<a href="{html.escape(inbound["file"])}">{html.escape(inbound["name"])}</a>'
        else:
            link = f'{html.escape(inbound["name"])} <span class="r-erreur" title="{html.escape(inbound.get("message", ""))}">(échec)</span>'
        cells = []
        for c in columns:
            v = matrix.at[code, c] if code in matrix.index else np.nan
            value = "" if v is None or not np.isfinite(v) else repr(float(v))
            cells.append(f'<td data-v="{value}" class="r-valeur">{html.escape(number(v, BY_ID[c].decimals))}</td>')
        rows.append(
            f'<tr data-cle="{key}" data-statut="{html.escape(inbound["status"])}"><td data-v="{html.escape(inbound["name"])}">'
            f'{link}</td><td data-v="{html.escape(code)}">{html.escape(code)}</td>{"".join(cells)}</tr>'
        )
    headers = "".join(f"<th>{html.escape(BY_ID[c].label)} ({html.escape(BY_ID[c].unit)})</th>" for c in columns)
    options = "".join(f'<option value="{i + 2}">{html.escape(BY_ID[c].label)}</option>' for i, c in enumerate(columns))
    failures = sum(1 for e in inputs + groups if e["status"] != "ok")
    banner = (
        '<div class="r-demo"><strong>Données de démonstration</strong> : valeurs synthétiques, à ne pas citer.</div>'
        if demo
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title><style>{CSS}'
        ".r-outils{display:flex;gap:16px;margin:12px 0}.r-outils input{font-size:16px;padding:6px 10px;width:22em}"
        "th{cursor:pointer}.r-erreur{color:#ce0500}</style></head><body><main>"
        f'<header class="r-entete"><div class="r-marque">territoire · rapports</div><h1 class="r-titre">{html.escape(title)}'
        f'</h1><div class="r-sous-titre">{len(inputs) + len(groups)} rapports'
        f"{f', dont {failures} en échec' if failures else ''}</div>{banner}</header>{head}"
        '<div class="r-outils"><label>Rechercher <input id="filtre" type="search" placeholder="nom ou code"></label>'
        f'<label>Trier par <select id="tri"><option value="0">nom</option>{options}</select></label></div>'
        f'<div class="r-defile"><table id="rapports" class="r-table"><thead><tr><th>Territoire</th><th>Code</th>{headers}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div></main><script>{SCRIPT}</script></body></html>"
    )


def _key(text: str) -> str:
    """What the search box compares: no accents, lower case, words separated by one space."""
    return re.sub(r"[^a-z0-9]+", " ", without_accents(text).lower()).strip()


def manifest_json(manifest: dict) -> bytes:
    return strict_json.text(strict_json.clean(manifest)).encode("utf-8")
