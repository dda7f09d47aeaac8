"""The élu's dashboard: every component wired to one shared state.

In the Voilà notebook::

    vue = preparer()                 # data and widgets, built while the kernel is preheated
    ouvrir(vue, commune_demandee())  # fills them for ?commune=CODE

``commune_demandee`` waits for the browser's request when the kernel is preheated and reads
``?commune=CODE`` from it. After that, the commune changes in place (search, map clicks)
without reloading the page.
"""

from __future__ import annotations

import asyncio
import html
import os
import sys
from urllib.parse import parse_qs

import ipywidgets as w
import traitlets

from territoire_data.erreurs import TerritoireErreur
from territoire_data.format import nombre
from territoire_data.sources import libelle as libelle_source
from widgets.carte import ChoroplethMap
from widgets.discussion import DiscussionPanel
from widgets.radar import RadarPanel
from widgets.etat import Etat
from widgets.export import ExportButton
from widgets.fournisseur import Fournisseur
from widgets.garde import garde
from widgets.graphiques import PeerDistributionChart, TrendChart
from widgets.onglets import ThemeTabs
from widgets.selection import CommuneSelector, PeerGroupPicker
from widgets.style import feuille
from widgets.zan import ZanPanel

COMMUNE_PAR_DEFAUT = "33063"
MESSAGE_PRET = "territoire : noyau préchauffé prêt"


def preparer(home=None) -> w.Widget:
    """Load the data and build the dashboard's widgets, before any request.

    In a preheated Voilà kernel this runs while nobody waits; ``ouvrir`` then only fills the
    widgets for the commune asked for. When the data are missing, the returned view says so
    in French.
    """
    try:
        fournisseur = Fournisseur(home)
    except TerritoireErreur as e:
        message = w.HTML(f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>')
        message.add_class("territoire-erreur")
        racine = w.VBox([w.HTML(feuille()), message])
        racine.add_class("territoire-dashboard")
        return racine
    fournisseur.prechauffer()
    vue = TableauDeBord(fournisseur)
    vue.etat.choisir(COMMUNE_PAR_DEFAUT)  # fills every component once: imports and caches warm
    vue.etat.code = ""
    # To the server's log (not the page): this kernel is ready to serve.
    print(MESSAGE_PRET, file=sys.__stderr__, flush=True)
    return vue


def ouvrir(vue: w.Widget, code: str | None, *, differe: bool = False) -> w.Widget:
    """Show the commune of ``code`` (validated: a forged code gives the error card).

    ``differe``: fill the widgets just after the cell returns, so that Voilà finishes the
    page (and the browser loads its scripts) while the kernel computes; the browser gets
    the filled state when it connects, or the updates if it connected first.
    """
    if not isinstance(vue, TableauDeBord):
        return vue
    from territoire_data.discussions.identite import identite

    login = identite()  # resolved once, now that the request (and its headers) arrived
    if differe:
        try:
            boucle = asyncio.get_running_loop()
            boucle.call_soon(vue.etat.choisir, code)
            boucle.call_soon(lambda: vue.discussion.connecter(login, impose=login is not None))
            return vue
        except RuntimeError:  # no running loop (plain Python): fill now
            pass
    vue.etat.choisir(code)
    vue.discussion.connecter(login, impose=login is not None)
    return vue


def commune_demandee(defaut: str = COMMUNE_PAR_DEFAUT) -> str:
    """``?commune=CODE`` of the page's URL (waits for the request in a preheated Voilà kernel)."""
    try:
        from voila.utils import wait_for_request

        wait_for_request()
    except ImportError:  # outside Voilà: a notebook or a test
        pass
    valeurs = parse_qs(os.environ.get("QUERY_STRING", "")).get("commune")
    return valeurs[0] if valeurs else defaut


def _rattachement(fournisseur, code: str) -> str:
    t = fournisseur.territoire(code)
    fiche = t.fiche()
    morceaux = []
    if fiche.get("departement"):
        morceaux.append(f"{fiche['departement']['name']} ({fiche['departement']['code']})")
    if fiche.get("epci"):
        morceaux.append(fiche["epci"]["name"])
    morceaux.append(f"code INSEE {t.code}")
    if fiche.get("area_km2"):
        morceaux.append(f"{nombre(fiche['area_km2'], 1)} km²")
    return " · ".join(html.escape(m) for m in morceaux)


class TableauDeBord(w.VBox):
    """Root ``.territoire-dashboard``: header, search, peers, title, cards, map, charts, ZAN, export."""

    def __init__(self, fournisseur, code: str | None = None, **kwargs):
        # Components observe the state: built empty, they fill in when a commune is chosen.
        self.etat = Etat(fournisseur)
        entete = w.HTML('<div class="ti-marque">territoire · tableau de bord de la planification écologique</div>'
                        '<div class="ti-sous-titre">Indicateurs issus des données publiques, positionnés parmi des '
                        "communes comparables.</div>")
        entete.add_class("territoire-entete")
        elements: list[w.Widget] = [w.HTML(feuille()), entete]
        if fournisseur.demo:
            bandeau = w.HTML("<strong>Données de démonstration.</strong> Les valeurs affichées sont synthétiques "
                             "(plausibles, dérivées des populations et superficies réelles) : ne les citez pas.")
            bandeau.add_class("territoire-bandeau-demo")
            elements.append(bandeau)
        self.selecteur = CommuneSelector(self.etat, layout=w.Layout(width="55%"))
        self.pairs = PeerGroupPicker(self.etat)
        self.erreur = w.HTML()
        self.erreur.add_class("territoire-erreur")
        self.titre = w.HTML()
        self.titre.add_class("territoire-titre")
        self.etat.observe(self._erreur, "erreur")
        self.etat.observe(self._titre, "code")
        if code is not None:
            self.etat.choisir(code)
        self.onglets = ThemeTabs(self.etat)
        self.carte = ChoroplethMap(self.etat, layout=w.Layout(width="58%"))
        self.evolution = TrendChart(self.etat)
        self.distribution = PeerDistributionChart(self.etat)
        self.zan = ZanPanel(self.etat)
        self.export = ExportButton(self.etat)
        demo_logins = None
        if fournisseur.demo:
            from territoire_data.discussions.demo import COMPTES

            demo_logins = [login for login, *_ in COMPTES]
        self.discussion = DiscussionPanel(self.etat, demo_logins=demo_logins)
        self.radar = RadarPanel(self.etat, carte=self.carte)
        traitlets.dlink((self.discussion, "login"), (self.radar, "login"))  # one identity for both
        section = lambda titre: w.HTML(f'<div class="territoire-section"><h2>{html.escape(titre)}</h2></div>')
        elements += [
            w.HBox([self.selecteur, self.pairs], layout=w.Layout(justify_content="space-between", align_items="flex-start")),
            self.erreur, self.titre, self.export, self.onglets,
            section("Carte, évolution et position parmi les pairs"),
            w.HBox([self.carte, w.VBox([self.evolution, self.distribution], layout=w.Layout(width="42%"))],
                   layout=w.Layout(grid_gap="16px")),
            section("Trajectoire ZAN (zéro artificialisation nette)"), self.zan,
            self.radar, self.discussion,
            w.HTML(self._pied(fournisseur)),
        ]
        super().__init__(elements, **kwargs)
        self.add_class("territoire-dashboard")
        self._titre()
        self._erreur()

    @staticmethod
    def _pied(fournisseur) -> str:
        sources = fournisseur.sources() if hasattr(fournisseur, "sources") else {}
        texte = ("Sources : " + " ; ".join(f"{html.escape(libelle_source(nom))} ({html.escape(', '.join(editions))})"
                                          for nom, editions in sorted(sources.items())) + ". ") if sources else ""
        return (f'<div class="territoire-pied">{texte}Chaque valeur indique sa source, son édition et son calcul '
                "(« Provenance » sur chaque carte). Données publiques sous Licence Ouverte / ODbL selon les sources.</div>")

    @garde
    def _titre(self, _change=None) -> None:
        if not self.etat.code:
            self.titre.value = ""
            return
        self.titre.value = (f"<h1>{html.escape(self.etat.nom)}</h1>"
                            f'<div class="ti-rattachement">{_rattachement(self.etat.fournisseur, self.etat.code)}</div>')

    def _erreur(self, _change=None) -> None:
        message = self.etat.erreur
        self.erreur.value = (f'<div class="ti-erreur" role="alert">{html.escape(message)}</div>' if message else "")
