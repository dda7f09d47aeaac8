"""Delimited text tables as published: encoding, BOM, separator, CRLF, header row.

Tables are read by Arrow as strings (compact, multi-threaded), then converted column by
column into values and statuses so that a garbled cell is reported with its file, line
and column, and secret markers are kept apart from zeros.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from territoire_data.errors import FileError
from territoire_data.sources.raw import RawFile

SEPARATORS = (";", ",", "\t", "|")
_NUMBER = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"

OK, SECRET, MISSING, NOT_COVERED = "ok", "secret", "missing", "not_covered"
STATUS_NAMES = np.array([OK, SECRET, MISSING, NOT_COVERED], dtype=object)
MISSING_MARKERS = frozenset({"", "nd", "ND", "n.d.", "NA", "N/A"})  # "non disponible"


@dataclass(frozen=True)
class Header:
    columns: tuple[str, ...]  # as written, quotes and spaces removed
    separator: str
    encoding: str  # Python codec name (utf-8, utf-8-sig, cp1252)
    line: int  # 1-based line number of the header

    def index(self) -> dict[str, str]:
        """Upper-cased column name → column as written."""
        return {c.upper(): c for c in self.columns}


def read_header(file: RawFile, max_lines: int = 12) -> Header | None:
    """The header of a delimited text file, or None when the file is not such a table.

    Publishers put lines above the header: titles and notes (INSEE workbooks), or a line
    of long labels above the line of codes (SDES DiDo exports, the INSEE density grid).
    The header is therefore the line just above the first data line, among the widest
    lines followed by a line of the same width; a data line is one with a number in it.
    """
    start = file.content()[:65536]
    if not start or b"\x00" in start[:4096]:
        return None
    encoding = _encoding(start)
    text = start.decode(encoding, errors="replace")
    rows = text.splitlines()[: max_lines + 1]
    candidates: list[tuple[int, str, int]] = []  # (line number, separator, fields)
    for line_number, line in enumerate(rows[:max_lines], start=1):
        next_line = rows[line_number] if line_number < len(rows) else None
        for separator in SEPARATORS:
            n = _fields(line, separator)
            if n < 2 or (next_line is not None and _fields(next_line, separator) != n):
                continue
            candidates.append((line_number, separator, n))
    if not candidates:
        return None
    width = max(n for *_, n in candidates)
    separator = next(s for _, s, n in candidates if n == width)
    numbers = [line_number for line_number, s, n in candidates if n == width and s == separator]
    line_number = numbers[0]
    for candidate in numbers:  # the last line of the block that is not yet data
        if _data(rows[candidate - 1], separator):
            break
        line_number = candidate
    columns = tuple(
        c.strip().strip('"').strip() for c in next(csv.reader([rows[line_number - 1]], delimiter=separator))
    )
    if sum(1 for c in columns if c) < 2:
        return None
    return Header(columns, separator, encoding, line_number)


_NUMBER_CELL = re.compile(r"^\s*[+-]?\d+([.,]\d+)?\s*$")


def _data(line: str, separator: str) -> bool:
    """A line of values rather than of column names: at least one field is a number."""
    return any(_NUMBER_CELL.match(c.strip('"')) for c in next(csv.reader([line], delimiter=separator)))


def _fields(line: str, separator: str) -> int:
    """Number of fields, separators inside double quotes not counted."""
    if separator not in line:
        return 0
    return len(next(csv.reader([line], delimiter=separator)))


def _encoding(start: bytes) -> str:
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    cut = start[: start.rfind(b"\n") + 1] or start
    try:
        cut.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # INSEE's and SDES's older files: Windows Latin-1


def read_columns(file: RawFile, header: Header, columns: list[str]) -> pa.Table:
    """The given columns as strings; a row of the wrong width is an error naming its line."""
    bad: list = []

    def line_invalid(line) -> str:
        bad.append(line)
        return "skip"

    encoding = "utf8" if header.encoding.startswith("utf-8") else header.encoding
    try:
        table = pacsv.read_csv(
            pa.py_buffer(file.content()),
            read_options=pacsv.ReadOptions(encoding=encoding, skip_rows=header.line - 1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=header.separator, invalid_row_handler=line_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise FileError(file.path, None, None, f"illisible comme tableau : {_first_line(exc)}") from None
    if bad:
        first_one = bad[0]
        line_number = None if first_one.number is None else first_one.number + header.line - 1
        if line_number is None:  # multi-threaded parsing does not number rows: find the text
            line_number = _number_line(file, header, first_one.text)
        raise FileError(
            file.path,
            line_number,
            None,
            f"{first_one.actual_columns} champs au lieu de {first_one.expected_columns} "
            f"(fichier tronqué ou séparateur incohérent ; {len(bad)} ligne(s) en cause)",
        )
    return table


def _number_line(file: RawFile, header: Header, text: str) -> int | None:
    target = text.rstrip("\r\n")
    rows = file.content().decode(header.encoding, errors="replace").splitlines()
    for line_number, line in enumerate(rows[header.line :], start=header.line + 1):
        if line == target:
            return line_number
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200]


def commune_codes(file: RawFile, header: Header, column: pa.ChunkedArray, name: str) -> np.ndarray:
    """Commune codes, trimmed, with the leading zero that spreadsheets drop put back."""
    codes = pc.utf8_trim(column, characters=' "')
    short = pc.and_(pc.equal(pc.utf8_length(codes), 4), pc.utf8_is_digit(codes))
    codes = pc.if_else(short, pc.utf8_lpad(codes, 5, "0"), codes)
    empty = pc.equal(pc.utf8_length(codes), 0).to_numpy(zero_copy_only=False)
    if empty.any():
        raise FileError(file.path, _line(header, np.flatnonzero(empty)[0]), name, "code géographique vide")
    return np.asarray(codes.to_numpy(zero_copy_only=False), dtype=object)


def check_duplicates(file: RawFile, header: Header, codes: np.ndarray, name: str) -> None:
    _, first, counted = np.unique(codes, return_index=True, return_counts=True)
    if (counted > 1).any():
        code = codes[first[np.argmax(counted > 1)]]
        rows = [_line(header, i) for i in np.flatnonzero(codes == code)[:3]]
        raise FileError(
            file.path,
            rows[1],
            name,
            f"code « {code} » en double (lignes {', '.join(map(str, rows))})",
        )


def parse_values(
    file: RawFile,
    header: Header,
    column: pa.ChunkedArray,
    name: str,
    *,
    secrets: frozenset[str] = frozenset(),
    missing: frozenset[str] = MISSING_MARKERS,
    not_covered: frozenset[str] = frozenset(),
    negative_allowed: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Values (float64, NaN when not a number) and statuses (ok / secret / missing /
    not_covered: ``not_covered`` are the markers of a territory the source does not cover).

    Comma decimals are accepted. A cell that is neither a number nor a known marker, or
    a negative count, raises an ``FileError`` naming its line and column.
    """
    text = pc.utf8_trim_whitespace(column)
    is_secret = pc.is_in(text, pa.array(sorted(secrets - not_covered), pa.string())).to_numpy(zero_copy_only=False)
    is_not_covered = pc.is_in(text, pa.array(sorted(not_covered), pa.string())).to_numpy(zero_copy_only=False)
    is_missing = pc.is_in(text, pa.array(sorted(missing - secrets - not_covered), pa.string())).to_numpy(
        zero_copy_only=False
    )
    marker = is_secret | is_missing | is_not_covered
    candidates = pc.if_else(pa.array(marker), None, text) if marker.any() else text
    try:  # fast path: every other cell is a number (comma decimals allowed)
        result = pc.cast(pc.replace_substring(candidates, ",", "."), pa.float64())
    except pa.ArrowInvalid:
        number = pc.match_substring_regex(text, _NUMBER).to_numpy(zero_copy_only=False)
        i = int(np.flatnonzero(~(number | marker))[0])
        raise FileError(
            file.path,
            _line(header, i),
            name,
            f"valeur « {text[i].as_py()[:40]} » illisible (ni nombre ni marqueur de secret)",
        ) from None
    result = result.to_numpy(zero_copy_only=False)
    if not negative_allowed and (negative := np.flatnonzero(result < 0)).size:
        i = int(negative[0])
        raise FileError(file.path, _line(header, i), name, f"valeur négative « {text[i].as_py()} » pour un effectif")
    codes = np.where(is_secret, 1, np.where(is_missing, 2, np.where(is_not_covered, 3, 0)))
    return result, STATUS_NAMES.take(codes)


def departement(code: str) -> str:
    """Département of a commune code (``97411`` → ``974``, ``2A004`` → ``2A``)."""
    return code[:3] if code.startswith("97") else code[:2]


def uncovered_departements(codes: np.ndarray, statuses: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Statuses where blanks read as secret cover a whole département turned into not covered.

    Secrecy is scattered over small communes; a département where every commune is blank
    is one the source does not cover (Mayotte in Filosofi and in the 2018 census).
    """
    communes = np.array([len(c) == 5 for c in codes])
    if not communes.any():
        return statuses
    deps = np.array([departement(c) for c in codes], dtype=object)
    secret = (statuses == SECRET) & empty
    output = statuses.copy()
    for dep in np.unique(deps[communes & secret]):
        here = communes & (deps == dep)
        if secret[here].all():
            output[here] = NOT_COVERED
    return output


def _line(header: Header, index: int) -> int:
    return header.line + 1 + int(index)


def matching_columns(header: Header, pattern: str) -> list[str]:
    expression = re.compile(pattern, re.IGNORECASE)
    return [c for c in header.columns if expression.fullmatch(c)]
