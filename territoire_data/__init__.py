"""territoire: open data for the ecological planning of French territories.

Notebook entry points::

    from territoire_data import Workspace, search, territory

    bordeaux = territory("33063")          # the default workspace ($TERRITOIRE_HOME)
    bordeaux.indicators(theme="emploi")
    search("saint etienne")[0].code        # '42218'

    workspace = Workspace("/data/territoire")  # another home, explicitly
    workspace.territory("epci:243300316").zan()
"""

from __future__ import annotations

import os

from territoire_data.core.search import COMMUNE_LEVELS, SearchResult
from territoire_data.core.territories import Territory
from territoire_data.errors import TerritoireError, UnknownTerritory
from territoire_data.settings import Settings
from territoire_data.workspace import Workspace, default_workspace, set_default_workspace, workspace_for

__all__ = [
    "SearchResult",
    "Settings",
    "Territory",
    "TerritoireError",
    "UnknownTerritory",
    "Workspace",
    "default_workspace",
    "open_warehouse",
    "search",
    "set_default_workspace",
    "territory",
]


def territory(code: str, home: str | os.PathLike | None = None, *, workspace: Workspace | None = None) -> Territory:
    """The territory named by ``code`` in a workspace (by default the default workspace, or
    the one of ``home``); raises ``UnknownTerritory`` with suggestions."""
    return workspace_for(home, workspace).territory(code)


def search(
    text: str,
    limit: int = 10,
    levels=COMMUNE_LEVELS,
    home: str | os.PathLike | None = None,
    *,
    workspace: Workspace | None = None,
) -> list[SearchResult]:
    """Territories matching ``text``, best first (accents, hyphens and case ignored; a
    département number or name at the end keeps that département's communes), in a workspace
    (by default the default one, or the one of ``home``)."""
    return workspace_for(home, workspace).search(text, limit=limit, levels=levels)


def open_warehouse(home=None):
    """The current warehouse of a home (the default workspace's without ``home``): the package's
    top picks the default, the domain modules receive their warehouse."""
    return workspace_for(home).warehouse
