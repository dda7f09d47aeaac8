"""A small fake ``Fournisseur`` for widget tests: four communes on a 2 × 2 grid, known values.

Values are chosen so that every state shows: ``taux_pauvrete`` is secret in 99002,
``revenu_median`` is missing in 99003, peers differ between groups (``densite`` has all
four communes, ``departement`` only the first three).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from territoire_data import compare, zan
from territoire_data.catalogue import INDICATEURS
from territoire_data.erreurs import TerritoireErreur, TerritoireInconnu
from territoire_data.indicateurs import COLONNES, dynamique
from territoire_data.texte import normaliser

COMMUNES = {"99001": "Saint-Éloi-la-Forêt", "99002": "Mérignac-sur-Faux", "99003": "Bourg-Témoin",
            "99004": "Les Écluses"}
POPULATION = {"99001": 12_000.0, "99002": 3_000.0, "99003": 800.0, "99004": 45_000.0}
# Yearly NAF flows (m²) of 2011 … 2023: the ZAN reference of 99001 is 10 × 2 ha = 20 ha.
FLUX_NAF = {"99001": [20_000.0] * 13, "99002": [5_000.0] * 13, "99003": [1_000.0] * 13, "99004": [80_000.0] * 13}


@dataclass(frozen=True)
class FauxTerritoire:
    code: str
    name: str
    level: str = "commune"
    departement: str = "99"
    epci: str | None = "200000001"

    def fiche(self) -> dict:
        return {"code": self.code, "name": self.name, "departement": {"code": "99", "name": "Département fictif"},
                "epci": {"code": self.epci, "name": "Communauté fictive"}, "area_km2": 10.0}


@dataclass
class Resultat:
    code: str
    name: str
    departement: str = "99"


class FauxEntrepot:
    """Just what ``zan.trajectoire`` reads."""

    def observations(self, variable, code):
        flux = FLUX_NAF[code]
        return pd.DataFrame({"code": code, "variable": variable, "annee": range(2011, 2011 + len(flux)),
                             "valeur": flux, "statut": "ok"})


def valeur(code: str, indicateur: str) -> float:
    """Deterministic made-up value of an indicator in a commune."""
    if indicateur == "population":
        return POPULATION[code]
    rang = list(COMMUNES).index(code)
    return round(10.0 + 5.0 * rang + (sum(map(ord, indicateur)) % 7), 2) if indicateur != "taux_chomage_15_64" else 6.0 + rang


class FauxFournisseur:
    demo = True

    def __init__(self):
        self.entrepot = FauxEntrepot()
        self.appels: list[tuple] = []
        self.formes_lues: list[str] = []

    def sources(self):
        return {"insee_comparateur": ["2025"]}

    def territoire(self, code: str):
        code = str(code).strip()
        if code not in COMMUNES:
            raise TerritoireInconnu(f"Commune inconnue : « {code} ».", [])
        return FauxTerritoire(code, COMMUNES[code])

    def codes_inconnus(self, codes):
        return [c for c in codes if c not in COMMUNES]

    def rechercher(self, texte: str, limite: int = 8):
        requete = normaliser(texte)
        return [Resultat(c, n) for c, n in COMMUNES.items() if requete in normaliser(n) or texte.strip() == c][:limite]

    def _pairs(self, pairs: str) -> list[str]:
        if pairs.startswith("liste:"):
            return pairs[6:].split(",")
        return list(COMMUNES)[:3] if pairs == "departement" else list(COMMUNES)

    def statut(self, code: str, indicateur: str) -> str:
        if (code, indicateur) == ("99002", "taux_pauvrete"):
            return "secret"
        if (code, indicateur) == ("99003", "revenu_median"):
            return "missing"
        return "ok"

    def indicateurs(self, code: str, pairs: str) -> pd.DataFrame:
        self.territoire(code)
        self.appels.append(("indicateurs", code, pairs))
        pairs_codes = self._pairs(pairs)
        lignes = []
        for i in INDICATEURS:
            statut = self.statut(code, i.id)
            v = valeur(code, i.id) if statut == "ok" else None
            autres = np.array([valeur(c, i.id) for c in pairs_codes if self.statut(c, i.id) == "ok"])
            pos = compare.position(np.nan if v is None else v, autres)
            debut = None if v is None else v * 0.9
            change, taux = dynamique(v, 2022, debut, 2016) if v is not None else (None, None)
            lignes.append({
                "id": i.id, "theme": i.theme, "label": i.libelle, "value": v, "unit": i.unite,
                "year": 2022 if v is not None else None, "source": "insee_comparateur", "edition": "2025",
                "status": statut, "definition": i.definition, "polarity": i.polarite, "decimals": i.decimales,
                "first_year": 2016 if v is not None else None, "first_value": debut, "change": change,
                "annual_rate": taux, "peers_group": pairs.split(":")[0], "peers_n": pos["n"],
                "percentile": pos["percentile"], "median": pos["median"], "q1": pos["q1"], "q3": pos["q3"],
            })
        return pd.DataFrame(lignes, columns=COLONNES)

    def serie(self, code: str, indicateur: str) -> pd.DataFrame:
        annees = list(range(2016, 2023))
        v = valeur(code, indicateur)
        return pd.DataFrame({"annee": annees, "valeur": [v * (0.9 + 0.1 * k / 6) for k in range(7)],
                             "statut": "ok", "source": "insee_comparateur", "edition": "2025"})

    def valeurs_pairs(self, code: str, pairs: str, indicateur: str) -> np.ndarray:
        return np.sort([valeur(c, indicateur) for c in self._pairs(pairs)])

    def zan(self, code: str, rythme_ha_an=None, plancher_1ha=False) -> dict:
        return zan.trajectoire(self.territoire(code), rythme_ha_an=rythme_ha_an, plancher_1ha=plancher_1ha,
                               entrepot=self.entrepot)

    def perimetre(self, code: str, portee: str = "departement"):
        if code not in COMMUNES:
            raise TerritoireErreur("inconnue")
        return ("epci:200000001", "communes de la Communauté fictive") if portee == "epci" else \
            ("dep:99", "communes du Département fictif")

    def formes(self, cle: str) -> gpd.GeoDataFrame:
        self.formes_lues.append(cle)
        codes = list(COMMUNES) if cle == "dep:99" else list(COMMUNES)[:2]
        cases = [box(-0.6 + 0.1 * (k % 2), 44.8 + 0.1 * (k // 2), -0.5 + 0.1 * (k % 2), 44.9 + 0.1 * (k // 2))
                 for k in range(len(codes))]
        return gpd.GeoDataFrame({"code": codes, "nom": [COMMUNES[c] for c in codes]}, geometry=cases, crs=4326)

    def valeurs(self, codes, indicateur: str) -> pd.Series:
        return pd.Series([valeur(c, indicateur) if self.statut(c, indicateur) == "ok" else np.nan for c in codes],
                         index=pd.Index(codes))
