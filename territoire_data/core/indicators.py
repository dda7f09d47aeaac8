"""Indicator values of a territory with their provenance and position among peers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from territoire_data.core import catalogue, peer_groups
from territoire_data.core.warehouse import Warehouse
from territoire_data.errors import TerritoireError

COLUMNS = [
    "id",
    "theme",
    "label",
    "value",
    "unit",
    "year",
    "source",
    "edition",
    "status",
    "reason",
    "note",
    "comparable",
    "previous_value",
    "previous_year",
    "definition",
    "plain_definition",
    "importance",
    "cumulative",
    "polarity",
    "decimals",
    "first_year",
    "first_value",
    "change",
    "annual_rate",
    "peers_group",
    "peers_n",
    "percentile",
    "median",
    "q1",
    "q3",
]


def indicator_table(
    territory, theme: str | None = None, peers: str = "densite", warehouse: Warehouse | None = None
) -> pd.DataFrame:
    """One row per indicator of the catalogue (optionally one theme), in catalogue order."""
    if theme is not None and theme not in catalogue.THEMES:
        raise TerritoireError(f"Thème inconnu : « {theme} ». Choix : {', '.join(catalogue.THEMES)}.")
    warehouse = warehouse if warehouse is not None else territory.workspace.warehouse
    rows = warehouse.rows(territory.code)
    group = peer_groups.peers_in(territory, peers, warehouse)
    peer_values = warehouse.sorted_values(group.key, group.codes)
    loaded_years = warehouse.manifest.get("indicator_years", {})
    output = []
    for indicator in catalogue.INDICATORS:
        if theme is not None and indicator.theme != theme:
            continue
        if indicator.id in rows.index:
            line = rows.loc[indicator.id]
            value = float(line["value"]) if pd.notna(line["value"]) else None
            year, status = int(line["year"]), str(line["status"])
            first_year = int(line["first_year"]) if "first_year" in line and line["first_year"] >= 0 else None
            first_value = float(line["first_value"]) if first_year is not None else None
            source = None if pd.isna(line["source"]) else str(line["source"])
            edition = None if pd.isna(line["edition"]) else str(line["edition"])
            reason = str(line["reason"]) if pd.notna(line.get("reason")) and line.get("reason") else None
            if reason is None and status == "missing":
                reason = "unavailable"  # warehouses built before every missing value had its reason
            note = str(line["note"]) if pd.notna(line.get("note")) and line.get("note") else None
            comparable = bool(line.get("comparable", True))
            year_previous = int(line["previous_year"]) if line.get("previous_year", -1) >= 0 else None
            value_previous = float(line["previous_value"]) if year_previous is not None else None
        else:
            value, year, status, source, edition = None, None, "missing", None, None
            first_year = first_value = note = year_previous = value_previous = None
            comparable = False
            # Nothing at all for this territory: either no file of the source is loaded, or none covers it.
            reason = "not_covered" if loaded_years.get(indicator.id) else "not_loaded"
        position = peer_groups.sorted_position(
            np.nan if value is None or not comparable else value, peer_values.get(indicator.id, np.array([]))
        )
        output.append(
            {
                "id": indicator.id,
                "theme": indicator.theme,
                "label": indicator.label,
                "value": value,
                "unit": indicator.unit,
                "year": year,
                "source": source,
                "edition": edition,
                "status": status,
                "reason": reason,
                "note": note,
                "comparable": comparable and value is not None,
                "previous_value": value_previous,
                "previous_year": year_previous,
                "definition": indicator.definition,
                "plain_definition": catalogue.worded_for(indicator.plain_definition, territory.level),
                "importance": catalogue.worded_for(indicator.importance, territory.level),
                "cumulative": indicator.cumulative,
                "polarity": indicator.polarity,
                "decimals": indicator.decimals,
                "first_year": first_year,
                "first_value": first_value,
                **dict(zip(("change", "annual_rate"), indicator.dynamics(value, year, first_value, first_year))),
                "peers_group": group.group,
                "peers_n": position["n"],
                "percentile": position["percentile"],
                "median": position["median"],
                "q1": position["q1"],
                "q3": position["q3"],
            }
        )
    return pd.DataFrame(output, columns=COLUMNS)


def _cleaned(value):
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return value


def _integer(value):
    return None if value is None or pd.isna(value) else int(value)


def _text(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else str(value)


def to_json(territory, theme: str | None = None, peers: str = "densite", warehouse: Warehouse | None = None) -> dict:
    """The contract shape of ``territoire indicateurs CODE --json`` (strict JSON: no NaN).

    ``year`` and ``source`` are null when there is no value; ``reason`` says why (see
    ``statuses``); ``note`` states a group's coverage (« hors Mayotte ») or a figure's
    geography; ``previous`` is the newest earlier value of a secret one, with its year.
    """
    warehouse = warehouse if warehouse is not None else territory.workspace.warehouse
    table = indicator_table(territory, theme, peers, warehouse)
    indicators = []
    for r in table.itertuples(index=False):
        value = _cleaned(r.value)
        element = {
            "id": r.id,
            "theme": r.theme,
            "label": r.label,
            "value": value,
            "unit": r.unit,
            "year": _integer(r.year) if value is not None else None,
            # A figure of a period says it (« 2021-2030 » for the ZAN allowance), beside its data's year.
            "period": catalogue.period_of(r.id, _integer(r.year)) if value is not None else None,
            "source": _text(r.source) if value is not None else None,
            "status": r.status,
            "reason": _text(r.reason),
            "note": _text(r.note),
            "peers": {
                "group": r.peers_group,
                "n": int(r.peers_n),
                "percentile": _cleaned(r.percentile),
                "median": _cleaned(r.median),
            },
        }
        if _integer(r.previous_year) is not None:
            element["previous"] = {"value": _cleaned(float(r.previous_value)), "year": _integer(r.previous_year)}
        indicators.append(element)
    return {
        "territory": {"code": territory.code, "name": territory.name, "level": territory.level},
        "demo": warehouse.demo,
        "indicators": indicators,
    }


def json_text(data) -> str:
    """Strict JSON for what the CLI prints (a NaN would be a bug: it raises)."""
    import json

    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
