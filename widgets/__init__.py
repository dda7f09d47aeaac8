"""Reusable ipywidgets / ipyleaflet components of the territoire dashboard.

Every component takes the shared ``Etat`` (commune, peers, indicator) whose ``fournisseur``
answers data questions; tests pass a small fake instead of the warehouse.
"""

from widgets.carte import ChoroplethMap
from widgets.cartes import IndicatorCard
from widgets.discussion import DiscussionPanel
from widgets.etat import Etat
from widgets.export import ExportButton
from widgets.fournisseur import Fournisseur
from widgets.graphiques import PeerDistributionChart, TrendChart
from widgets.onglets import ThemeTabs
from widgets.radar import RadarPanel
from widgets.selection import CommuneSelector, PeerGroupPicker
from widgets.tableau_de_bord import TableauDeBord, commune_demandee, ouvrir, preparer
from widgets.zan import ZanPanel

__all__ = [
    "ChoroplethMap", "CommuneSelector", "DiscussionPanel", "Etat", "ExportButton", "Fournisseur", "IndicatorCard",
    "PeerDistributionChart", "PeerGroupPicker", "RadarPanel", "TableauDeBord", "ThemeTabs", "TrendChart", "ZanPanel",
    "commune_demandee", "ouvrir", "preparer",
]
