"""What the widgets ask of the data: one object, so tests can hand them a small fake.

``Fournisseur`` reads the referential and the warehouse of a home through the
``territoire_data`` API. Widgets only call the methods below; ``tests/faux.py`` implements
the same ones over a handful of made-up communes.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd

from territoire_data import compare, indicateurs, zan
from territoire_data.entrepot import ouvrir
from territoire_data.erreurs import TerritoireErreur
from territoire_data.recherche import rechercher
from territoire_data.referential import charger
from territoire_data.territoires import territoire


class _Cache(OrderedDict):
    def __init__(self, taille: int):
        super().__init__()
        self.taille = taille

    def obtenir(self, cle, calcul):
        if cle in self:
            self.move_to_end(cle)
            return self[cle]
        valeur = self[cle] = calcul()
        if len(self) > self.taille:
            self.popitem(last=False)
        return valeur


class Fournisseur:
    """Territories, indicators, series, peers, ZAN and map shapes of one home."""

    def __init__(self, home=None):
        self.home = home
        self.referentiel = charger(home)
        self.entrepot = ouvrir(home)
        self._tables = _Cache(32)
        self._formes = _Cache(128)  # every département of France fits

    @property
    def demo(self) -> bool:
        return self.entrepot.demo

    def sources(self) -> dict[str, list[str]]:
        """Sources of the warehouse and their editions."""
        return {nom: list(s.get("editions", [])) for nom, s in self.entrepot.manifeste.get("sources", {}).items()}

    def territoire(self, code: str):
        """The commune of a code; raises ``TerritoireErreur`` (French message) otherwise."""
        t = territoire(code, referentiel=self.referentiel)
        if t.level != "commune":
            raise TerritoireErreur(f"« {code} » n'est pas une commune : le tableau de bord s'ouvre sur une commune.")
        return t

    def codes_inconnus(self, codes) -> list[str]:
        index = self.referentiel.communes.index
        return [c for c in codes if c not in index]

    def rechercher(self, texte: str, limite: int = 8):
        return rechercher(texte, limite=limite, niveaux=("commune",), referentiel=self.referentiel)

    def indicateurs(self, code: str, pairs: str) -> pd.DataFrame:
        return self._tables.obtenir((code, pairs), lambda: indicateurs.tableau(
            self.territoire(code), pairs=pairs, entrepot=self.entrepot))

    def serie(self, code: str, indicateur: str) -> pd.DataFrame:
        return self.entrepot.serie(code, indicateur)

    def valeurs_pairs(self, code: str, pairs: str, indicateur: str) -> np.ndarray:
        groupe = compare.pairs(self.territoire(code), pairs, self.entrepot.matrice, indicateurs._dens7(self.entrepot))
        return self.entrepot.valeurs_triees(groupe.cle, groupe.codes).get(indicateur, np.array([]))

    def zan(self, code: str, rythme_ha_an: float | None = None, plancher_1ha: bool = False) -> dict:
        return zan.trajectoire(self.territoire(code), rythme_ha_an=rythme_ha_an, plancher_1ha=plancher_1ha,
                               entrepot=self.entrepot)

    def prechauffer(self) -> None:
        """Load what the first page needs (indexes, NAF flows, every département's shapes)."""
        self.entrepot.derniers  # noqa: B018
        self.entrepot.valeurs_matrice  # noqa: B018
        self.entrepot.memoriser_observations(["NAF_ART"])  # ZAN panel: no Parquet read per commune
        from widgets.carte import squelette  # the map's GeoJSON, cached on this provider

        communes = self.referentiel.communes
        presents = communes.index.intersection(self.entrepot.matrice.index)
        for departement in sorted(communes.loc[presents, "departement"].dropna().unique()):
            squelette(self, f"dep:{departement}")

    def perimetre(self, code: str, portee: str = "departement") -> tuple[str, str]:
        """(key, French label) of the communes drawn around a commune."""
        t = self.territoire(code)
        if portee == "epci" and t.epci is not None:
            return f"epci:{t.epci}", f"communes de {self.referentiel.epci.at[t.epci, 'nom']}"
        dep = t.departement
        return f"dep:{dep}", f"communes du département {self.referentiel.departements.at[dep, 'nom']}"

    def formes(self, cle: str):
        """Simplified boundaries (WGS84) of the communes of a ``dep:``/``epci:`` key."""
        def lire():
            communes = self.referentiel.communes
            niveau, valeur = cle.split(":", 1)
            codes = communes.index[communes["departement" if niveau == "dep" else "epci"] == valeur].tolist()
            formes = self.referentiel.geometries("departement", communes=codes)
            formes["nom"] = communes["nom"].reindex(formes["code"]).to_numpy()
            return formes[["code", "nom", "geometry"]].sort_values("code").reset_index(drop=True)
        return self._formes.obtenir(cle, lire)

    def valeurs(self, codes, indicateur: str) -> pd.Series:
        matrice = self.entrepot.matrice
        if indicateur not in matrice.columns:
            return pd.Series(np.nan, index=pd.Index(codes))
        return matrice[indicateur].reindex(codes)
