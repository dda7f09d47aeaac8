"""The portrait of a territory: what a report says, as HTML fragments for a notebook.

``notebooks/portrait.ipynb`` calls these in order; each returns a ``Fragment`` (static
HTML), so the executed notebook converts to a self-contained page without scripts.

A commune's portrait: identity card, key figures of each theme with their position among
peers, trends, ZAN trajectory, a static map of the commune in its département, provenance.
A group (``epci:…``, ``dep:…``, ``liste:C1,C2…``): the same for the group's totals, plus a
table comparing its communes and a map of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from territoire_data.core import indicators, zan
from territoire_data.core.catalogue import BY_ID, THEMES
from territoire_data.core.projections import local_epsg, reproject
from territoire_data.core.territories import DataContext, Territory
from territoire_data.errors import TerritoireError
from territoire_data.rendering import colours, svg
from territoire_data.rendering.formatting import day, moment, number
from territoire_data.rendering.fragments import Fragment, displayed_value, e, indicator_table, peers_label
from territoire_data.rendering.fragments import legend as legende_html
from territoire_data.rendering.fragments import zan_block as zan_html
from territoire_data.rendering.reading import reading_of, takeaways_html
from territoire_data.sources import label as libelle_source

TRENDS = ("population", "emplois", "logements", "revenu_median")
COMPARISON = (
    "population",
    "variation_annuelle_population",
    "taux_chomage_15_64",
    "part_logements_vacants",
    "revenu_median",
    "taux_pauvrete",
    "conso_naf_depuis_2021",
    "part_enveloppe_zan_consommee",
)
MAP_INDICATOR = "densite_population"
DEFINITIONS = "definitions.html"  # in the shared folder of a national site
MAX_LISTED = 3_000  # communes listed side by side on a group's page (a large région has ≈ 5,000)
MAX_MAPPED = 3_000  # communes drawn on a map


PEERS_ON_A_PAGE = 60  # peers named on a page of a national site (the nearest first)
SHARED_LISTS = ("densite", "densite_approchee")  # groups whose full list a national site writes once


def peers_file(key: str) -> str:
    """The shared page listing a peer group in full, relative to the shared folder."""
    return "pairs/" + "".join(c if c.isalnum() else "-" for c in key) + ".html"


def map_file(departement: str) -> str:
    """The shared map of a département, relative to the shared folder."""
    return f"cartes/{departement}.svg"


def departement_shapes(workspace, departement: str):
    """A département's commune shapes in its official projection, read once per workspace."""

    def read():
        shapes = workspace.referential.geometries("departement", departements=[departement]).sort_values("code")
        shapes = shapes.reset_index(drop=True)
        shapes["geometry"] = reproject(shapes.geometry.to_numpy(), 4326, local_epsg(departement))
        return shapes

    return workspace.memo(("portrait-shapes", departement), read)


@dataclass(frozen=True)
class _CommuneList:
    """A list of communes given by the user, reported as a group without totals."""

    code: str
    name: str
    communes: tuple[str, ...]
    level: str = "liste"


class Portrait:
    """The portrait of ``code`` from the data of ``workspace`` (the notebook passes the
    default workspace, ``territoire_data.default_workspace()``)."""

    def __init__(self, code: str, peers: str = "densite", *, workspace: DataContext, shared: str = ""):
        """``shared``: the address (relative to the page) of the folder of files a national site
        writes once for every page — the département maps (``cartes/DEP.svg``) and the
        definitions (``definitions.html``); empty, the page carries everything itself."""
        from territoire_data.core.territories import normalise_code

        code = normalise_code(code)  # Papermill passes « -p code 01001 » as the integer 1001
        self.shared = str(shared or "").rstrip("/")
        self.workspace = workspace
        self.referential = self.workspace.referential
        self.warehouse = self.workspace.warehouse
        self.peers = peers
        self.territory: Territory | _CommuneList
        if str(code).startswith("liste:"):
            codes = tuple(dict.fromkeys(c.strip() for c in code[6:].split(",") if c.strip()))
            unknown = [c for c in codes if c not in self.referential.communes.index]
            if not codes or unknown:
                raise TerritoireError(f"Liste de communes invalide : {', '.join(unknown) or 'vide'}.")
            self.territory = _CommuneList(code, f"Sélection de {len(codes)} communes", codes)
        else:
            self.territory = self.workspace.territory(code)

    @property
    def is_group(self) -> bool:
        return self.territory.level not in ("commune", "arrondissement")

    @cached_property
    def table(self) -> pd.DataFrame | None:
        if self.territory.level == "liste":
            return None
        return indicators.indicator_table(self.territory, peers=self.peers, warehouse=self.warehouse)

    @cached_property
    def rows(self) -> dict[str, dict]:
        return {} if self.table is None else {r["id"]: r for r in self.table.to_dict("records")}

    # -- sections ---------------------------------------------------------------------------

    def header(self) -> Fragment:
        t = self.territory
        level = {
            "commune": "Commune",
            "epci": "Intercommunalité",
            "departement": "Département",
            "region": "Région",
            "france": "France",
            "liste": "Sélection de communes",
            "arrondissement": "Arrondissement municipal",
        }.get(t.level, t.level)
        demo = (
            '<div class="r-demo" role="note"><strong>Données de démonstration.</strong> Les valeurs de ce '
            "rapport sont synthétiques (plausibles, dérivées des populations et superficies réelles) : "
            "ne les citez pas.</div>"
            if self.warehouse.demo
            else ""
        )
        group = "" if self.table is None or self.table.empty else self.table["peers_group"].iloc[0]
        # A list of communes is named by its communes, not by its code (« liste:33063,… »), and has
        # no comparison group of its own.
        identity = f"{len(t.communes)} communes" if t.level == "liste" else t.code
        comparison = f" · comparaison : {e(peers_label(group))}" if group and t.level != "liste" else ""
        return Fragment(
            f'<header class="r-entete"><div class="r-marque">territoire · portrait de territoire</div>'
            f'<h1 class="r-titre">{e(t.name)}</h1><div class="r-sous-titre">{e(level)} · {e(identity)} · '
            f"rapport du {day(date.today())}{comparison}</div>"
            f"{demo}</header>"
        )

    def takeaways(self) -> Fragment:
        """« Ce qu'il faut retenir »: sentences from the figures, and the peer group explained."""
        if self.table is None or not isinstance(self.territory, Territory):
            return Fragment("")
        reading = reading_of(self.territory, self.peers, self.warehouse, self.table)
        if self.shared:  # a national site: the nearest peers here, the whole group on its shared page
            whole = f"{self.shared}/{peers_file(reading.peers.key)}" if reading.peers.group in SHARED_LISTS else ""
            text = takeaways_html(reading, at_most=PEERS_ON_A_PAGE, whole=whole)
        else:
            text = takeaways_html(reading)
        return Fragment(text.replace('class="ti-retenir"', 'class="r-section ti-retenir"'))

    def identity(self) -> Fragment:
        t = self.territory
        rows = []
        if isinstance(t, Territory):  # a list of communes has no card
            card = t.card()
            if card.get("departement"):
                rows.append(("Département", f"{card['departement']['name']} ({card['departement']['code']})"))
            if card.get("region"):
                rows.append(("Région", f"{card['region']['name']} ({card['region']['code']})"))
            if card.get("epci"):
                rows.append(("Intercommunalité", f"{card['epci']['name']} ({card['epci']['code']})"))
            if card.get("area_km2"):
                rows.append(("Superficie", f"{number(card['area_km2'], 1)} km²"))
        if self.is_group:
            rows.append(("Communes", number(len(t.communes))))
        for ident in ("population", "densite_population", "logements", "emplois"):
            if ident in self.rows:
                line = self.rows[ident]
                year = f" ({int(line['year'])})" if line.get("status") == "ok" else ""
                rows.append((BY_ID[ident].label, displayed_value(line) + year))
        body = "".join(f'<tr><th scope="row">{e(a)}</th><td>{e(b)}</td></tr>' for a, b in rows)
        return Fragment(
            f'<section class="r-section"><h2>Carte d\'identité</h2><table class="r-fiche">{body}</table></section>'
        )

    def key_figures(self) -> Fragment:
        if self.table is None:
            return Fragment("")
        pieces = [
            '<section class="r-section"><h2>Chiffres clés par thème</h2>'
            f'<p class="r-note">Position : parmi les {e(peers_label(self.table["peers_group"].iloc[0]))}, '
            "dite en mots ; « favorable » ou « défavorable » seulement pour un chiffre rapporté à la taille du "
            "territoire (part, taux, valeur par habitant ou par hectare), jamais pour un total.</p>"
        ]
        for theme, label in THEMES.items():
            rows = [r for r in self.rows.values() if r["theme"] == theme]
            definitions = f"{self.shared}/{DEFINITIONS}" if self.shared else ""
            pieces.append(f"<h3>{e(label)}</h3>" + indicator_table(rows, definitions=definitions))
        return Fragment("".join(pieces) + "</section>")

    def trends(self) -> Fragment:
        if self.table is None:
            return Fragment("")
        charts = []
        series = self.warehouse.series(self.territory.code, TRENDS)
        for ident in TRENDS:
            indicator = BY_ID[ident]
            series_of = series.get(ident, pd.DataFrame(columns=["year", "value", "status"]))
            values = np.where(series_of["status"].astype(str) == "ok", series_of["value"].astype("float64"), np.nan)
            charts.append(
                f'<figure class="r-figure"><figcaption>{e(indicator.label)} ({e(indicator.unit)})'
                "</figcaption>"
                + svg.line_chart(
                    series_of["year"].to_numpy(),
                    values,
                    title=f"{indicator.label} — {self.territory.name}",
                    unit=indicator.unit,
                    decimals=indicator.decimals,
                )
                + "</figure>"
            )
        return Fragment(
            '<section class="r-section"><h2>Évolutions</h2><div class="r-grille">'
            + "".join(charts)
            + "</div></section>"
        )

    def zan_trajectory(self) -> Fragment:
        if self.territory.level == "liste":
            return Fragment("")
        t = zan.trajectory(self.territory, warehouse=self.warehouse)
        return Fragment(
            '<section class="r-section"><h2>Trajectoire ZAN (zéro artificialisation nette)</h2>'
            + zan_html(t, self.territory.name)
            + "</section>"
        )

    def _members_map(self) -> tuple[list[str], str, str]:
        """(communes drawn, what they are, caption)."""
        t = self.territory
        if not isinstance(t, Territory):  # a list of communes: « les 6 communes de la sélection »
            scope = f"les {len(t.communes)} communes de la sélection"
            return list(t.communes), scope, scope
        if self.is_group:
            scope = f"les {len(t.communes)} communes de {t.name}"
            return list(t.communes), scope, scope
        dep = t.departement
        communes = self.referential.communes
        scope = f"communes du département {self.referential.departements.at[dep, 'name']}"
        return communes.index[communes["departement"] == dep].tolist(), scope, f"{t.name} parmi les {scope}"

    def geomap(self) -> Fragment:
        """Static SVG map (no tiles, no script): density classes, the commune outlined."""
        codes, scope, legend = self._members_map()
        drawn = self._map(codes, scope)
        if drawn is None:
            return Fragment(
                '<section class="r-section"><h2>Carte</h2><p class="r-note">Carte non produite au-delà '
                f"de {number(MAX_MAPPED)} communes.</p></section>"
            )
        drawing, order, keys = drawn
        indicator = BY_ID[MAP_INDICATOR]
        highlighted = None if self.is_group or self.territory.code not in order else order.index(self.territory.code)
        picture = drawing.render(highlighted)
        if self.shared and highlighted is not None and isinstance(self.territory, Territory):
            # The département's map, written once for the site: the page only outlines its commune.
            picture = drawing.render_over(f"{self.shared}/{map_file(str(self.territory.departement))}", highlighted)
        return Fragment(
            f'<section class="r-section"><h2>Carte</h2><figure class="r-carte"><figcaption>'
            f"{e(indicator.label)} — {e(legend)}"
            f"{' (contour rouge)' if highlighted is not None else ''}</figcaption>{picture}"
            f"{keys}</figure></section>"
        )

    def departement_map(self) -> str:
        """The standalone SVG of the map of this commune's département (the shared file that
        ``geomap`` points at when ``shared`` is set)."""
        codes, scope, _legend = self._members_map()
        drawn = self._map(codes, scope)
        return svg.empty_chart("Carte non produite", 520) if drawn is None else drawn[0].base_file()

    def _map(self, codes: list[str], scope: str) -> tuple[svg.StaticMap, list[str], str] | None:
        """(drawing, codes in drawing order, colour keys) of the map of ``codes``, drawn once per
        département (or group) and workspace; None beyond ``MAX_MAPPED`` communes."""
        if len(codes) > MAX_MAPPED:
            return None
        indicator = BY_ID[MAP_INDICATOR]
        # A commune's map is its département's, outlined: drawn once per département and workspace.
        key = (
            "portrait-map",
            str(self.warehouse.folder),  # a rebuilt warehouse gets new colours
            self.territory.code
            if self.is_group or not isinstance(self.territory, Territory)
            else f"dep:{self.territory.departement}",
        )

        def draw():
            departements = self.referential.communes.loc[codes, "departement"].dropna().unique()
            shapes = pd.concat([departement_shapes(self.workspace, d) for d in sorted(departements)])
            shapes = shapes[shapes["code"].isin(codes)].sort_values("code").reset_index(drop=True)
            values = (
                self.warehouse.matrix[MAP_INDICATOR].reindex(shapes["code"]).to_numpy(dtype="float64")
                if MAP_INDICATOR in self.warehouse.matrix
                else np.full(len(shapes), np.nan)
            )
            classes = colours.quantiles(values)
            drawing = svg.StaticMap(
                shapes.geometry.to_numpy(), [classes.colour(v) for v in values], title=f"{indicator.label} : {scope}"
            )
            keys = legende_html(classes, indicator.unit, indicator.decimals)
            return drawing, shapes["code"].tolist(), keys

        return self.workspace.memo(key, draw)

    def communes(self) -> Fragment:
        """For a group: its communes side by side on a few key indicators."""
        if not self.is_group:
            return Fragment("")
        if len(self.territory.communes) > MAX_LISTED:  # France, a large région: their départements' pages list them
            return Fragment(
                f'<section class="r-section"><h2>Les communes</h2><p class="r-note">{number(len(self.territory.communes))} '
                f"communes : trop pour une page ; chaque département les présente sur sa propre page.</p></section>"
            )
        matrix = self.warehouse.matrix
        names = self.referential.communes["name"]
        columns = [i for i in COMPARISON if i in matrix.columns]
        header = "".join(f"<th>{e(BY_ID[i].label)} ({e(BY_ID[i].unit)})</th>" for i in columns)
        body = []
        for code in sorted(self.territory.communes, key=lambda c: str(names.get(c, c))):
            values = matrix.loc[code, columns] if code in matrix.index else pd.Series(np.nan, index=columns)
            cells = "".join(f'<td class="r-valeur">{e(number(values[i], BY_ID[i].decimals))}</td>' for i in columns)
            body.append(
                f'<tr data-code="{e(code)}"><th scope="row">{e(names.get(code, code))} ({e(code)})</th>{cells}</tr>'
            )
        return Fragment(
            '<section class="r-section"><h2>Les communes</h2><p class="r-note">Dernière valeur disponible ; '
            'n.d. : secret statistique ou non disponible.</p><div class="r-defile"><table class="r-table">'
            f"<thead><tr><th>Commune</th>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
            "</section>"
        )

    def provenance(self) -> Fragment:
        sources = self.warehouse.manifest.get("sources", {})
        rows = "".join(
            f'<tr><th scope="row">{e(libelle_source(name))}</th><td>{e(", ".join(s.get("editions", [])))}</td>'
            f"<td>{e('–'.join(str(a) for a in s.get('years', [])))}</td><td>{e(number(s.get('communes')))}</td></tr>"
            for name, s in sorted(sources.items())
        )
        built = self.warehouse.manifest.get("built_at", "")
        return Fragment(
            '<section class="r-section"><h2>Provenance et méthode</h2>'
            "<p>Chaque valeur indique sa source et son édition (colonne « Source » ; la formule de calcul "
            "s'affiche au survol). Les agrégats (EPCI, département…) sont des sommes de numérateurs sur des "
            "sommes de dénominateurs, jamais des moyennes de taux ; une valeur secrète ou absente n'est jamais "
            "remplacée par zéro.</p>"
            '<table class="r-table"><thead><tr><th>Source</th><th>Éditions</th><th>Années</th><th>Communes couvertes'
            f"</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="r-note">Entrepôt construit le {e(moment(built) or built)}. Données publiques sous Licence Ouverte '
            "Etalab 2.0 ou ODbL selon les sources.</p></section>"
        )
