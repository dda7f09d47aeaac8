"""territoire: open data for the ecological planning of French territories.

Notebook entry points::

    from territoire_data import territoire, search
    bordeaux = territoire("33063")
    search("saint etienne")[0].code  # '42218'
"""

from territoire_data.erreurs import TerritoireErreur, TerritoireInconnu
from territoire_data.recherche import Resultat, rechercher
from territoire_data.territoires import Territoire, territoire

search = rechercher

__all__ = ["Resultat", "Territoire", "TerritoireErreur", "TerritoireInconnu", "rechercher", "search", "territoire"]
