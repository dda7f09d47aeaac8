"""Portail de l'artificialisation (« Mon diagnostic artificialisation »), OCS GE par commune.

The portal publishes, for every commune whose département has two OCS GE millésimes, the
artificialised and the impervious surfaces at each millésime and the net flow between them
(artificialisation minus désartificialisation, imperméabilisation minus désimperméabilisation),
in two tables of the same layout (its export models ``for_export_artif_commune`` and
``for_export_imper_commune``)::

    commune_code;nom;millesimes_1;pourcent_artif_1;surface_artif_1;millesimes_2;pourcent_artif_2;
    surface_artif_2;flux_surface_1_2;flux_percent_1_2;departement_code;region_code;epci_code;
    scot_code;commune_surface;geom

(``…_imper_…`` for imperviousness). ``millesimes_N`` lists the years of millésime N
(« 2018 » or « 2018, 2019 » where a territory spans two départements: the latest is kept).
The surfaces are in the unit of ``commune_surface``: square metres in the portal's tables
(a commune's median area is about 10⁷ m²), hectares when a file was converted — told apart
by the file's median area, and read in hectares. A commune of a département without two
millésimes has no row: it is not covered, never zero. ``geom`` is not read.

Observations: ``OCSGE_ARTIF`` and ``OCSGE_IMPER`` (ha, at each millésime's year), and the
net flows ``OCSGE_ARTIF_NET`` and ``OCSGE_IMPER_NET`` (ha, ``start`` the first millésime,
``year`` the second; a flow may be negative: land returned to nature).
"""

from __future__ import annotations

import re

import numpy as np

from territoire_data.errors import FileError
from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, read_named_columns, trimmed_text

M2_PER_HA = 10_000
MEDIAN_AREA_IN_M2 = 100_000  # a file whose median commune area is above this counts in m²
KINDS = {"artif": ("OCSGE_ARTIF", "OCSGE_ARTIF_NET"), "imper": ("OCSGE_IMPER", "OCSGE_IMPER_NET")}
_YEAR = re.compile(r"(?:19|20)\d\d")


def _kind(header) -> str | None:
    for kind in KINDS:
        if has_columns(header, "commune_code", "millesimes_1", f"surface_{kind}_1", "flux_surface_1_2"):
            return kind
    return None


def _years(file, header, column, name: str) -> np.ndarray:
    """The latest year of each row's list of millésimes."""
    out = np.zeros(len(column), dtype="float64")
    for i, text in enumerate(trimmed_text(column)):
        years = [int(y) for y in _YEAR.findall(str(text or ""))]
        if not years:
            raise FileError(file.path, header.line + 1 + i, name, f"millésime illisible « {str(text)[:30]} »")
        out[i] = max(years)
    return out


class OcsgeCommunes(Source):
    name = "ocsge_communes"
    label = "Portail de l'artificialisation, OCS GE par commune (IGN, Cerema)"
    producer = "IGN, Cerema (portail de l'artificialisation)"

    def recognises(self, header):
        return _kind(header) is not None

    def read(self, file, header, useful):
        kind = _kind(header)
        assert kind is not None
        stock, flow = KINDS[kind]
        if useful is not None and stock not in useful and flow not in useful:
            return Reading(observations.empty(), "")
        surfaces = [f"surface_{kind}_1", f"surface_{kind}_2"]
        cols = read_named_columns(
            file,
            header,
            ["commune_code", "millesimes_1", "millesimes_2", *surfaces, "flux_surface_1_2", "commune_surface"],
        )
        codes = tabular.commune_codes(file, header, cols["commune_code"], "commune_code")
        tabular.check_duplicates(file, header, codes, "commune_code")
        first = _years(file, header, cols["millesimes_1"], "millesimes_1")
        second = _years(file, header, cols["millesimes_2"], "millesimes_2")
        if (second <= first).any():
            i = int(np.flatnonzero(second <= first)[0])
            raise FileError(file.path, header.line + 1 + i, "millesimes_2", "second millésime antérieur au premier")
        area, area_status = tabular.parse_values(file, header, cols["commune_surface"], "commune_surface")
        known = area[area_status == tabular.OK]
        per_ha = M2_PER_HA if len(known) and float(np.median(known)) > MEDIAN_AREA_IN_M2 else 1
        edition = str(int(second.max())) if len(second) else ""  # the latest millésime
        pieces = []
        for column, years in zip(surfaces, (first, second), strict=True):
            values, statuses = tabular.parse_values(file, header, cols[column], column)
            pieces.append(
                observations.block(codes, stock, years, np.nan, values / per_ha, statuses, self.name, edition)
            )
        values, statuses = tabular.parse_values(
            file, header, cols["flux_surface_1_2"], "flux_surface_1_2", negative_allowed=True
        )
        pieces.append(observations.block(codes, flow, second, first, values / per_ha, statuses, self.name, edition))
        reading = Reading(observations.concatenate(pieces), edition)
        reading.remarks.append(
            f"OCS GE ({'artificialisation' if kind == 'artif' else 'imperméabilisation'}) : {len(codes)} commune(s), "
            f"surfaces lues en {'m²' if per_ha != 1 else 'ha'}"
        )
        return reading
