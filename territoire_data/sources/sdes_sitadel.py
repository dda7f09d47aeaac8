"""SDES SITADEL: dwellings authorised and started, by commune.

Two families of files:

- **series** (monthly or annual): ``ANNEE;MOIS;CODE_INSEE;TYPE_LGT;LOG_AUT;LOG_COM;SDP_AUT;SDP_COM``
  (UTF-8 with BOM). ``Tous Logements`` is the sum of the four types; when it is absent the
  types are summed. Months are summed into years. A year with fewer than 12 months in a
  monthly file is incomplete (provisional): its values are kept as missing, not as low
  counts. A variable whose whole year is 0 everywhere has not been published yet: missing,
  not zero. Processed copies in circulation (lower-case columns, ``code_com``, type
  ``Tous``, by département with ``dept``) are read the same.
- **the list of permits creating dwellings** (DiDo, « Liste des autorisations d'urbanisme
  créant des logements »): one row per permit, **two header lines** (long labels, then the
  codes ``REG_CODE;…;COMM;TYPE_DAU;NUM_DAU;ETAT_DAU;DATE_REELLE_AUTORISATION;
  DATE_REELLE_DOC;…;NB_LGT_TOT_CREES;…;SURF_HAB_CREEE;…``). Dwellings authorised in a year
  are the permits authorised that year (real date), started ones those whose works opened
  that year (``DATE_REELLE_DOC``). Cancelled permits (``ETAT_DAU`` 4) count in neither.
  The list only holds permits: a commune without any has zero, within the départements the
  file covers. The file's last month of updates (``DPC_*``) tells which year is still
  incomplete.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from territoire_data.errors import FileError
from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, integers, read_named_columns, trimmed_text
from territoire_data.sources.tabular import commune_codes

ALL_TYPES = ("tous logements", "tous")
MEASURES = ("LOG_AUT", "LOG_COM", "SDP_AUT", "SDP_COM")
CODES = ("CODE_INSEE", "CODE_COM", "COMM", "CODGEO")
DEPARTEMENT_CODES = ("DEPT", "DEP", "CODE_DEPARTEMENT")
CANCELLED = "4"  # ETAT_DAU: 2 authorised, 4 cancelled, 5 started, 6 completed


def _code_column(header) -> tuple[str, bool] | None:
    """(code column, département level) of a series file."""
    index = header.index()
    for name in CODES:
        if name in index:
            return name, False
    for name in DEPARTEMENT_CODES:
        if name in index:
            return name, True
    return None


def _statuses_yearly(yearly: pd.DataFrame, measure: str, incomplete: set[int]) -> np.ndarray:
    status = np.full(len(yearly), "ok", dtype=object)
    totals = yearly.groupby("annee")[measure].transform("sum").to_numpy()
    not_published = (totals == 0) | yearly["annee"].isin(incomplete).to_numpy()
    status[not_published] = "missing"
    return status


class Sitadel(Source):
    name = "sdes_sitadel"
    label = "SDES, Sitadel : logements autorisés et commencés"
    producer = "SDES"

    def recognises(self, header):
        return has_columns(header, "ANNEE", "LOG_AUT", "LOG_COM") and _code_column(header) is not None

    def read(self, file, header, useful):
        code, departemental = _code_column(header)
        present = [m for m in MEASURES if m in header.index()]
        cols = read_named_columns(
            file, header, ["ANNEE", code, "LOG_AUT", "LOG_COM"], ["MOIS", "TYPE_LGT", "SDP_AUT", "SDP_COM"]
        )
        if departemental:
            codes = "dep:" + pd.Series(trimmed_text(cols[code])).str.zfill(2).to_numpy(dtype=object)
        else:
            codes = commune_codes(file, header, cols[code], code)
        frame = pd.DataFrame(
            {
                "code": codes,
                "annee": integers(file, header, cols["ANNEE"], "ANNEE"),
                "mois": integers(file, header, cols["MOIS"], "MOIS") if "MOIS" in cols else 0,
            }
        )
        for measure in present:
            frame[measure] = integers(file, header, cols[measure], measure)
        if "TYPE_LGT" in cols:
            types = pd.Series(trimmed_text(cols["TYPE_LGT"])).str.lower().str.strip()
            every = types.isin(ALL_TYPES)
            frame = frame[every.to_numpy()] if every.any() else frame
        yearly = frame.groupby(["code", "annee"], as_index=False)[present].sum()
        remarks, incomplete = [], set()
        if "MOIS" in cols:
            month = frame.groupby("annee")["mois"].nunique()
            incomplete = set(month.index[month < 12])
            if incomplete:
                remarks.append(f"Sitadel : année(s) incomplète(s) {sorted(incomplete)} (provisoires) : non disponibles")
        last = frame["annee"].max()
        edition = f"{last}-{frame.loc[frame['annee'] == last, 'mois'].max():02d}" if "MOIS" in cols else str(last)
        pieces = []
        for measure in present:
            status = _statuses_yearly(yearly, measure, incomplete)
            reason = np.where(status == "missing", "not_published", "")
            pieces.append(
                observations.block(
                    yearly["code"],
                    measure,
                    yearly["annee"],
                    np.nan,
                    yearly[measure].to_numpy(dtype="float64"),
                    status,
                    self.name,
                    edition,
                    reason=reason,
                )
            )
        return Reading(observations.concatenate(pieces), edition, remarks)


def _years(file, header, column, name: str) -> np.ndarray:
    """Year of ISO dates (``2021-01-25``); -1 where the date is empty."""
    texts = pc.utf8_trim_whitespace(column)
    years = pc.utf8_slice_codeunits(texts, 0, 4).to_numpy(zero_copy_only=False)
    empty = pc.equal(texts, "").to_numpy(zero_copy_only=False)
    try:
        return np.where(empty, -1, np.where(empty, "0", years).astype(int))
    except ValueError:
        i = int(next(i for i, a in enumerate(years) if not empty[i] and not str(a).isdigit()))
        raise FileError(file.path, header.line + 1 + i, name, f"date « {texts[i].as_py()} » illisible") from None


class SitadelPermits(Source):
    name = "sdes_sitadel"
    label = "SDES, Sitadel : logements autorisés et commencés"
    producer = "SDES"

    def recognises(self, header):
        return has_columns(header, "NUM_DAU", "COMM", "DATE_REELLE_AUTORISATION", "NB_LGT_TOT_CREES")

    def read(self, file, header, useful):
        dates = [c for c in ("DPC_DERN", "DPC_AUT", "DPC_DOC", "DPC_PREM") if c in header.index()]
        cols = read_named_columns(
            file,
            header,
            ["COMM", "NUM_DAU", "DATE_REELLE_AUTORISATION", "NB_LGT_TOT_CREES"],
            ["DATE_REELLE_DOC", "ETAT_DAU", "SURF_HAB_CREEE", *dates],
        )
        codes = commune_codes(file, header, cols["COMM"], "COMM")
        dwellings = integers(file, header, cols["NB_LGT_TOT_CREES"], "NB_LGT_TOT_CREES")
        area = (
            tabular.parse_values(file, header, cols["SURF_HAB_CREEE"], "SURF_HAB_CREEE")[0]
            if "SURF_HAB_CREEE" in cols
            else np.full(len(codes), np.nan)
        )
        valid = np.ones(len(codes), bool)
        if "ETAT_DAU" in cols:
            valid = trimmed_text(cols["ETAT_DAU"]) != CANCELLED
        allowed = _years(file, header, cols["DATE_REELLE_AUTORISATION"], "DATE_REELLE_AUTORISATION")
        started = (
            _years(file, header, cols["DATE_REELLE_DOC"], "DATE_REELLE_DOC")
            if "DATE_REELLE_DOC" in cols
            else np.full(len(codes), -1)
        )
        # The last month the file knows of: a year not finished by then is incomplete.
        end = max((m for c in dates for m in trimmed_text(cols[c]) if len(m) >= 7), default="")
        incomplete = {int(end[:4])} if end and end[5:7] != "12" else set()
        permits = pd.DataFrame(
            {
                "code": codes,
                "dwellings": dwellings,
                "area": np.nan_to_num(area),
                "authorised": allowed,
                "started": started,
            }
        )[valid]
        pieces, remarks = [], []
        for variable, column_year, value in (
            ("LOG_AUT", "authorised", "dwellings"),
            ("SDP_AUT", "authorised", "area"),
            ("LOG_COM", "started", "dwellings"),
        ):
            if variable == "SDP_AUT" and "SURF_HAB_CREEE" not in cols:
                continue
            block = permits[permits[column_year] > 0]
            yearly = (
                block.groupby(["code", column_year], as_index=False)[value]
                .sum()
                .rename(columns={column_year: "annee", value: variable})
            )
            status = _statuses_yearly(yearly, variable, incomplete)
            pieces.append(
                observations.block(
                    yearly["code"],
                    variable,
                    yearly["annee"],
                    np.nan,
                    yearly[variable].to_numpy(dtype="float64"),
                    status,
                    self.name,
                    f"liste des permis {end or ''}".strip(),
                    reason=np.where(status == "missing", "not_published", ""),
                )
            )
        if incomplete:
            remarks.append(
                f"Sitadel (liste des permis, mise à jour {end}) : année {min(incomplete)} incomplète, non disponible"
            )
        return Reading(observations.concatenate(pieces), f"liste des permis {end}".strip(), remarks)
