"""territoire: open data for the ecological planning of French territories.

Notebook entry points::

    from territoire_data import territoire, search
    bordeaux = territoire("33063")
    search("saint etienne")[0].code  # '42218'
"""

from territoire_data.errors import TerritoireError, UnknownTerritory
from territoire_data.core.search import SearchResult, search
from territoire_data.core.territories import Territory, territory

search = search

__all__ = ["SearchResult", "Territory", "TerritoireError", "UnknownTerritory", "search", "search", "territory"]
