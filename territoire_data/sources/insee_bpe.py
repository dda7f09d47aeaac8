"""INSEE, base permanente des équipements (BPE): facilities per commune and type.

Three real layouts:

- **long** (``DS_BPE_CSV_FR.zip``, newer editions): ``GEO;GEO_OBJECT;FACILITY_TYPE;BPE_MEASURE;
  TIME_PERIOD;OBS_VALUE``;
- **« ensemble »** (editions up to 2021): ``DEPCOM;…;TYPEQU;NB_EQUIP`` with the year in ``AN``;
- **communal files by domain** (editions up to 2021, one file per domain such as
  ``equip-serv-sante-com-2021.csv``): wide, ``CODGEO;NB_D101;…;NB_D307``. The year is only in
  the file's name (the content does not state it): taken from there, else the file is set
  aside with the reason.

Equipment codes change between nomenclatures: general practitioners are ``D201`` up to the
2021 bases and ``D265`` in the newer one. Each year's codes are mapped to the variables
the catalogue uses (a long file uses ``D265`` for a year where it holds that code, ``D201``
otherwise; the older layouts always use the older nomenclature). A commune a file lists has
zero of the types it does not give there; a commune absent from a file has none of these
facilities only where the file covers its département (``core.coverage``), else it is not
covered.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.errors import FileError
from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, integers, read_named_columns, trimmed_text

FOOD_SHOPS = {"B101", "B102", "B104", "B105", "B201", "B202", "B203", "B204", "B205", "B206", "B207"}
SCHOOLS = {"C101", "C102", "C104", "C105"}
NOMENCLATURES = {
    "avant_2022": {
        "BPE_MEDECINS": {"D201"},
        "BPE_PHARMACIES": {"D307"},
        "BPE_ECOLES": SCHOOLS,
        "BPE_ALIMENTAIRE": FOOD_SHOPS,
    },
    "2023": {
        "BPE_MEDECINS": {"D265"},
        "BPE_PHARMACIES": {"D307"},
        "BPE_ECOLES": SCHOOLS,
        "BPE_ALIMENTAIRE": FOOD_SHOPS,
    },
}
COUNT_MEASURES = ("FACILITIES", "NB_EQUIP", "NB", "FACILITY_NB")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def sum(frame: pd.DataFrame, source: str, edition: str, *, recent_possible: bool = True) -> pd.DataFrame:
    """``frame`` (code, type, annee, valeur) → the catalogue's variables, each year in its nomenclature."""
    pieces = []
    for year, block in frame.groupby("annee"):
        nomenclature = NOMENCLATURES["2023" if recent_possible and (block["type"] == "D265").any() else "avant_2022"]
        # The file lists every facility of a commune it lists: a type it does not give there is zero.
        listed = pd.Index(pd.unique(block["code"]))
        for variable, types in nomenclature.items():
            summed = block[block["type"].isin(types)].groupby("code")["valeur"].sum().reindex(listed, fill_value=0.0)
            pieces.append(
                observations.block(summed.index, variable, year, np.nan, summed.to_numpy(), "ok", source, edition)
            )
    return observations.concatenate(pieces)


class Bpe(Source):
    name = "insee_bpe"
    label = "INSEE, base permanente des équipements"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "GEO", "FACILITY_TYPE", "OBS_VALUE", "TIME_PERIOD") or has_columns(
            header, "DEPCOM", "TYPEQU", "NB_EQUIP"
        )

    def read(self, file, header, useful):
        if "TYPEQU" in header.index():
            return self._ensemble(file, header)
        cols = read_named_columns(
            file, header, ["GEO", "FACILITY_TYPE", "OBS_VALUE", "TIME_PERIOD"], ["GEO_OBJECT", "BPE_MEASURE"]
        )
        frame = pd.DataFrame(
            {
                "code": trimmed_text(cols["GEO"]),
                "type": trimmed_text(cols["FACILITY_TYPE"]),
                "annee": integers(file, header, cols["TIME_PERIOD"], "TIME_PERIOD"),
            }
        )
        values, _ = tabular.parse_values(file, header, cols["OBS_VALUE"], "OBS_VALUE")
        frame["valeur"] = np.nan_to_num(values)
        keep = np.ones(len(frame), bool)
        if "GEO_OBJECT" in cols:
            keep &= np.isin(trimmed_text(cols["GEO_OBJECT"]), ["COM", "ARM"])
        if "BPE_MEASURE" in cols:
            measures = trimmed_text(cols["BPE_MEASURE"])
            count = np.isin(measures, COUNT_MEASURES)
            keep &= count if count.any() else measures == measures[0]
        frame = frame[keep]
        edition = str(frame["annee"].max()) if len(frame) else "inconnue"
        return Reading(sum(frame, self.name, edition), edition)

    def _ensemble(self, file, header) -> Reading:
        cols = read_named_columns(file, header, ["DEPCOM", "TYPEQU", "NB_EQUIP"], ["AN"])
        if "AN" not in cols:
            raise FileError(file.path, header.line, "AN", "année de la base (colonne AN) absente")
        values, _ = tabular.parse_values(file, header, cols["NB_EQUIP"], "NB_EQUIP")
        frame = pd.DataFrame(
            {
                "code": tabular.commune_codes(file, header, cols["DEPCOM"], "DEPCOM"),
                "type": trimmed_text(cols["TYPEQU"]),
                "annee": integers(file, header, cols["AN"], "AN"),
                "valeur": np.nan_to_num(values),
            }
        )
        edition = str(frame["annee"].max()) if len(frame) else "inconnue"
        return Reading(sum(frame, self.name, edition, recent_possible=False), edition)


class BpeWideCommunal(Source):
    name = "insee_bpe"
    label = "INSEE, base permanente des équipements"
    producer = "INSEE"

    def recognises(self, header):
        return has_columns(header, "CODGEO", r"NB_[A-G]\d{3}")

    def read(self, file, header, useful):
        years = _YEAR_IN_NAME.findall(file.path)
        if not years:
            raise FileError(
                file.path,
                None,
                None,
                "fichier communal de la BPE sans année : son contenu ne "
                "la dit pas et son nom non plus (nom d'origine : …-com-2021.csv)",
            )
        year = int(years[-1])
        types = [c for c in header.columns if re.fullmatch(r"NB_[A-G]\d{3}", c, re.IGNORECASE)]
        cols = read_named_columns(file, header, ["CODGEO", *types])
        codes = tabular.commune_codes(file, header, cols["CODGEO"], "CODGEO")
        tabular.check_duplicates(file, header, codes, "CODGEO")
        pieces = []
        for column in types:
            values, _ = tabular.parse_values(file, header, cols[column], column)
            pieces.append(
                pd.DataFrame(
                    {"code": codes, "type": column[3:].upper(), "annee": year, "valeur": np.nan_to_num(values)}
                )
            )
        frame = pd.concat(pieces, ignore_index=True)
        edition = str(year)
        obs = sum(frame, self.name, edition, recent_possible=False)
        # A domain file says nothing of the other domains' facilities: keep only variables it covers.
        present = {v for v, t in NOMENCLATURES["avant_2022"].items() if t & set(frame["type"])}
        obs = obs[obs["variable"].astype(str).isin(present)].reset_index(drop=True)
        return Reading(observations.normalise(obs), edition)
