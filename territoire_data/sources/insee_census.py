"""INSEE census communal bases (bases infracommunales agrégées à la commune).

Three families, each recognised by columns of its own:

- ``base-cc-evol-struct-pop``: age bands ``P22_POP0014`` … ``P22_POP90P``;
- ``base-cc-logement``: ``P22_LOG``, ``P22_MAISON``, ``P22_RP_PROP``;
- ``base-cc-emploi-pop-active``: ``P22_ACT1564``, commute modes ``C22_ACTOCC15P_VOIT``.
"""

from territoire_data.sources.base import Source, has_columns, read_wide

MAX_COLUMNS = 300


class _CensusBase(Source):
    producer = "INSEE"
    patterns: tuple[str, ...] = ()

    def recognises(self, header):
        return (
            len(header.columns) < MAX_COLUMNS
            and has_columns(header, "CODGEO", *self.patterns)
            and not has_columns(header, r"NAIS\d{4}")  # the comparateur has census columns too
        )

    def read(self, file, header, useful):
        return read_wide(self, file, header, useful, secrets=frozenset({"s"}), edition=lambda a: f"RP{a}")


class PopulationCensus(_CensusBase):
    name = "insee_rp_population"
    label = "INSEE, recensement : évolution et structure de la population"
    patterns = (r"P\d\d_POP0014", r"P\d\d_POP65P")


class HousingCensus(_CensusBase):
    name = "insee_rp_logement"
    label = "INSEE, recensement : logement"
    patterns = (r"P\d\d_LOG", r"P\d\d_MAISON", r"P\d\d_RP_PROP")


class EmploymentCensus(_CensusBase):
    name = "insee_rp_emploi"
    label = "INSEE, recensement : emploi et population active"
    patterns = (r"P\d\d_ACT1564", r"C\d\d_ACTOCC15P_VOIT")
