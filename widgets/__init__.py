"""Reusable ipywidgets / ipyleaflet components of the territoire dashboard.

Every component takes the shared ``State`` (commune, peers, indicator) whose ``provider``
answers data questions; tests pass a small fake instead of the warehouse.
"""

from widgets.choropleth import ChoroplethMap
from widgets.cards import IndicatorCard
from widgets.discussion import DiscussionPanel
from widgets.state import State
from widgets.export import ExportButton
from widgets.providers import WarehouseProvider
from widgets.charts import PeerDistributionChart, TrendChart
from widgets.tabs import ThemeTabs
from widgets.radar import RadarPanel
from widgets.selection import CommuneSelector, PeerGroupPicker
from widgets.dashboard import Dashboard, requested_territory, open_dashboard, prepare_dashboard
from widgets.zan import ZanPanel

__all__ = [
    "ChoroplethMap", "CommuneSelector", "DiscussionPanel", "State", "ExportButton", "WarehouseProvider", "IndicatorCard",
    "PeerDistributionChart", "PeerGroupPicker", "RadarPanel", "Dashboard", "ThemeTabs", "TrendChart", "ZanPanel",
    "requested_territory", "open_dashboard", "prepare_dashboard",
]
