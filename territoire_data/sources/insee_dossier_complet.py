"""INSEE, dossier complet: ~1,900 columns per commune (``P22_*``, ``C22_*``, ``MED_SL23``…).

Recognised by ``CODGEO`` and its width. Only the variables the catalogue uses are read.
"""

from territoire_data.sources.base import Source, has_columns, read_wide

MIN_COLUMNS = 300


class DossierComplet(Source):
    name = "insee_dossier_complet"
    label = "INSEE, dossier complet"
    producer = "INSEE"

    def recognises(self, header):
        return len(header.columns) >= MIN_COLUMNS and has_columns(header, "CODGEO", r"P\d\d_POP")

    def read(self, file, header, useful):
        return read_wide(
            self,
            file,
            header,
            useful,
            secrets=frozenset({"s"}),
            edition=lambda a: f"RP{a}",
            negative=frozenset({"PIMPOT", "PR_PIMPOT"}),
        )
