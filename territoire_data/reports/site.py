"""The national site around the pages: shared files, indexes and the search (``national``).

Everything is static and relative: the site opens from any web server or from the files
themselves (``file://``), and no request leaves it. The search index is a script file
(``partage/recherche.js``), not JSON fetched at run time, so that it works from the files too.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from territoire_data.core.catalogue import INDICATORS
from territoire_data.files import write_atomic
from territoire_data.reports.index import index_page
from territoire_data.reports.style import CSS
from territoire_data.text.places import without_accents

LEVEL_NAMES = {
    "commune": "Communes",
    "epci": "Intercommunalités (EPCI)",
    "scot": "SCoT",
    "departement": "Départements",
    "region": "Régions",
    "france": "France",
}
KIND = {"commune": "commune", "epci": "EPCI", "scot": "SCoT", "departement": "département", "region": "région"}
SITE_CSS = """
.r-fil { font-size: 14px; margin: 0 0 8px; } .r-fil a { color: #000091; }
.r-recherche input { font-size: 17px; padding: 8px 12px; width: 100%; max-width: 32em; box-sizing: border-box; }
.r-resultats { list-style: none; padding: 0; } .r-resultats li { margin: 6px 0; }
.r-niveaux { columns: 2 18em; } .r-liste { columns: 3 14em; }
.r-lien-definition { font-size: 12px; font-weight: 400; margin-left: 6px; }
@media print { .r-fil, .r-recherche { display: none; } }
"""
SEARCH = """
const champ = document.getElementById('recherche'), liste = document.getElementById('resultats');
const cle = (t) => t.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase()
  .replace(/[^a-z0-9]+/g, ' ').trim();
const alias = {st: 'saint', ste: 'sainte'};
champ.addEventListener('input', () => {
  const mots = cle(champ.value).split(' ').filter(Boolean).map((m) => alias[m] || m);
  liste.replaceChildren();
  if (!mots.length) return;
  const trouves = [];
  for (const t of TERRITOIRES) {
    const k = ' ' + t[4] + ' ';
    if (mots.every((m) => k.includes(' ' + m))) trouves.push(t);
    if (trouves.length >= 400) break;
  }
  const phrase = mots.join(' ');
  trouves.sort((a, b) => (b[4].startsWith(phrase) - a[4].startsWith(phrase)) || a[0].localeCompare(b[0], 'fr'));
  for (const t of trouves.slice(0, 30)) {
    const li = document.createElement('li'), a = document.createElement('a');
    a.href = t[3]; a.textContent = t[0];
    li.append(a, ' — ' + t[2] + (t[1] ? ' (' + t[1] + ')' : ''));
    liste.append(li);
  }
  document.getElementById('compte').textContent = trouves.length ? '' : 'Aucun territoire ne correspond.';
});
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body: str, shared: str, *, level: str, home: str) -> str:
    """One territory's page: the notebook's sections, the shared stylesheet, a way home."""
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{_e(title)} — portrait de territoire</title><link rel="stylesheet" href="{_e(shared)}/rapport.css">'
        f'</head><body><main><nav class="r-fil" aria-label="Fil d\'Ariane"><a href="{_e(home)}/index.html">'
        f"Tous les territoires</a> › {_e(LEVEL_NAMES.get(level, level))}</nav>{body}</main></body></html>"
    )


def write_shared(workspace, folder: Path, pages, *, notebook, peers: str) -> None:
    """The files every page references, written once per run: style, maps, definitions, search."""
    from territoire_data.rendering.portrait import Portrait, map_file

    (folder / "cartes").mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "rapport.css", CSS + SITE_CSS)
    seen: set[str] = set()
    for p in pages:
        if p.level == "commune" and p.departement not in seen:
            seen.add(p.departement)
            write_atomic(folder / map_file(p.departement), Portrait(p.code, workspace=workspace).departement_map())
    write_atomic(folder / "definitions.html", definitions_page())
    write_atomic(
        folder / "recherche.js",
        search_index(pages, workspace.referential.sub_communes, workspace.warehouse.postal_codes),
    )
    if peers == "densite":
        write_peer_lists(workspace, folder, pages)


def write_peer_lists(workspace, folder: Path, pages) -> None:
    """One page per density group too long to be named on its communes' pages, listing the
    whole group in French order, each commune of the site linked."""
    from territoire_data.core.peer_groups import similar_groups
    from territoire_data.rendering.portrait import PEERS_ON_A_PAGE, peers_file

    communes = workspace.referential.communes
    paths = {p.code: p.path for p in pages if p.level == "commune"}
    groups = similar_groups(communes, workspace.warehouse.matrix, workspace.warehouse.density_classes, list(paths))
    (folder / "pairs").mkdir(exist_ok=True)
    names = communes["name"].astype(str)
    repeated = names.value_counts()
    for key, codes in groups.items():
        if len(codes) <= PEERS_ON_A_PAGE:
            continue
        listed = sorted(
            (c for c in codes if c in names.index), key=lambda c: (without_accents(names[c]).casefold(), names[c])
        )
        items = "".join(
            "<li>"
            + (f'<a href="../../{_e(paths[c])}">' if c in paths else "")
            + _e(names[c] + (f" ({communes.at[c, 'departement']})" if repeated[names[c]] > 1 else ""))
            + ("</a>" if c in paths else "")
            + "</li>"
            for c in listed
        )
        write_atomic(
            folder / peers_file(key),
            '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Communes comparées</title>'
            '<link rel="stylesheet" href="../rapport.css"></head><body><main><nav class="r-fil" '
            'aria-label="Fil d\'Ariane"><a href="../../index.html">Tous les territoires</a></nav>'
            f'<h1 class="r-titre">Les {len(listed)} communes d\'un même groupe de comparaison</h1>'
            f'<p class="r-note">Groupe {_e(key)} : même niveau de la grille de densité et même classe de taille '
            f'(élargie aux classes voisines s\'il le faut). Par ordre alphabétique.</p><ul class="r-liste">{items}'
            "</ul></main></body></html>",
        )


def definitions_page() -> str:
    entries = "".join(
        f'<section id="{_e(i.id)}"><h2>{_e(i.label)} ({_e(i.unit)})</h2><p>{_e(i.plain_definition)}</p>'
        f"<p><strong>Pourquoi c'est important :</strong> {_e(i.importance)}</p>"
        f'<p class="r-note">Calcul : {_e(i.definition)}</p></section>'
        for i in INDICATORS
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Définitions des indicateurs'
        '</title><link rel="stylesheet" href="rapport.css"></head><body><main><nav class="r-fil" '
        'aria-label="Fil d\'Ariane"><a href="../index.html">Tous les territoires</a></nav>'
        f'<h1 class="r-titre">Définitions des indicateurs</h1>{entries}</main></body></html>'
    )


SUB_KINDS = {"ARM": "arrondissement de {}", "COMD": "commune déléguée de {}", "COMA": "commune associée à {}"}


def _key(*words: str) -> str:
    text = without_accents(" ".join(words)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def search_index(pages, sub_communes=None, postal_codes: dict[str, list[str]] | None = None) -> str:
    """``TERRITOIRES``: [name, département, kind, address from the home page, search key].

    Arrondissements (Paris, Lyon, Marseille) and the communes déléguées or associées of a
    merged commune are found by their own name and lead to their commune's page: a commune
    merged last year is still found under its former name. A commune is also found by its
    postal codes, when the warehouse knows them (``Warehouse.postal_codes``)."""
    postal_codes = postal_codes or {}
    rows = []
    for p in pages:
        if p.level == "france":
            continue
        departement = p.departement if p.level == "commune" else ""
        postal = postal_codes.get(p.code, []) if p.level == "commune" else []
        key = _key(p.name, departement, p.code.split(":")[-1], *postal)
        rows.append([p.name, departement, KIND.get(p.level, p.level), p.path, key])
    communes = {p.code: p for p in pages if p.level == "commune"}
    if sub_communes is not None and len(sub_communes):
        for code, kind, name, parent in zip(
            sub_communes["code"], sub_communes["type"], sub_communes["name"], sub_communes["parent"]
        ):
            target = communes.get(str(parent))
            if target is None or kind not in SUB_KINDS:
                continue
            rows.append(
                [
                    str(name),
                    target.departement,
                    SUB_KINDS[kind].format(target.name),
                    target.path,
                    _key(str(name), target.departement, str(code)),
                ]
            )
    return "const TERRITOIRES = " + json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + ";\n"


def write_indexes(workspace, output: Path, pages, records: dict) -> None:
    """The home page (search, levels, régions, départements), one index per level, and one
    per département and per région listing its communes with key figures (sorted, filtered)."""
    ok = {path for path, r in records.items() if r.get("status") == "ok"}
    demo = workspace.warehouse.demo
    by_level: dict[str, list] = {}
    for p in pages:
        by_level.setdefault(p.level, []).append(p)
    for level, folder in (("epci", "epci"), ("scot", "scot"), ("departement", "departements"), ("region", "regions")):
        if level in by_level:
            (output / folder).mkdir(parents=True, exist_ok=True)
            write_atomic(output / folder / "index.html", _list_page(LEVEL_NAMES[level], by_level[level], ok, depth=1))
    matrix = workspace.warehouse.matrix
    communes = by_level.get("commune", [])

    def listed(members, title: str, *, with_departement: bool) -> str:
        inputs = [
            {
                "code": p.code,
                "name": f"{p.name} ({p.departement})" if with_departement else p.name,
                "file": f"../{p.path}",
                "status": "ok" if p.path in ok else "pending",
                "message": records.get(p.path, {}).get("message", ""),
            }
            for p in members
        ]
        return index_page(inputs, matrix, title=title, demo=demo)

    departements = workspace.referential.departements
    by_departement: dict[str, list] = {}
    for p in communes:
        by_departement.setdefault(p.departement, []).append(p)
    for dep, members in sorted(by_departement.items()):
        content = listed(members, f"Communes — {departements.at[dep, 'name']} ({dep})", with_departement=False)
        write_atomic(output / "departements" / f"{dep}-communes.html", content)
    for region in by_level.get("region", []):
        code = region.code.split(":", 1)[1]
        deps = sorted(d for d in by_departement if str(departements.at[d, "region"]) == code)
        members = [p for d in deps for p in by_departement[d]]
        content = listed(members, f"Communes — {region.name}", with_departement=True)
        write_atomic(output / "regions" / f"{code}-communes.html", content)
    write_atomic(output / "index.html", _home(workspace, by_level, ok, demo))


def _link(p, ok: set, prefix: str = "") -> str:
    label = _e(p.name)
    return f'<a href="{_e(prefix + p.path)}">{label}</a>' if p.path in ok else f"{label} (pas encore produit)"


def _list_page(title: str, pages, ok: set, *, depth: int) -> str:
    up = "../" * depth
    items = "".join(
        f"<li>{_link(p, ok, up)}</li>" for p in sorted(pages, key=lambda p: without_accents(p.name).casefold())
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
        f'<link rel="stylesheet" href="{up}partage/rapport.css"></head><body><main><nav class="r-fil" '
        f'aria-label="Fil d\'Ariane"><a href="{up}index.html">Tous les territoires</a></nav>'
        f'<h1 class="r-titre">{_e(title)}</h1><p class="r-note">{len(pages)} territoires.</p>'
        f'<ul class="r-liste">{items}</ul></main></body></html>'
    )


def _home(workspace, by_level: dict, ok: set, demo: bool) -> str:
    ref = workspace.referential
    departements = by_level.get("departement", [])
    deps = "".join(
        f'<li>{_link(p, ok)} · <a href="departements/{_e(p.departement)}-communes.html">ses communes</a></li>'
        for p in sorted(departements, key=lambda p: p.departement)
    )
    regions = "".join(
        f'<li>{_link(p, ok)} · <a href="regions/{_e(p.code.split(":", 1)[1])}-communes.html">ses communes</a></li>'
        for p in by_level.get("region", [])
    )
    france = "".join(f"<p>{_link(p, ok)}</p>" for p in by_level.get("france", []))
    levels = "".join(
        f'<li><a href="{folder}/index.html">{_e(LEVEL_NAMES[level])}</a> ({len(by_level[level])})</li>'
        for level, folder in (
            ("epci", "epci"),
            ("scot", "scot"),
            ("departement", "departements"),
            ("region", "regions"),
        )
        if level in by_level
    )
    communes = len(by_level.get("commune", []))
    banner = (
        '<div class="r-demo"><strong>Données de démonstration</strong> : valeurs synthétiques, à ne pas citer.</div>'
        if demo
        else ""
    )
    built = workspace.warehouse.manifest.get("built_at", "")
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Portraits de territoire</title>'
        '<link rel="stylesheet" href="partage/rapport.css"></head><body><main>'
        '<header class="r-entete"><div class="r-marque">territoire · portraits de territoire</div>'
        f'<h1 class="r-titre">Tous les territoires</h1><div class="r-sous-titre">{communes} communes et leurs '
        f"groupements ; entrepôt du {_e(built[:10])} (référentiel {_e(ref.manifest.get('key', ''))})</div>{banner}"
        '</header><div class="r-recherche" role="search"><label for="recherche">Rechercher une commune, un EPCI, '
        'un SCoT, un département (nom, code ; « saint denis 93 »)</label><br><input id="recherche" type="search" '
        'autocomplete="off"><p id="compte" class="r-note" role="status"></p><ul id="resultats" '
        f'class="r-resultats"></ul></div>{france}<h2>Par niveau</h2><ul class="r-niveaux">{levels}</ul>'
        f'<h2>Régions</h2><ul class="r-liste">{regions}</ul><h2>Départements</h2><ul class="r-niveaux">{deps}</ul>'
        '<p class="r-note"><a href="partage/definitions.html">Définitions des indicateurs</a></p>'
        f'</main><script src="partage/recherche.js"></script><script>{SEARCH}</script></body></html>'
    )
