"""The élu's dashboard: every component wired to one shared state.

In the Voilà notebook::

    vue = preparer()                 # data and widgets, built while the kernel is preheated
    ouvrir(vue, commune_demandee())  # fills them for ?commune=CODE

``requested_territory`` waits for the browser's request when the kernel is preheated and reads
``?commune=CODE`` from it. After that, the commune changes in place (search, map clicks)
without reloading the page.
"""

from __future__ import annotations

import asyncio
import html
import os
from urllib.parse import parse_qs

import ipywidgets as w
import traitlets

from territoire_data.errors import TerritoireError
from territoire_data.rendering.formatting import number
from territoire_data.sources import label as libelle_source
from widgets.actors import ActorsPanel
from widgets.charts import PeerDistributionChart, TrendChart
from widgets.choropleth import ChoroplethMap
from widgets.discussion import DiscussionPanel
from widgets.export import ExportPanel
from widgets.guard import guard, logs_to_server
from widgets.members import MembersTable
from widgets.page import PageSync, query_of
from widgets.providers import (
    DiscussionProvider,
    IndicatorProvider,
    RadarProvider,
    TriennialProvider,
    WorkspaceDiscussions,
    WorkspaceProvider,
    WorkspaceRadar,
    WorkspaceTriennial,
)
from widgets.radar import RadarPanel
from widgets.selection import CommuneSelector, PeerGroupPicker
from widgets.state import State
from widgets.style import sheet, wrapping_row
from widgets.tabs import ThemeTabs
from widgets.triennial import TriennialPanel
from widgets.zan import ZanPanel

DEFAULT_COMMUNE = "33063"
ROW = {"justify_content": "space-between", "align_items": "flex-start", "grid_gap": "16px"}
READY_MESSAGE = "territoire : noyau préchauffé prêt"


def prepare_dashboard(home=None, *, workspace=None) -> w.Widget:
    """Load the data and build the dashboard's widgets, before any request.

    In a preheated Voilà kernel this runs while nobody waits; ``open_dashboard`` then only
    fills the widgets for the commune asked for. When the data are missing, the returned view
    says so in French. ``workspace`` (or ``home``): whose data; the default workspace otherwise.
    """
    from territoire_data.workspace import workspace_for

    log_handler = logs_to_server()
    try:
        workspace = workspace_for(home, workspace)
        provider = WorkspaceProvider(workspace)
    except TerritoireError as e:
        message = w.HTML(f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>')
        message.add_class("territoire-erreur")
        root = w.VBox([w.HTML(sheet()), message])
        root.add_class("territoire-dashboard")
        return root
    provider.preheat()
    exchange = WorkspaceDiscussions(workspace)
    view = Dashboard(
        provider,
        discussions=exchange,
        radar=WorkspaceRadar(workspace),
        partners=exchange,
        triennial=WorkspaceTriennial(workspace),
    )
    view.state.choose(DEFAULT_COMMUNE)  # fills every component once: imports and caches warm
    view.state.code = ""
    # To the server's log (not the page): this kernel is ready to serve.
    print(READY_MESSAGE, file=log_handler.stream, flush=True)
    return view


def open_dashboard(view: w.Widget, code: str | None, *, deferred: bool = False) -> w.Widget:
    """Show the commune of ``code`` (validated: a forged code gives the error card).

    ``deferred``: fill the widgets just after the cell returns, so that Voilà finishes the
    page (and the browser loads its scripts) while the kernel computes; the browser gets
    the filled state when it connects, or the updates if it connected first.
    """
    if not isinstance(view, Dashboard):
        return view
    from territoire_data.access.identity import identity, imposed

    login = identity()  # resolved now that the request (and its headers) arrived
    # Behind a proxy, a request without its header has no identity and no demo switch either.
    fixed = login is not None or imposed()
    if deferred:
        try:
            loop = asyncio.get_running_loop()
            loop.call_soon(view.state.choose, code)
            loop.call_soon(lambda: view.discussion.connect(login, imposed=fixed))
            return view
        except RuntimeError:  # no running loop (plain Python): fill now
            pass
    view.state.choose(code)
    view.discussion.connect(login, imposed=fixed)
    return view


def requested_territory(default: str = DEFAULT_COMMUNE) -> str:
    """``?territoire=CODE`` (any level) or ``?commune=CODE`` of the page's URL (waits for the
    request in a preheated Voilà kernel)."""
    try:
        from voila.utils import wait_for_request

        wait_for_request()
    except ImportError:  # outside Voilà: a notebook or a test
        pass
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    values = query.get("territoire") or query.get("commune")
    return values[0] if values else default


LEVEL_NAMES = {"epci": "EPCI", "scot": "SCoT", "departement": "Département", "region": "Région"}
PEERS_OF_LEVEL = {
    "epci": "les EPCI de France",
    "scot": "les SCoT de l'entrepôt",
    "departement": "les départements",
    "region": "les régions",
}


def _attachment(provider, code: str) -> str:
    t = provider.territory(code)
    card = t.card()
    if t.level != "commune":
        pieces = [LEVEL_NAMES.get(t.level, t.level), f"{len(t.communes)} communes"]
        if t.level == "epci":
            pieces.append(f"SIREN {t.code.split(':', 1)[1]}")
        if card.get("area_km2"):
            pieces.append(f"{number(card['area_km2'], 0)} km²")
        return " · ".join(html.escape(m) for m in pieces)
    pieces = []
    if card.get("departement"):
        pieces.append(f"{card['departement']['name']} ({card['departement']['code']})")
    if card.get("epci"):
        pieces.append(card["epci"]["name"])
    pieces.append(f"code INSEE {t.code}")
    if card.get("area_km2"):
        pieces.append(f"{number(card['area_km2'], 1)} km²")
    return " · ".join(html.escape(m) for m in pieces)


class Dashboard(w.VBox):
    """Root ``.territoire-dashboard``: header, search, peers, title, cards, map, charts, ZAN, export."""

    def __init__(
        self,
        provider: IndicatorProvider,
        code: str | None = None,
        *,
        discussions: DiscussionProvider | None = None,
        radar: RadarProvider | None = None,
        partners: DiscussionProvider | None = None,
        triennial: TriennialProvider | None = None,
        **kwargs,
    ):
        # Components observe the state: built empty, they fill in when a commune is chosen.
        self.state = State(provider)
        header = w.HTML(
            '<div class="ti-marque">territoire · tableau de bord de la planification écologique</div>'
            '<div class="ti-sous-titre">Indicateurs issus des données publiques, positionnés parmi des '
            "communes comparables.</div>"
        )
        header.add_class("territoire-entete")
        elements: list[w.Widget] = [w.HTML(sheet()), header]
        if provider.demo:
            banner = w.HTML(
                "<strong>Données de démonstration.</strong> Les valeurs affichées sont synthétiques "
                "(plausibles, dérivées des populations et superficies réelles) : ne les citez pas."
            )
            banner.add_class("territoire-bandeau-demo")
            elements.append(banner)
        self.selector = CommuneSelector(self.state, layout=w.Layout(width="55%"))
        self.peers = PeerGroupPicker(self.state)
        self.error = w.HTML()
        self.error.add_class("territoire-erreur")
        self.title = w.HTML()
        self.title.add_class("territoire-titre")
        self.page = PageSync()
        self.level_note = w.HTML()
        self.state.observe(self._error, "error")
        self.state.observe(self._title, "code")
        self.geomap = ChoroplethMap(self.state, layout=w.Layout(width="58%"))
        self.trend = TrendChart(self.state)
        self.distribution = PeerDistributionChart(self.state)
        self.zan = ZanPanel(self.state)
        self.export = ExportPanel(self.state)
        demo_logins = None
        if provider.demo:
            from territoire_data.demo.accounts import COUNTED

            demo_logins = [login for login, *_ in COUNTED]
        self.discussion = DiscussionPanel(self.state, discussions, demo_logins=demo_logins)
        self.members = MembersTable(self.state, geomap=self.geomap)
        self.radar = RadarPanel(self.state, radar, geomap=self.geomap)
        self.actors = ActorsPanel(self.state, partners)
        self.triennial = TriennialPanel(self.state, triennial)
        self.tabs = ThemeTabs(
            self.state, extras={"foncier": [self.triennial]}
        )  # the report's action with the land figures
        traitlets.dlink((self.discussion, "login"), (self.radar, "login"))  # one identity for all
        traitlets.dlink((self.discussion, "login"), (self.actors, "login"))
        traitlets.dlink((self.discussion, "login"), (self.triennial, "login"))
        section = lambda title: w.HTML(f'<div class="territoire-section"><h2>{html.escape(title)}</h2></div>')
        # What belongs to the territory shown: hidden as a whole when none is (an unknown code),
        # so that nothing of the previous territory stays on the page.
        self.body = w.VBox(
            [
                self.export,
                self.tabs,
                section("Carte, évolution et position parmi les pairs"),
                wrapping_row(
                    [self.geomap, w.VBox([self.trend, self.distribution], layout=w.Layout(width="42%"))], **ROW
                ),
                section("Les communes de la carte, en tableau"),
                self.members,
                section("Trajectoire ZAN (zéro artificialisation nette)"),
                self.zan,
                self.radar,
                self.actors,
            ],
            layout=w.Layout(width="100%"),
        )
        self.suggestions = w.HBox(layout=w.Layout(flex_flow="row wrap", gap="0.3em"))
        self.suggestions.add_class("territoire-suggestions-code")
        elements += [
            wrapping_row([self.selector, w.VBox([self.peers, self.level_note])], **ROW),
            self.page,
            self.error,
            self.suggestions,
            self.title,
            self.body,
            self.discussion,
            w.HTML(self._footer(provider)),
        ]
        super().__init__(elements, **kwargs)
        self.add_class("territoire-dashboard")
        if code is not None:  # every component observes the state: they fill in now
            self.state.choose(code)
        self._title()
        self._error()

    @staticmethod
    def _footer(provider) -> str:
        sources = provider.sources()
        text = (
            (
                "Sources : "
                + " ; ".join(
                    f"{html.escape(libelle_source(name))} ({html.escape(', '.join(editions))})"
                    for name, editions in sorted(sources.items())
                )
                + ". "
            )
            if sources
            else ""
        )
        return (
            f'<div class="territoire-pied">{text}Chaque valeur indique sa source, son édition et son calcul '
            "(« Provenance » sur chaque carte). Données publiques sous Licence Ouverte / ODbL selon les sources.</div>"
        )

    @guard
    def _title(self, _change=None) -> None:
        self.body.layout.display = None if self.state.code else "none"
        if not self.state.code:
            self.title.value = ""
            if self.state.error:
                self.page.title = "Territoire introuvable — tableau de bord territoire"
            return
        level = self.state.provider.territory(self.state.code).level
        group = level != "commune"
        # A group is compared with the territories of its level: the commune peer groups do not apply.
        self.peers.layout.display = "none" if group else None
        self.geomap.choice_scope.layout.display = "none" if group else None
        self.level_note.value = (
            '<div class="ti-aide">Comparé aux territoires de même niveau '
            f"({html.escape(PEERS_OF_LEVEL.get(level, level))}).</div>"
            if group
            else ""
        )
        self.page.title = f"{self.state.name} — tableau de bord territoire"
        self.page.query = query_of(self.state.code)
        self.title.value = (
            f"<h1>{html.escape(self.state.name)}</h1>"
            f'<div class="ti-rattachement">{_attachment(self.state.provider, self.state.code)}</div>'
        )

    def _error(self, _change=None) -> None:
        message = self.state.error
        self.error.value = f'<div class="ti-erreur" role="alert">{html.escape(message)}</div>' if message else ""
        buttons = []
        for code, label in self.state.suggestions if message else []:
            button = w.Button(description=label, tooltip=f"Ouvrir {label}", layout=w.Layout(width="auto"))
            button.on_click(lambda _b, code=code: self.state.choose(code))
            buttons.append(button)
        lead = w.HTML('<span class="ti-aide">Vouliez-vous dire :</span>') if buttons else None
        self.suggestions.children = ([lead] if lead else []) + buttons
        self.suggestions.layout.display = None if buttons else "none"
        if not self.state.code:  # the tab's title says the territory was not found
            self._title()
