"""INSEE Filosofi: disposable income, poverty, deciles.

- 2021 and earlier, wide: ``CODGEO;NBMENFISC21;NBPERSMENFISC21;MED21;PIMP21;TP6021;…;D121;D921;RD21``;
  secret ``s``, comma decimals for rates. ``PIMPOT`` (taxes, a share of income) is negative.
- 2023 on, long (SDMX-like): ``FILOSOFI_MEASURE;GEO;GEO_OBJECT;OBS_VALUE;CONF_STATUS;…;TIME_PERIOD``,
  measures such as ``MED_SL``, ``PR_MD60``, ``IR_D9_D1_SL``; ``CONF_STATUS=C`` is secret. Group
  levels (EPCI, département, région, France) are kept with prefixed codes.

The two series are not comparable (INSEE changed the method): they keep distinct variables.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from territoire_data.errors import FileError
from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, read_wide

NEGATIVE_VARIABLES = frozenset({"PIMPOT"})
GEO_OBJECTS = {"COM": "", "ARM": "", "EPCI": "epci:", "DEP": "dep:", "REG": "reg:"}
FRANCE_OBJECTS = {"FRANCE", "FRA", "FR", "FRM", "FRANCE_HORS_MAYOTTE"}


class FilosofiWide(Source):
    name = "insee_filosofi"
    label = "INSEE, Filosofi (revenus disponibles, pauvreté)"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "CODGEO", r"NBMENFISC\d\d", r"MED\d\d", r"D1\d\d") and not has_columns(
            header, r"P\d\d_POP"
        )

    def read(self, file, header, useful):
        return read_wide(self, file, header, useful, secrets=frozenset({"s"}), negative=NEGATIVE_VARIABLES)


class FilosofiLong(Source):
    name = "insee_filosofi"
    label = "INSEE, Filosofi (revenus disponibles, pauvreté)"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "FILOSOFI_MEASURE", "GEO", "GEO_OBJECT", "OBS_VALUE", "TIME_PERIOD")

    def read(self, file, header, useful):
        index = header.index()
        columns = ["FILOSOFI_MEASURE", "GEO", "GEO_OBJECT", "OBS_VALUE", "TIME_PERIOD"]
        if "CONF_STATUS" in index:
            columns.append("CONF_STATUS")
        table = tabular.read_columns(file, header, [index[c] for c in columns])
        measures = pc.utf8_trim_whitespace(table.column(index["FILOSOFI_MEASURE"])).to_numpy(zero_copy_only=False)
        keep = np.ones(len(measures), bool) if useful is None else np.isin(measures, list(useful))
        table = table.filter(keep)
        measures = measures[keep]
        objects = pc.utf8_upper(pc.utf8_trim_whitespace(table.column(index["GEO_OBJECT"]))).to_numpy(
            zero_copy_only=False
        )
        geo = pc.utf8_trim_whitespace(table.column(index["GEO"])).to_numpy(zero_copy_only=False).astype(object)
        codes = np.empty(len(geo), dtype=object)
        for obj in np.unique(objects):
            here = objects == obj
            if obj in FRANCE_OBJECTS:
                codes[here] = "france"
            elif obj in GEO_OBJECTS:
                codes[here] = GEO_OBJECTS[obj] + geo[here]
            else:
                codes[here] = None  # other zonings (unités urbaines…) are not territories here
        values, statuses = tabular.parse_values(
            file, header, table.column(index["OBS_VALUE"]), "OBS_VALUE", secrets=frozenset({"s"}), negative_allowed=True
        )
        if "CONF_STATUS" in index:
            confidential = pc.equal(pc.utf8_trim_whitespace(table.column(index["CONF_STATUS"])), "C")
            confidential = confidential.to_numpy(zero_copy_only=False)
            statuses = np.where(confidential, tabular.SECRET, statuses)
        periods = pc.utf8_trim_whitespace(table.column(index["TIME_PERIOD"])).to_numpy(zero_copy_only=False)
        try:
            years = periods.astype(int)
        except ValueError:
            i = next(i for i, p in enumerate(periods) if not str(p).isdigit())
            raise FileError(file.path, None, "TIME_PERIOD", f"année « {periods[i]} » illisible") from None
        keep = codes != None  # noqa: E711 - numpy elementwise
        edition = str(years.max()) if len(years) else "inconnue"
        obs = observations.block(
            codes[keep], measures[keep], years[keep], np.nan, values[keep], statuses[keep], self.name, edition
        )
        return Reading(obs, edition)
