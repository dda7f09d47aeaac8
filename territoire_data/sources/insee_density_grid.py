"""INSEE, grille communale de densité (7 niveaux), the peer group ``density``.

Real layouts differ between editions:

- 2024 (« grille_densite_7_niveaux_2024.xlsx », sheet ``Grille_Densite``): three title rows, a
  row of long labels, then the codes ``CODGEO;LIBGEO;DENS;LIBDENS;PMUN21;P1;…;P7``. Here
  ``DENS`` is already the 7-level typology (1 grands centres urbains … 7 rural à habitat très
  dispersé) and ``P1``…``P7`` the shares of population in each level;
- 2025 (« fichier_diffusion_2025.xlsx », sheet « Maille communale »): ``DENS`` the 3-level
  degree and ``DENS7`` the 7 levels.

``DENS7`` is therefore ``DENS7`` when the file has it, else ``DENS`` when ``DENS`` has 7
levels (values above 3, or the ``P1``…``P7`` shares). Its year is that of the population
column (``PMUN21`` → 2021); the edition is the one the file states (« Géographie au
01/01/2024 » above the header, or the year in its name), the population year only when
the file says nothing else, labelled as such.
"""

from __future__ import annotations

import numpy as np

from territoire_data.sources import observations, tabular, variables
from territoire_data.sources.base import Reading, Source, has_columns, read_named_columns, stated_edition


class DensityGrid(Source):
    name = "insee_grille_densite"
    label = "INSEE, grille communale de densité"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "CODGEO", "DENS", r"PMUN\d\d") or has_columns(header, "CODGEO", "DENS7")

    def read(self, file, header, useful):
        pmun = tabular.matching_columns(header, r"PMUN\d\d")
        year = (variables.split_column(pmun[0])[1] if pmun else None) or 0
        cols = read_named_columns(file, header, ["CODGEO"], ["DENS", "DENS7"])
        codes = tabular.commune_codes(file, header, cols["CODGEO"], "CODGEO")
        tabular.check_duplicates(file, header, codes, "CODGEO")
        edition = stated_edition(file, header) or f"population {year}"
        parsed = {
            name: tabular.parse_values(file, header, cols[name], name) for name in ("DENS", "DENS7") if name in cols
        }
        if "DENS7" not in parsed and "DENS" in parsed:
            values = parsed["DENS"][0]
            seven_levels = np.nanmax(values, initial=0) > 3 or has_columns(header, "P7")
            if seven_levels:
                parsed = {"DENS7": parsed["DENS"]}
        pieces = [
            observations.block(codes, name, year, np.nan, values, statuses, self.name, edition)
            for name, (values, statuses) in parsed.items()
        ]
        return Reading(observations.concatenate(pieces), edition)
