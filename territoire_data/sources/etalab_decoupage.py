"""Etalab / DINUM, découpage administratif (npm ``@etalab/decoupage-administratif``).

``communes.json``: one object per commune (``commune-actuelle``), commune déléguée or
associée, and municipal arrondissement: ``code, nom, type, departement, region,
population, anciensCodes, chefLieu, commune…``. Each commune's ``anciensCodes`` are the
codes of the communes merged into it over the years (from INSEE's COG history): they map
every former code of every vintage to today's commune. ``epci.json``, ``departements.json``
and ``regions.json`` describe the other levels: recognised, not needed by the warehouse
(the referential already has them).

These files carry no observation: ``population`` is a légale population whose vintage the
file does not state, so it is not used as a census figure.
"""

from __future__ import annotations

import pandas as pd

from territoire_data.sources import observations
from territoire_data.sources.base import Reading, Source

COMMUNE_TYPES = {"commune-actuelle", "commune-deleguee", "commune-associee", "arrondissement-municipal"}


def _objects(obj) -> list[dict]:
    return [o for o in obj if isinstance(o, dict)] if isinstance(obj, list) else []


class EtalabCommunes(Source):
    name = "etalab_decoupage"
    label = "Etalab, découpage administratif (communes et anciens codes)"
    producer = "Etalab / INSEE"

    def recognises_json(self, obj) -> bool:
        sample = _objects(obj)[:50]
        return (
            bool(sample)
            and all({"code", "nom", "type"} <= o.keys() for o in sample)
            and any(o.get("type") in COMMUNE_TYPES for o in sample)
        )

    def read_json(self, file, obj, useful):
        former_codes, new = [], []
        for commune in _objects(obj):
            code, type_ = str(commune.get("code", "")), commune.get("type")
            if type_ == "commune-actuelle":
                for former in commune.get("anciensCodes") or []:
                    former_codes.append(str(former))
                    new.append(code)
            elif type_ in ("commune-deleguee", "commune-associee") and commune.get("chefLieu"):
                if str(commune["chefLieu"]) != code:
                    former_codes.append(code)
                    new.append(str(commune["chefLieu"]))
        # No date: these codes point at today's communes directly (applied after dated movements).
        movements = pd.DataFrame({"old": former_codes, "new": new, "date": pd.NaT})
        return Reading(
            observations.empty(),
            "etalab",
            movements=movements,
            role=f"COG : {len(former_codes)} anciens codes de communes rattachés à leur commune actuelle",
        )


class EtalabReferential(Source):
    name = "etalab_decoupage"
    label = "Etalab, découpage administratif (EPCI, départements, régions)"
    producer = "Etalab / DGCL / INSEE"

    def recognises_json(self, obj) -> bool:
        sample = _objects(obj)[:50]
        return (
            bool(sample)
            and all({"code", "nom"} <= o.keys() for o in sample)
            and not any(o.get("type") in COMMUNE_TYPES for o in sample)
        )

    def read_json(self, file, obj, useful):
        items = _objects(obj)
        what = (
            "EPCI et leurs communes membres"
            if any("membres" in o for o in items[:5])
            else "départements"
            if any("region" in o for o in items[:20])
            else "régions"
        )
        return Reading(
            observations.empty(),
            "etalab",
            role=f"référentiel : {len(items)} {what} (le référentiel des communes les fournit déjà)",
        )
