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
from territoire_data.sources.base import Reading, Source, has_columns


class InseeDictionary(Source):
    name = "insee_dictionnaire"
    label = "INSEE, dictionnaire des variables"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "COD_VAR", "LIB_VAR")

    def read(self, file, header, useful):
        return Reading(observations.empty(), "", role="dictionnaire des variables INSEE (libellés des colonnes)")


class GeoLayer(Source):
    name = "couche_geographique"
    label = "Couche géographique GeoJSON"
    producer = ""

    def recognises_json(self, obj) -> bool:
        return isinstance(obj, dict) and obj.get("type") == "FeatureCollection"

    def read_json(self, file, obj, useful):
        features = obj.get("features") or []
        properties = set((features[0].get("properties") or {}) if features else {})
        if {"contenance", "section", "numero"} <= properties:
            what = "cadastre Etalab : parcelles (radar foncier)"
        elif "type" in properties and "commune" in properties:
            what = "cadastre Etalab : bâtiments (radar foncier)"
        elif "commune" in properties or "id" in properties and "prefixe" in properties:
            what = "cadastre Etalab (radar foncier)"
        else:
            what = "contours (cartes)"
        return Reading(
            observations.empty(),
            "",
            role=f"couche géographique, {len(features)} objets — {what}, sans indicateur pour l'entrepôt",
        )
