"""Sections 2° and 3° of the triennial report: net artificialisation and imperviousness,
measured with OCS GE (IGN), from the commune tables of the portail de l'artificialisation
(``sources.ocsge_communes``).

For a territory: the artificialised (or impervious) surface at the two millésimes, its share
of the area, and the net flow between them (artificialised minus de-artificialised), over
its member communes. A commune without a row is not covered (its département has no two
millésimes yet): the section then says so, and why, in plain French — never a zero, never an
empty table. Communes measured at different millésimes are not added up either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VARIABLES = ("OCSGE_ARTIF", "OCSGE_ARTIF_NET", "OCSGE_IMPER", "OCSGE_IMPER_NET")
KINDS = {
    "artificialisation": ("OCSGE_ARTIF", "OCSGE_ARTIF_NET"),
    "impermeabilisation": ("OCSGE_IMPER", "OCSGE_IMPER_NET"),
}
NOT_LOADED = (
    "Aucun fichier OCS GE n'est chargé : ajoutez les tables communales du portail de l'artificialisation "
    "(artificialisation et imperméabilisation) aux fichiers de l'entrepôt (territoire data build)"
)


class LandCover:
    """The OCS GE rows of many communes, read once for a batch (``Flows``) and looked up by
    commune in each draft without scanning the whole table: per variable, the rows of each
    commune. ``loaded``: whether the warehouse holds an OCS GE table at all."""

    def __init__(self, observations: pd.DataFrame, loaded: bool):
        self.loaded = loaded
        kept = observations[observations["status"].astype(str) == "ok"]
        self._frames: dict[str, pd.DataFrame] = {}
        self._positions: dict[str, dict[str, np.ndarray]] = {}
        for variable in VARIABLES:
            here = kept[kept["variable"].astype(str) == variable]
            frame = pd.DataFrame(
                {
                    "code": here["code"].astype(str).to_numpy(),
                    "start": here["start"].astype("float64").to_numpy(),
                    "year": here["year"].astype("float64").to_numpy(),
                    "value": here["value"].to_numpy(dtype="float64"),
                }
            )
            self._frames[variable] = frame
            self._positions[variable] = frame.groupby("code").indices

    def rows(self, variable: str, codes: list[str]) -> pd.DataFrame:
        """The rows of ``variable`` for ``codes`` (none for a commune without a row)."""
        positions = self._positions[variable]
        found = [positions[c] for c in codes if c in positions]
        frame = self._frames[variable]
        return frame.iloc[np.concatenate(found)] if found else frame.iloc[0:0]


def measured(cover: LandCover, codes: list[str], area_ha: float | None) -> dict:
    """Sections 2° and 3° for the communes ``codes``: one entry per kind, each with
    ``available`` and, when not, the ``reason`` in French."""
    return {kind: _kind(cover, codes, area_ha, *variables) for kind, variables in KINDS.items()}


def _share(value: float | None, area_ha: float | None) -> float | None:
    return None if value is None or not area_ha else 100 * value / area_ha


def _kind(cover: LandCover, codes: list[str], area_ha: float | None, stock: str, flow: str) -> dict:
    if not cover.loaded:
        return {"available": False, "reason": NOT_LOADED}
    flows = cover.rows(flow, codes)
    missing = sorted(set(codes) - set(flows["code"]))
    if len(missing) == len(codes):
        return {
            "available": False,
            "reason": "l'OCS GE n'est pas encore publiée en deux millésimes pour ce territoire "
            "(le portail de l'artificialisation ne donne pas de ligne)",
        }
    if missing:
        return {
            "available": False,
            "reason": f"l'OCS GE ne couvre pas encore {len(missing)} des {len(codes)} communes du territoire "
            f"({', '.join(missing[:5])}{'…' if len(missing) > 5 else ''}) : un total serait partiel",
        }
    pairs = sorted({(int(s), int(y)) for s, y in zip(flows["start"], flows["year"], strict=True)})
    if len(pairs) > 1:
        return {
            "available": False,
            "reason": "les communes du territoire sont mesurées à des millésimes différents ("
            + ", ".join(f"{a}-{b}" for a, b in pairs)
            + ") : leurs surfaces ne s'additionnent pas",
        }
    (first, second) = pairs[0]
    stocks = cover.rows(stock, codes)
    surfaces = {}
    for year in (first, second):
        here = stocks[stocks["year"] == year]
        surfaces[year] = float(here["value"].sum()) if set(here["code"]) == set(codes) else None
    net = float(flows["value"].sum())
    return {
        "available": True,
        "reason": None,
        "first_year": first,
        "second_year": second,
        "surface_first_ha": surfaces[first],
        "surface_second_ha": surfaces[second],
        "share_first_pct": _share(surfaces[first], area_ha),
        "share_second_pct": _share(surfaces[second], area_ha),
        "net_ha": net,
        "net_per_year_ha": net / (second - first),
    }
