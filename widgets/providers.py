"""What the widgets ask of the data: one object, so tests can hand them a small fake.

``WarehouseProvider`` reads the referential and the warehouse of a home through the
``territoire_data`` API. Widgets only call the methods below; ``tests/faux.py`` implements
the same ones over a handful of made-up communes.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd

from territoire_data.core import peer_groups, indicators, zan
from territoire_data.core.warehouse import open_warehouse
from territoire_data.errors import TerritoireError
from territoire_data.core.search import search
from territoire_data.core.referential import load_referential
from territoire_data.core.territories import territory


class _LruCache(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or_compute(self, key, calculation):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = calculation()
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class WarehouseProvider:
    """Territories, indicators, series, peers, ZAN and map shapes of one home."""

    def __init__(self, home=None):
        self.home = home
        self.referential = load_referential(home)
        self.warehouse = open_warehouse(home)
        self._tables = _LruCache(32)
        self._shapes = _LruCache(128)  # every département of France fits

    @property
    def demo(self) -> bool:
        return self.warehouse.demo

    def sources(self) -> dict[str, list[str]]:
        """Sources of the warehouse and their editions."""
        return {name: list(s.get("editions", [])) for name, s in self.warehouse.manifest.get("sources", {}).items()}

    def territory(self, code: str):
        """The commune of a code; raises ``TerritoireError`` (French message) otherwise."""
        t = territory(code, referential=self.referential)
        if t.level != "commune":
            raise TerritoireError(f"« {code} » n'est pas une commune : le tableau de bord s'ouvre sur une commune.")
        return t

    def unknown_codes(self, codes) -> list[str]:
        index = self.referential.communes.index
        return [c for c in codes if c not in index]

    def search(self, text: str, limit: int = 8):
        return search(text, limit=limit, levels=("commune",), referential=self.referential)

    def indicators(self, code: str, peers: str) -> pd.DataFrame:
        return self._tables.get_or_compute((code, peers), lambda: indicators.indicator_table(
            self.territory(code), peers=peers, warehouse=self.warehouse))

    def series_of(self, code: str, indicator: str) -> pd.DataFrame:
        return self.warehouse.series_of(code, indicator)

    def peer_values(self, code: str, peers: str, indicator: str) -> np.ndarray:
        group = peer_groups.peers(self.territory(code), peers, self.warehouse.matrix, indicators._dens7(self.warehouse))
        return self.warehouse.sorted_values(group.key, group.codes).get(indicator, np.array([]))

    def zan(self, code: str, pace_ha_per_year: float | None = None, floor_1ha: bool = False) -> dict:
        return zan.trajectory(self.territory(code), pace_ha_per_year=pace_ha_per_year, floor_1ha=floor_1ha,
                               warehouse=self.warehouse)

    def preheat(self) -> None:
        """Load what the first page needs (indexes, NAF flows, every département's shapes)."""
        self.warehouse.latest  # noqa: B018
        self.warehouse.matrix_values  # noqa: B018
        self.warehouse.hold_observations(["NAF_ART"])  # ZAN panel: no Parquet read per commune
        from widgets.choropleth import skeleton  # the map's GeoJSON, cached on this provider

        communes = self.referential.communes
        present = communes.index.intersection(self.warehouse.matrix.index)
        for departement in sorted(communes.loc[present, "departement"].dropna().unique()):
            skeleton(self, f"dep:{departement}")

    def scope(self, code: str, extent: str = "departement") -> tuple[str, str]:
        """(key, French label) of the communes drawn around a commune."""
        t = self.territory(code)
        if extent == "epci" and t.epci is not None:
            return f"epci:{t.epci}", f"communes de {self.referential.epci.at[t.epci, 'name']}"
        dep = t.departement
        return f"dep:{dep}", f"communes du département {self.referential.departements.at[dep, 'name']}"

    def shapes(self, key: str):
        """Simplified boundaries (WGS84) of the communes of a ``dep:``/``epci:`` key."""
        def read():
            communes = self.referential.communes
            level, value = key.split(":", 1)
            codes = communes.index[communes["departement" if level == "dep" else "epci"] == value].tolist()
            shapes = self.referential.geometries("departement", communes=codes)
            shapes["name"] = communes["name"].reindex(shapes["code"]).to_numpy()
            return shapes[["code", "name", "geometry"]].sort_values("code").reset_index(drop=True)
        return self._shapes.get_or_compute(key, read)

    def values(self, codes, indicator: str) -> pd.Series:
        matrix = self.warehouse.matrix
        if indicator not in matrix.columns:
            return pd.Series(np.nan, index=pd.Index(codes))
        return matrix[indicator].reindex(codes)
