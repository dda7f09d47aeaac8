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


def table(observations: pd.DataFrame) -> pd.DataFrame:
    """The OCS GE rows a report reads (code, variable, start, year, value), kept by ``Flows``."""
    if observations.empty:
        return pd.DataFrame({c: [] for c in ("code", "variable", "start", "year", "value")})
    out = observations[observations["status"].astype(str) == "ok"]
    return pd.DataFrame(
        {
            "code": out["code"].astype(str).to_numpy(),
            "variable": out["variable"].astype(str).to_numpy(),
            "start": out["start"].astype("float64").to_numpy(),
            "year": out["year"].astype("float64").to_numpy(),
            "value": out["value"].to_numpy(dtype="float64"),
        }
    )


def measured(rows: pd.DataFrame, codes: list[str], area_ha: float | None, loaded: bool) -> dict:
    """Sections 2° and 3° for the communes ``codes``: one entry per kind, each with
    ``available`` and, when not, the ``reason`` in French."""
    return {kind: _kind(rows, codes, area_ha, loaded, *variables) for kind, variables in KINDS.items()}


def _kind(rows: pd.DataFrame, codes: list[str], area_ha: float | None, loaded: bool, stock: str, flow: str) -> dict:
    if not loaded:
        return {"available": False, "reason": NOT_LOADED}
    flows = rows[(rows["variable"] == flow) & rows["code"].isin(codes)]
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
    stocks = rows[(rows["variable"] == stock) & rows["code"].isin(codes)]
    surfaces = {}
    for year in (first, second):
        here = stocks[stocks["year"] == year]
        surfaces[year] = float(here["value"].sum()) if set(here["code"]) == set(codes) else None
    net = float(flows["value"].sum())
    share = lambda value: None if value is None or not area_ha else 100 * value / area_ha
    return {
        "available": True,
        "reason": None,
        "first_year": first,
        "second_year": second,
        "surface_first_ha": surfaces[first],
        "surface_second_ha": surfaces[second],
        "share_first_pct": share(surfaces[first]),
        "share_second_pct": share(surfaces[second]),
        "net_ha": net,
        "net_per_year_ha": net / (second - first),
    }
