"""INSEE, mobilités professionnelles (flux domicile-lieu de travail).

``CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P``: employed people aged 15+ living in
``CODGEO`` and working in ``DCLT``. Summed per commune of residence into the employed
residents (``FLUX_TOTAL``) and those working in another commune (``FLUX_SORTANTS``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, read_named_columns


class CommuteFlows(Source):
    name = "insee_flux_mobilite"
    label = "INSEE, flux domicile-lieu de travail"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "CODGEO", "DCLT", r"NBFLUX_C\d\d_ACTOCC15P")

    def read(self, file, header, useful):
        column_flows = tabular.matching_columns(header, r"NBFLUX_C\d\d_ACTOCC15P")[0]
        year = 2000 + int(re.search(r"_C(\d\d)_", column_flows.upper())[1])
        cols = read_named_columns(file, header, ["CODGEO", "DCLT", column_flows])
        residence = tabular.commune_codes(file, header, cols["CODGEO"], "CODGEO")
        work = tabular.commune_codes(file, header, cols["DCLT"], "DCLT")
        flows, statuses = tabular.parse_values(file, header, cols[column_flows], column_flows)
        frame = pd.DataFrame(
            {"code": residence, "flow": np.where(statuses == "ok", flows, 0.0), "outbound": residence != work}
        )
        total = frame.groupby("code")["flow"].sum()
        outgoing = frame[frame["outbound"]].groupby("code")["flow"].sum().reindex(total.index, fill_value=0.0)
        edition = str(year)
        obs = observations.concatenate(
            [
                observations.block(total.index, "FLUX_TOTAL", year, np.nan, total.to_numpy(), "ok", self.name, edition),
                observations.block(
                    outgoing.index, "FLUX_SORTANTS", year, np.nan, outgoing.to_numpy(), "ok", self.name, edition
                ),
            ]
        )
        return Reading(obs, edition)
