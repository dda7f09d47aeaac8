"""INSEE, code officiel géographique: communes and movements, used to harmonise codes.

- ``v_commune_YYYY.csv``: ``TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT``
  (the key is (TYPECOM, COM)); a COMD/COMA row maps its code to ``COMPARENT``.
- ``v_mvt_commune_YYYY.csv``: ``MOD,DATE_EFF,TYPECOM_AV,COM_AV,…,TYPECOM_AP,COM_AP,…``: mergers
  (MOD 31–35) and code changes (41, 50) map the old code to the new commune; restorations
  (MOD 21: a commune ``COM_AP`` separated from ``COM_AV``) tell which former figures cover
  several of today's communes.

These files carry no observations; they feed the harmonisation table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations
from territoire_data.sources.base import Reading, Source, has_columns, read_named_columns, trimmed_text

PASSAGE_MODS = {"31", "32", "33", "34", "35", "41", "50"}


class CogCommunes(Source):
    name = "insee_cog"
    label = "INSEE, code officiel géographique (communes)"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "TYPECOM", "COM", "COMPARENT", "LIBELLE")

    def read(self, file, header, useful):
        cols = read_named_columns(file, header, ["TYPECOM", "COM", "COMPARENT"])
        types, codes, parents = (
            trimmed_text(cols["TYPECOM"]),
            trimmed_text(cols["COM"]),
            trimmed_text(cols["COMPARENT"]),
        )
        attached = np.isin(types, ["COMD", "COMA"]) & (parents != "") & (codes != parents)
        movements = pd.DataFrame({"old": codes[attached], "new": parents[attached], "date": pd.Timestamp("1900-01-01")})
        return Reading(
            observations.empty(),
            f"COG{file.name[-8:-4] if file.name[-8:-4].isdigit() else ''}",
            movements=movements,
            role=f"COG : {len(movements)} communes déléguées ou associées rattachées à leur commune",
        )


class CogMovements(Source):
    name = "insee_cog"
    label = "INSEE, code officiel géographique (mouvements)"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "MOD", "DATE_EFF", "COM_AV", "COM_AP")

    def read(self, file, header, useful):
        cols = read_named_columns(file, header, ["MOD", "DATE_EFF", "COM_AV", "COM_AP"], ["TYPECOM_AP"])
        mods, before, after = trimmed_text(cols["MOD"]), trimmed_text(cols["COM_AV"]), trimmed_text(cols["COM_AP"])
        keep = np.isin(mods, list(PASSAGE_MODS)) & (before != after)
        if "TYPECOM_AP" in cols:
            keep &= trimmed_text(cols["TYPECOM_AP"]) == "COM"
        dates = pd.to_datetime(pd.Series(trimmed_text(cols["DATE_EFF"])), errors="coerce")
        movements = pd.DataFrame({"old": before[keep], "new": after[keep], "date": dates[keep].to_numpy()})
        restored = (mods == "21") & (before != after)
        if "TYPECOM_AP" in cols:
            restored &= trimmed_text(cols["TYPECOM_AP"]) == "COM"
        if "TYPECOM_AV" in cols:
            restored &= trimmed_text(cols["TYPECOM_AV"]) == "COM"
        restorations = pd.DataFrame(
            {"date": dates[restored].to_numpy(), "parent": before[restored], "restored": after[restored]}
        )
        edition = str(dates.max().year) if dates.notna().any() else "inconnue"
        return Reading(
            observations.empty(),
            f"MVT{edition}",
            movements=movements,
            restorations=restorations,
            role=f"COG : {len(movements)} mouvements de communes, {len(restorations)} rétablissements",
        )
