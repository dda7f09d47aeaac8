"""Files recognised as references: they carry no observation for the warehouse.

- INSEE dictionaries of variables (``meta_*.CSV``: ``COD_VAR;LIB_VAR;LIB_VAR_LONG;…``), shipped
  next to every INSEE base;
- GeoJSON layers: commune boundaries and Etalab cadastre layers (parcels, buildings…), used
  by the radar foncier and the maps, not by the indicator warehouse.

Listing them as recognised (with their role) rather than as "not recognised" tells the
user that nothing of what they gave was silently dropped.
"""

from __future__ import annotations

from territoire_data.sources import observations
from territoire_data.sources.base import Lecture, Source, a_colonnes


class DictionnaireInsee(Source):
    nom = "insee_dictionnaire"
    libelle = "INSEE, dictionnaire des variables"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "COD_VAR", "LIB_VAR")

    def lire(self, fichier, entete, utiles):
        return Lecture(observations.vide(), "", role="dictionnaire des variables INSEE (libellés des colonnes)")


class CoucheGeographique(Source):
    nom = "couche_geographique"
    libelle = "Couche géographique GeoJSON"
    producteur = ""

    def reconnait_json(self, objet) -> bool:
        return isinstance(objet, dict) and objet.get("type") == "FeatureCollection"

    def lire_json(self, fichier, objet, utiles):
        entites = objet.get("features") or []
        proprietes = set((entites[0].get("properties") or {}) if entites else {})
        if {"contenance", "section", "numero"} <= proprietes:
            quoi = "cadastre Etalab : parcelles (radar foncier)"
        elif "type" in proprietes and "commune" in proprietes:
            quoi = "cadastre Etalab : bâtiments (radar foncier)"
        elif "commune" in proprietes or "id" in proprietes and "prefixe" in proprietes:
            quoi = "cadastre Etalab (radar foncier)"
        else:
            quoi = "contours (cartes)"
        return Lecture(observations.vide(), "", role=f"couche géographique, {len(entites)} objets — {quoi}, "
                       "sans indicateur pour l'entrepôt")
