"""INSEE, base du comparateur de territoires (every edition).

``CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;…;MED19;TP6019;…`` (2022 edition) or
``P22_*``/``P16_*``/``MED21`` (2025 edition). Secret: ``s`` (2025), or an empty field — but in
the real 2022 file an empty field is secret only for the Filosofi columns: the census,
births and deaths and establishments columns are blank for Mayotte (no census in 2018) and
for communes created after a vintage, which is "not covered", never secret. Births and deaths
between censuses are filed under the later census of the file (``base.aligner_periodes``).
Recognised by its columns: population, vacant dwellings and births between censuses,
with fewer columns than the dossier complet.
"""

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, read_named_columns, read_wide, trimmed_text

MAX_COLUMNS = 200


class Comparateur(Source):
    name = "insee_comparateur"
    label = "INSEE, base du comparateur de territoires"
    producer = "INSEE"

    def recognises(self, header):
        return len(header.columns) < MAX_COLUMNS and has_columns(
            header, "CODGEO", r"P\d\d_POP", r"P\d\d_LOGVAC", r"NAIS\d{4}"
        )

    def read(self, file, header, useful):
        return read_wide(self, file, header, useful, secrets=frozenset({"", "s"}), edition=lambda a: f"RP{a}")


# A derived copy of the comparateur circulating in public repositories: one row per commune
# and postal code (the same figures repeated), commune déléguée rows repeating their parent's
# figures, lower-case names with the year at the end. The real layout wins: rows are taken
# once per commune (``COM`` and ``ARM`` rows), and each column family maps to INSEE's variable.
_COPY_COLUMN = re.compile(
    r"(population|menages|naissances|deces|pop_15_64_totale|pop_15_64_chomage|pop_15_64_active)_(\d{4})", re.IGNORECASE
)
COPY_VARIABLES = {
    "population": "P_POP",
    "menages": "P_MEN",
    "naissances": "NAISD",
    "deces": "DECESD",
    "pop_15_64_totale": "P_POP1564",
    "pop_15_64_chomage": "P_CHOM1564",
    "pop_15_64_active": "P_ACT1564",
}


class ComparateurCopy(Source):
    name = "insee_comparateur_derive"
    label = "INSEE, comparateur de territoires (copie dérivée, une ligne par code postal)"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "insee_com", r"population_\d{4}")

    def read(self, file, header, useful):
        families = [
            (c, COPY_VARIABLES[m[1].lower()], int(m[2])) for c in header.columns if (m := _COPY_COLUMN.fullmatch(c))
        ]
        families = [(c, v, a) for c, v, a in families if useful is None or v in useful]
        optional = [
            c for c in ("commune_type", "superficie_km2", "code_postal", "insee_parente") if c.upper() in header.index()
        ]
        cols = read_named_columns(file, header, ["insee_com", *[c for c, *_ in families]], optional)
        codes = tabular.commune_codes(file, header, cols["insee_com"], "insee_com")
        keep = np.ones(len(codes), bool)
        if "commune_type" in cols:
            keep = np.isin(trimmed_text(cols["commune_type"]), ["COM", "ARM"])
        _, first = np.unique(np.where(keep, codes, ""), return_index=True)
        rows = np.sort(first[keep[first]])
        census_year = max((a for _, v, a in families if v == "P_POP"), default=0)
        edition = f"RP{census_year}"
        pieces = []
        for column, variable, year in families:
            values, statuses = tabular.parse_values(
                file, header, cols[column], column, secrets=frozenset({"s"}), not_covered=frozenset({""})
            )
            # This copy writes 0 where the census has no figure (Mayotte's communes): a whole
            # département at zero is not covered (a few communes with no inhabitant do exist).
            statuses = tabular.uncovered_departements(codes, np.where(values == 0, "secret", statuses), values == 0)
            statuses = np.where((statuses == "secret") & (values == 0), "ok", statuses)
            pieces.append(
                observations.block(
                    codes[rows], variable, year, np.nan, values[rows], statuses[rows], self.name, edition
                )
            )
        if "superficie_km2" in cols:
            values, statuses = tabular.parse_values(
                file, header, cols["superficie_km2"], "superficie_km2", not_covered=frozenset({""})
            )
            pieces.append(
                observations.block(
                    codes[rows], "SUPERF", census_year, np.nan, values[rows], statuses[rows], self.name, edition
                )
            )
        reading = Reading(observations.concatenate(pieces), edition)
        if "code_postal" in cols:
            reading.postal_codes = _postal_codes(codes, cols)
        return reading


def _postal_codes(codes: np.ndarray, cols: dict) -> pd.DataFrame:
    """(commune, postal code) pairs of the copy's lines: an arrondissement's or a delegated
    commune's postal codes are its parent commune's too (they lead to its page)."""

    def text(name: str) -> np.ndarray:
        return np.array([v or "" for v in trimmed_text(cols[name])], dtype=object)

    postal = text("code_postal")
    owner = codes.astype(object)
    if "insee_parente" in cols and "commune_type" in cols:
        parent = text("insee_parente")
        below = np.isin(text("commune_type"), ["ARM", "COMD", "COMA"]) & (parent != "")
        owner = np.where(below, parent, owner)
    keep = np.array([len(p) == 5 and p.isdigit() for p in postal], dtype=bool)
    return pd.DataFrame({"code": owner[keep].astype(str), "postal": postal[keep].astype(str)}).drop_duplicates(
        ignore_index=True
    )
