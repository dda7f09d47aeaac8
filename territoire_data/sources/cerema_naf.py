"""Cerema, consommation d'espaces naturels, agricoles et forestiers (fichiers fonciers).

``idcom;idcomtxt;…;scot;…;naf09art10;…;naf23art24;art09hab10;…;naf09art24;pop14;pop20;surfcom2023``:
yearly flows in m² from 1 January of year ``yy`` to 1 January of ``yy+1`` (``naf11art12`` is
the consumption of 2011), by destination (``artYY{act,hab,mix,rou,fer,inc}ZZ``), and totals
over several years (ignored: they are sums of the yearly flows). A flow may be negative (land
returned to natural use, or a correction: ``art10inc11 = -1`` for Ambérieu-en-Bugey in the real
file). The SCoT of each commune is kept for ZAN figures by SCoT.

The file's own context is read too, for the triennial report: population, households and jobs
of 2014 and 2020 (``pop14``, ``men20``, ``emp14``…: ``NAF_POP``, ``NAF_MEN``, ``NAF_EMP``) and
the commune's area (``surfcom2023``, m²: ``NAF_SURF``), so that consumption per new household
crosses figures of one source and one period.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, read_named_columns, trimmed_text

_FLOW = re.compile(r"(naf|art)(\d\d)(art|hab|act|mix|rou|fer|inc)(\d\d)", re.IGNORECASE)
VARIABLES = {
    ("naf", "art"): "NAF_ART",
    ("art", "hab"): "NAF_HAB",
    ("art", "act"): "NAF_ACT",
    ("art", "mix"): "NAF_MIX",
    ("art", "rou"): "NAF_ROU",
    ("art", "fer"): "NAF_FER",
    ("art", "inc"): "NAF_INC",
}
_CONTEXT = re.compile(r"(pop|men|emp)(\d\d)", re.IGNORECASE)
CONTEXT_VARIABLES = {"pop": "NAF_POP", "men": "NAF_MEN", "emp": "NAF_EMP"}
_AREA = re.compile(r"surfcom(\d{4})", re.IGNORECASE)


class CeremaNaf(Source):
    name = "cerema_naf"
    label = "Cerema, consommation d'espaces NAF (fichiers fonciers)"
    producer = "Cerema"

    def recognises(self, header):
        return has_columns(header, "idcom", r"naf\d\dart\d\d")

    def read(self, file, header, useful):
        flows = []
        for column in header.columns:
            if (m := _FLOW.fullmatch(column)) and int(m[4]) == int(m[2]) + 1:
                variable = VARIABLES.get((m[1].lower(), m[3].lower()))
                if variable and (useful is None or variable in useful):
                    flows.append((column, variable, 2000 + int(m[2])))
        context = []
        for column in header.columns:
            if (m := _CONTEXT.fullmatch(column)) is not None:
                variable = CONTEXT_VARIABLES[m[1].lower()]
                if useful is None or variable in useful:
                    context.append((column, variable, 2000 + int(m[2])))
            elif (m := _AREA.fullmatch(column)) is not None and (useful is None or "NAF_SURF" in useful):
                context.append((column, "NAF_SURF", int(m[1])))
        cols = read_named_columns(file, header, ["idcom", *[c for c, *_ in flows]], ["scot", *[c for c, *_ in context]])
        codes = tabular.commune_codes(file, header, cols["idcom"], "idcom")
        tabular.check_duplicates(file, header, codes, "idcom")
        last = max(a for *_, a in flows)
        edition = f"{last + 1}"
        pieces = []
        for column, variable, year in flows:
            # Flows may be negative: land returned to natural use, or corrections (real file, 01004).
            values, statuses = tabular.parse_values(
                file, header, cols[column], column, secrets=frozenset({"s"}), negative_allowed=True
            )
            pieces.append(observations.block(codes, variable, year, np.nan, values, statuses, self.name, edition))
        for column, variable, year in context:
            values, statuses = tabular.parse_values(file, header, cols[column], column, secrets=frozenset({"s"}))
            pieces.append(observations.block(codes, variable, year, np.nan, values, statuses, self.name, edition))
        reading = Reading(observations.concatenate(pieces), edition)
        if "scot" in cols:
            reading.scot = pd.DataFrame({"code": codes, "scot": trimmed_text(cols["scot"])})
        return reading
