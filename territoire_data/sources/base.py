"""What every source module provides, and the shared reader of INSEE's wide tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from territoire_data.errors import FileError
from territoire_data.sources import observations, tabular, variables
from territoire_data.sources.raw import RawFile
from territoire_data.sources.tabular import Header


@dataclass
class Reading:
    observations: pd.DataFrame
    edition: str
    remarks: list[str] = field(default_factory=list)
    movements: pd.DataFrame | None = None  # COG: old, new, date
    scot: pd.DataFrame | None = None  # Cerema: code, scot
    restorations: pd.DataFrame | None = None  # COG: date, parent, restored (restored communes)
    postal_codes: pd.DataFrame | None = None  # code (commune), postal: the postal codes of a commune
    role: str | None = None  # recognised files that carry no observation: what they are


class Source:
    """A publisher's file family. Subclasses say how to recognise and read it."""

    name: str = ""
    label: str = ""
    producer: str = ""

    def recognises(self, header: Header) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, file: RawFile, header: Header, useful: set[str] | None) -> Reading:  # pragma: no cover
        raise NotImplementedError

    # JSON files (Etalab's découpage, GeoJSON layers): recognised by their parsed structure.
    def recognises_json(self, obj) -> bool:
        return False

    def read_json(self, file: RawFile, obj, useful: set[str] | None) -> Reading:  # pragma: no cover
        raise NotImplementedError


def has_columns(header: Header, *patterns: str) -> bool:
    """True when every regex motif matches at least one column (case-insensitive)."""
    return all(tabular.matching_columns(header, pattern) for pattern in patterns)


# Filosofi variables: INSEE leaves the cell blank where the figure is secret. Every other
# variable of INSEE's wide tables (census counts, births and deaths, establishments, area)
# is never secret: a blank there is a territory the vintage does not cover.
FILOSOFI_VARIABLES = frozenset(
    {
        "NBMENFISC",
        "NBPERSMENFISC",
        "MED",
        "PIMP",
        "D1",
        "D9",
        "RD",
        "PACT",
        "PTSA",
        "PCHO",
        "PBEN",
        "PPEN",
        "PPAT",
        "PPSOC",
        "PPFAM",
        "PPMINI",
        "PPLOGT",
        "PIMPOT",
        "MED_SL",
        "PR_MD60",
        "IR_D9_D1_SL",
        "PR_PIMPOT",
    }
)


def blank_is_secret(variable: str) -> bool:
    return variable in FILOSOFI_VARIABLES or variable.startswith("TP60")


def align_periods(kept: list[tuple[str, str, int | None, int | None]]) -> list[tuple]:
    """Births and deaths between two censuses filed under the later census of the file.

    INSEE names them after the period (``NAIS1318``: 1 January 2013 to 1 January 2018, with
    ``P13_POP``/``P18_POP``), but newer editions name the last year included (``NAIS1621``:
    2016 to 2021 included, with ``P16_POP``/``P22_POP``). Either way the components of the
    population change must cover the period of that change: a period starting at a census
    year of the file ends at the next census year of the file.
    """
    censuses = sorted({a for _, v, a, _ in kept if v == "P_POP" and a})
    output = []
    for column, variable, year, start in kept:
        if start is not None and start in censuses:
            following = [a for a in censuses if a > start]
            if following and year is not None and abs(following[0] - year) <= 1:
                year = following[0]
        output.append((column, variable, year, start))
    return output


def read_wide(
    source: Source,
    file: RawFile,
    header: Header,
    useful: set[str] | None,
    *,
    secrets: frozenset[str],
    code_column: str = "CODGEO",
    negative: frozenset[str] = frozenset(),
    edition=None,
) -> Reading:
    """An INSEE wide table (one row per commune, one column per variable and year).

    Only the variables in ``useful`` are kept (all when None): the dossier complet has
    ~1,900 columns and the catalogue needs a few dozen. A blank cell is secret for
    Filosofi variables (when ``""`` is among ``secrets``), else not covered; a département
    whose communes are all blank is not covered either (``tableau.departements_non_couverts``).
    """
    index = header.index()
    if code_column.upper() not in index:
        raise FileError(file.path, header.line, code_column, "colonne de code géographique absente")
    kept = []
    for column in header.columns:
        variable, year, start = variables.split_column(column)
        if column.upper() == code_column.upper() or year is None and variable != "SUPERF":
            continue
        if useful is None or variable in useful:
            kept.append((column, variable, year, start))
    kept = align_periods(kept)
    census_years = [a for c, v, a, d in kept if re.match(r"[PC]\d\d_", c.upper()) and a]
    every = [a for *_, a, _ in kept if a]
    file_year = max(census_years or every or [0])
    table = tabular.read_columns(file, header, [index[code_column.upper()]] + [c for c, *_ in kept])
    codes = tabular.commune_codes(file, header, table.column(index[code_column.upper()]), code_column)
    tabular.check_duplicates(file, header, codes, code_column)
    edition_name = edition(file_year) if callable(edition) else f"{file_year}"
    pieces = []
    empty_secret = "" in secrets
    for column, variable, year, start in kept:
        secret_here = empty_secret and blank_is_secret(variable)
        values, statuses = tabular.parse_values(
            file,
            header,
            table.column(column),
            column,
            secrets=secrets if secret_here else secrets - {""},
            not_covered=frozenset() if secret_here else frozenset({""}),
            negative_allowed=variable in negative,
        )
        if secret_here:
            empty = pc.equal(pc.utf8_trim_whitespace(table.column(column)), "").to_numpy(zero_copy_only=False)
            statuses = tabular.uncovered_departements(codes, statuses, empty)
        pieces.append(
            observations.block(
                codes,
                variable,
                year or file_year,
                start if start else float("nan"),
                values,
                statuses,
                source.name,
                edition_name,
            )
        )
    return Reading(observations.concatenate(pieces), edition_name)


def read_named_columns(file: RawFile, header: Header, required: list[str], optional: Sequence[str] = ()):
    """Read the named columns (case-insensitive); a missing required one names the file."""
    index = header.index()
    absent = [c for c in required if c.upper() not in index]
    if absent:
        raise FileError(file.path, header.line, absent[0], "colonne attendue absente")
    names = [c for c in [*required, *optional] if c.upper() in index]
    table = tabular.read_columns(file, header, [index[c.upper()] for c in names])
    return {c: table.column(index[c.upper()]) for c in names}


def trimmed_text(column) -> np.ndarray:
    return np.asarray(pc.utf8_trim_whitespace(column).to_numpy(zero_copy_only=False), dtype=object)


def integers(file: RawFile, header: Header, column, name: str) -> np.ndarray:
    values, statuses = tabular.parse_values(file, header, column, name)
    if (statuses != tabular.OK).any() or (values != values.round()).any():
        i = int(next(i for i in range(len(values)) if statuses[i] != tabular.OK or values[i] != round(values[i])))
        raise FileError(file.path, header.line + 1 + i, name, "entier attendu")
    return values.astype("int64")


def map_unique(values: np.ndarray, function) -> np.ndarray:
    """Apply ``function`` once per distinct value of a long column (labels, categories)."""
    unique, inverse = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return np.array([function(u) for u in unique], dtype=object)[inverse]


_STATED_YEAR = re.compile(
    r"(?:g[ée]ographie|mill[ée]sime|[ée]dition|mise en ligne)\D{0,20}(?:\d\d/\d\d/)?((?:19|20)\d\d)", re.IGNORECASE
)
_NAME_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def stated_edition(file: RawFile, header: Header) -> str | None:
    """The edition a file states of itself: a « Géographie au 01/01/2024 » or « millésime
    2024 » line above its header, else a year in its name (``…_2024.xlsx``, the sheet
    « … 2025 »), else None — never a year guessed from a column."""
    lines = file.content()[:8192].decode(header.encoding, errors="replace").splitlines()[: max(header.line - 1, 0)]
    for line in lines:
        if found := _STATED_YEAR.search(line):
            return found[1]
    years = _NAME_YEAR.findall(file.path)
    return years[-1] if years else None
