"""ODRÉ, registre national des installations de production et de stockage d'électricité.

``codeinseecommune;…;filiere;technologie;…;puismaxinstallee;…`` (``;``): one row per
installation (or per aggregate of small ones). Renewable capacity (kW) is summed per
commune: ``PUISSANCE_ENR`` for every renewable filière, ``PUISSANCE_PV`` for solar.
Rows without a commune code (installations aggregated for confidentiality) cannot be
placed and are counted in a remark. The register is a snapshot: its year is that of the
latest commissioning date, or of the file when absent.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, map_unique, read_named_columns, trimmed_text
from territoire_data.text.places import without_accents

RENEWABLES = ("solaire", "eolien", "hydraulique", "bioenergies", "energies marines", "geothermie")
_YEAR = re.compile(r"(19|20)\d\d")


class OdreRegister(Source):
    name = "odre_registre"
    label = "ODRÉ, registre national des installations de production d'électricité"
    producer = "RTE / ODRÉ"

    def recognises(self, header):
        return has_columns(header, "codeinseecommune", "filiere", "puismaxinstallee")

    def read(self, file, header, useful):
        dates = [c for c in ("datemiseenservice", "dateraccordement") if c.upper() in header.index()]
        cols = read_named_columns(file, header, ["codeinseecommune", "filiere", "puismaxinstallee"], dates)
        codes = trimmed_text(cols["codeinseecommune"])
        energies = map_unique(trimmed_text(cols["filiere"]), lambda f: without_accents(f).lower())
        power, statuses = tabular.parse_values(file, header, cols["puismaxinstallee"], "puismaxinstallee")
        year = None
        for column in dates:
            years = [int(m[0]) for d in trimmed_text(cols[column]) if (m := _YEAR.search(d))]
            if years:
                year = max(years)
                break
        year = year or pd.Timestamp.now().year
        without_code = codes == ""
        remarks = (
            [f"ODRÉ : {int(without_code.sum())} installation(s) sans code commune (agrégées), non localisées"]
            if without_code.any()
            else []
        )
        is_renewable = np.array([f.startswith(RENEWABLES) for f in energies])
        frame = pd.DataFrame(
            {
                "code": codes,
                "kw": np.nan_to_num(power),
                "enr": is_renewable,
                "pv": np.array([f.startswith("solaire") for f in energies]),
            }
        )[~without_code]
        frame["code"] = [c.zfill(5) if len(c) == 4 and c.isdigit() else c for c in frame["code"]]
        renewable_kw = frame[frame["enr"]].groupby("code")["kw"].sum()
        pv = frame[frame["pv"]].groupby("code")["kw"].sum()
        edition = str(year)
        obs = observations.concatenate(
            [
                observations.block(
                    renewable_kw.index, "PUISSANCE_ENR", year, np.nan, renewable_kw.to_numpy(), "ok", self.name, edition
                ),
                observations.block(pv.index, "PUISSANCE_PV", year, np.nan, pv.to_numpy(), "ok", self.name, edition),
            ]
        )
        return Reading(obs, edition, remarks)
