"""Reusable ipywidgets / ipyleaflet components of the territoire dashboard.

Every component takes the shared ``State`` (commune, peers, indicator) whose ``provider``
(an ``IndicatorProvider``) answers data questions; the discussion and radar panels take a
``DiscussionProvider`` and a ``RadarProvider``. ``Workspace*`` implement them on a
``territoire_data.Workspace``; tests pass small fakes (``tests/fakes.py``).
"""

from widgets.cards import IndicatorCard
from widgets.charts import PeerDistributionChart, TrendChart
from widgets.choropleth import ChoroplethMap
from widgets.dashboard import Dashboard, open_dashboard, prepare_dashboard, requested_territory
from widgets.discussion import DiscussionPanel
from widgets.export import ExportButton, ExportPanel
from widgets.providers import (
    DiscussionProvider,
    IndicatorProvider,
    RadarProvider,
    WorkspaceDiscussions,
    WorkspaceProvider,
    WorkspaceRadar,
)
from widgets.radar import RadarPanel
from widgets.selection import CommuneSelector, PeerGroupPicker
from widgets.state import State
from widgets.tabs import ThemeTabs
from widgets.zan import ZanPanel

__all__ = [
    "ChoroplethMap",
    "CommuneSelector",
    "DiscussionPanel",
    "State",
    "ExportButton",
    "ExportPanel",
    "IndicatorProvider",
    "DiscussionProvider",
    "RadarProvider",
    "WorkspaceProvider",
    "WorkspaceDiscussions",
    "WorkspaceRadar",
    "IndicatorCard",
    "PeerDistributionChart",
    "PeerGroupPicker",
    "RadarPanel",
    "Dashboard",
    "ThemeTabs",
    "TrendChart",
    "ZanPanel",
    "requested_territory",
    "open_dashboard",
    "prepare_dashboard",
]
