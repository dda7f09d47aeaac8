"""DGALN (Sudocuh), the SCoT and their member communes: the official SCoT perimeters.

The ministry's yearly state of planning documents (« Schéma de cohérence territoriale
(SCoT) — données Sudocuh ») lists every commune with the SCoT it belongs to. Copies in
circulation keep its fields under a few spellings (``id_scot;nom_scot;…;insee_com`` once
renamed, ``communes_code_insee`` and ``nom_scot`` in the raw export, « INSEE commune » and
« SCoT » in the table Mon Diagnostic Artificialisation loads): a table with a SCoT name column
and a commune code column is read as the list of members. Communes outside any SCoT
(« zone blanche », an empty name) belong to none.

Such a list is whole: each SCoT it names has all its members. The Cerema consumption file
also names each commune's SCoT, but only for the communes present in it: the perimeters
drawn from it are a fallback (``core.coverage.scot_perimeters``).
"""

from __future__ import annotations

import pandas as pd

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, read_named_columns, stated_edition, trimmed_text

NAME_COLUMNS = r"nom_?scot|scot|nom du scot|nom_schema"
CODE_COLUMNS = r"insee_?com|communes?_code_insee|code_?insee|insee commune|code commune|insee_commune"
ID_COLUMNS = r"id_?scot|code_?scot"


class ScotPerimeters(Source):
    name = "dgaln_scot"
    label = "DGALN, SCoT et communes membres (Sudocuh)"
    producer = "DGALN"

    def recognises(self, header):
        names = tabular.matching_columns(header, NAME_COLUMNS)
        codes = tabular.matching_columns(header, CODE_COLUMNS)
        # A consumption file also has a SCoT column: it is not a list of perimeters.
        flows = tabular.matching_columns(header, r"naf\d\dart\d\d")
        return bool(names and codes and not flows)

    def read(self, file, header, useful):
        name = tabular.matching_columns(header, NAME_COLUMNS)[0]
        code = tabular.matching_columns(header, CODE_COLUMNS)[0]
        identifiers = tabular.matching_columns(header, ID_COLUMNS)
        cols = read_named_columns(file, header, [code, name], identifiers[:1])
        codes = tabular.commune_codes(file, header, cols[code], code)
        names = trimmed_text(cols[name])
        scot = pd.DataFrame(
            {
                "code": codes,
                "scot": pd.Series(names, dtype=object).replace("", None),
                "scot_id": trimmed_text(cols[identifiers[0]]) if identifiers else None,
                "official": True,
            }
        )
        edition = stated_edition(file, header) or "non datée"
        reading = Reading(observations.empty(), edition, role="périmètres des SCoT (communes membres)")
        reading.scot = scot
        return reading
