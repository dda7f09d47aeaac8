"""ZAN trajectory (loi Climat et Résilience): reference, allowance, consumption, projection.

- reference: NAF consumption from 1 January 2011 to 31 December 2020 (Cerema yearly flows
  ``naf11art12`` … ``naf20art21``);
- allowance 2021-2030: 50 % of the reference; for a commune covered by a PLU, a PLUi or a
  carte communale, at least 1 ha (« garantie communale », loi n° 2023-630 du 20 juillet
  2023, article 4). Applied by default to every commune; ``TERRITOIRE_ZAN_NO_GUARANTEE``
  lists the communes without such a plan (under the RNU), which do not get it;
- consumed since 2021, remaining allowance, recent pace (mean of the yearly flows since
  2021) and projection to 1 January 2031 at that pace — or at a pace given as a what-if.

Available for communes, EPCI, départements, régions (sums of member flows) and SCoT
(``scot:<name as in the Cerema file>``, members from the Cerema file).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from territoire_data.errors import TerritoireError

REFERENCE_START, REFERENCE_END = 2011, 2020
PERIOD_START, PERIOD_END = 2021, 2030
M2_PER_HA = 10_000
GUARANTEE_1HA = (
    "garantie communale de 1 ha : loi n° 2023-630 du 20 juillet 2023, article 4 (communes couvertes par "
    "un PLU, un PLUi ou une carte communale)"
)


def guaranteed(codes: Iterable[str], without_plan: frozenset[str] = frozenset()) -> np.ndarray:
    """Which territories get the 1 ha guarantee: the communes (a code without a prefix) that
    are not listed as without a plan (``TERRITOIRE_ZAN_NO_GUARANTEE``, recorded by the build).
    EPCI, SCoT, départements, régions and France never do."""
    return np.array([(":" not in c and c != "france" and c not in without_plan) for c in map(str, codes)], dtype=bool)


def allowance(reference_ha, guarantee) -> tuple[np.ndarray, np.ndarray]:
    """The ZAN allowance 2021-2030 from the reference consumption 2011-2020 (ha): half of it,
    at least 1 ha where ``guarantee`` holds. The one rule for the figure: the warehouse's
    ``enveloppe_zan`` and ``trajectory`` both call it. Returns (allowance, floor applied)."""
    reference = np.asarray(reference_ha, dtype="float64")
    half = reference / 2
    floor = np.asarray(guarantee, dtype=bool) & (half < 1.0) & ~np.isnan(half)
    return np.where(floor, 1.0, half), floor


def yearly_flows(code: str, warehouse) -> pd.Series:
    """Yearly NAF consumption (ha) of a territory code, or of a SCoT (``scot:…``)."""
    if code.startswith("scot:"):
        path = warehouse.folder / "scot.parquet"
        if not path.exists():
            raise TerritoireError("Les périmètres de SCoT viennent du fichier Cerema : il n'est pas chargé.")
        members = pd.read_parquet(path)
        codes = members.loc[members["scot"] == code[5:], "code"].tolist()
        if not codes:
            raise TerritoireError(f"SCoT inconnu : « {code[5:]} ».")
        obs = warehouse.observations(variable="NAF_ART", code=codes)
        if obs["status"].astype(str).ne("ok").any():
            return pd.Series(dtype="float64")
        return obs.groupby("year")["value"].sum(min_count=len(codes)) / M2_PER_HA
    obs = warehouse.observations(variable="NAF_ART", code=code)
    obs = obs[obs["status"].astype(str) == "ok"]
    return obs.set_index("year")["value"].sort_index().astype("float64") / M2_PER_HA


def trajectory(
    territory,
    *,
    warehouse,
    pace_ha_per_year: float | None = None,
    floor_1ha: bool | None = None,
    without_plan: frozenset[str] | None = None,
) -> dict:
    """The ZAN figures of a territory (object with ``.code``/``.level``, or a ``scot:`` code),
    from the flows of ``warehouse``.

    ``floor_1ha``: the 1 ha guarantee; ``None`` applies it to a commune unless it is in
    ``without_plan`` (default: the list the warehouse was built with, so that the allowance
    here is the warehouse's ``enveloppe_zan``). ``True``/``False``: a what-if.
    """
    code = territory if isinstance(territory, str) else territory.code
    level = "scot" if code.startswith("scot:") else getattr(territory, "level", None)
    if without_plan is None:
        without_plan = frozenset(warehouse.manifest.get("zan_no_guarantee", ()))
    return from_flows(
        code,
        level,
        yearly_flows(code, warehouse),
        pace_ha_per_year=pace_ha_per_year,
        floor_1ha=floor_1ha,
        without_plan=without_plan,
    )


def from_flows(
    code: str,
    level: str | None,
    flows: pd.Series,
    *,
    pace_ha_per_year: float | None = None,
    floor_1ha: bool | None = None,
    without_plan: frozenset[str] = frozenset(),
) -> dict:
    """The ZAN figures from yearly flows in hectares (year → ha): the one computation behind
    ``trajectory`` and the triennial report (which passes its corrected flows)."""
    guarantee_applicable = level == "commune" and bool(guaranteed([code], without_plan)[0])
    if floor_1ha is None:
        floor_1ha = guarantee_applicable
    flows = flows.sort_index()
    years_reference = range(REFERENCE_START, REFERENCE_END + 1)
    if flows.empty or any(a not in flows.index for a in years_reference):
        return {
            "code": code,
            "level": level,
            "available": False,
            "reason": "consommation d'espaces 2011-2020 non disponible (fichier Cerema absent ou incomplet)",
        }
    reference = float(flows.loc[list(years_reference)].sum())
    value, floor = allowance(reference, bool(floor_1ha) and level == "commune")
    envelope, floor_applied = float(value), bool(floor)
    since = flows[(flows.index >= PERIOD_START) & (flows.index <= PERIOD_END)]
    consumed = float(since.sum())
    latest = int(since.index.max()) if len(since) else PERIOD_START - 1
    observed_pace = float(since.mean()) if len(since) else math.nan
    pace = observed_pace if pace_ha_per_year is None else float(pace_ha_per_year)
    years_left = PERIOD_END - latest
    projection = consumed + (pace * years_left if not math.isnan(pace) else math.nan)
    remaining = envelope - consumed
    exhaustion_year = None
    if pace and pace > 0 and remaining > 0:
        exhaustion_year = latest + math.ceil(remaining / pace)
    elif remaining <= 0:
        exhaustion_year = latest
    return {
        "code": code,
        "level": level,
        "available": True,
        "reference_2011_2020_ha": reference,
        "allowance_2021_2030_ha": envelope,
        "floor_1ha_applied": floor_applied,
        "floor_1ha_applicable": guarantee_applicable,
        "floor_1ha_reference": GUARANTEE_1HA,
        "consumed_since_2021_ha": consumed,
        "last_year": latest,
        "remaining_ha": remaining,
        "observed_pace_ha_per_year": observed_pace,
        "pace_ha_per_year": pace,
        "projection_2031_ha": projection,
        "projection_share_of_allowance": projection / envelope * 100 if envelope > 0 else math.nan,
        "overshoot_projected": bool(projection > envelope),
        "exhaustion_year": exhaustion_year,
        "series_ha": {int(a): float(v) for a, v in flows.items()},
    }
