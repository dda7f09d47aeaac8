"""Local corrections: a territory replaces a national figure with its own and says why.

Article R2231-1 lets a report use the figures of a local, departmental or regional
observatory in place of the national ones. A corrections file (CSV, ``;`` or ``,``, UTF-8)
has one line per figure replaced::

    territoire;indicateur;annee;valeur;source;motif
    33440;consommation_naf;2021;0,45;Observatoire départemental, relevé 2025;Lotissement compté deux fois

``indicateur``: ``consommation_naf`` (a year's consumption, ha) or one of its destinations
(``consommation_habitat``, ``…_activite``, ``…_mixte``, ``…_routes``, ``…_ferre``,
``…_inconnue``), ``superficie`` (ha, no year), or ``objectif_2021_2030`` (ha, no year: the
territory's own consumption target for 2021-2030 set by the SRADDET, the SCoT or the PLU,
shown beside the national allowance in section 4°). Optional columns ``saisi_par`` and
``saisi_le`` say who recorded it and when. Every line is checked before any is applied: an
unknown territory, indicator or year, a value that is not a number, a missing source or
reason refuses the whole file with a French message naming the line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from pathlib import Path

from territoire_data.errors import TerritoireError, UnknownTerritory

COLUMNS = ("territoire", "indicateur", "annee", "valeur", "source", "motif")
OPTIONAL = ("saisi_par", "saisi_le")
YEARLY = {
    "consommation_naf": "total_ha",
    "consommation_habitat": "habitat_ha",
    "consommation_activite": "activite_ha",
    "consommation_mixte": "mixte_ha",
    "consommation_routes": "routes_ha",
    "consommation_ferre": "ferre_ha",
    "consommation_inconnue": "inconnu_ha",
}
LABELS = {
    "consommation_naf": "consommation d'espaces NAF",
    "consommation_habitat": "consommation pour l'habitat",
    "consommation_activite": "consommation pour l'activité",
    "consommation_mixte": "consommation mixte",
    "consommation_routes": "consommation pour les routes",
    "consommation_ferre": "consommation ferroviaire",
    "consommation_inconnue": "consommation de destination inconnue",
    "superficie": "superficie du territoire",
    "objectif_2021_2030": "objectif de consommation 2021-2030 (SRADDET, SCoT ou PLU)",
}
WITHOUT_YEAR = ("superficie", "objectif_2021_2030")
MAX_TEXT = 500
MAX_LINES = 10_000
CORRECTIONS_FILE = Path("corrections") / "rapport_triennal.csv"


@dataclass(frozen=True)
class Correction:
    territory: str
    indicator: str
    year: int | None
    value: float
    source: str
    reason: str
    recorded_by: str = ""
    recorded_on: str = ""
    line: int = 0
    origin: str = "fichier"  # or « tableau de bord » (rtla.entered)

    def as_dict(self) -> dict:
        return {
            "territory": self.territory,
            "indicator": self.indicator,
            "label": LABELS[self.indicator],
            "year": self.year,
            "value": self.value,
            "source": self.source,
            "reason": self.reason,
            "recorded_by": self.recorded_by or None,
            "recorded_on": self.recorded_on or None,
            "origin": self.origin,
        }


def _number(text: str) -> float | None:
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _text(value: str | None) -> str:
    return " ".join(str(value or "").split())[:MAX_TEXT]


def read(path: Path, territory_of, *, first_year: int = 2009, last_year: int = 2100) -> list[Correction]:
    """The corrections of ``path``, every line checked (``territory_of(code)`` returns the
    canonical code or raises ``UnknownTerritory``); ``TerritoireError`` naming the first bad line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TerritoireError(f"Fichier de corrections illisible : {path} ({error.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TerritoireError(f"Fichier de corrections {path.name} : encodage attendu UTF-8.") from None
    first = text.splitlines()[0] if text.strip() else ""
    dialect = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect)
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TerritoireError(
            f"Fichier de corrections {path.name} : colonne(s) manquante(s) : {', '.join(missing)} "
            f"(attendu : {';'.join(COLUMNS)})."
        )
    reader.fieldnames = header
    found: list[Correction] = []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES:
            raise TerritoireError(f"Fichier de corrections {path.name} : plus de {MAX_LINES} lignes.")
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        where = f"{path.name} ligne {number}"
        correction = check(row, territory_of, where=where, first_year=first_year, last_year=last_year)
        key = (correction.territory, correction.indicator, correction.year)
        if key in seen:
            raise _refused(where, f"même territoire, indicateur et année qu'à la ligne {seen[key]}.")
        seen[key] = number
        found.append(replace(correction, line=number))
    return found


def _refused(where: str, message: str) -> TerritoireError:
    """A file's line refuses the whole file; a form entered in the dashboard, itself."""
    if where:
        return TerritoireError(f"Correction refusée, {where} : {message} Aucune correction n'est appliquée.")
    return TerritoireError(f"Correction refusée : {message} Rien n'est enregistré.")


def check(row: dict, territory_of, *, where: str = "", first_year: int = 2009, last_year: int = 2100) -> Correction:
    """One correction (a file's line, or a form entered in the dashboard: the columns' names
    as keys) checked by the one rule of both; ``TerritoireError`` in French naming ``where``."""
    code = (row.get("territoire") or "").strip()
    try:
        code = territory_of(code)
    except UnknownTerritory:
        raise _refused(where, f"territoire inconnu « {_text(code)} ».") from None
    indicator = (row.get("indicateur") or "").strip().lower()
    if indicator not in LABELS:
        raise _refused(where, f"indicateur inconnu « {_text(indicator)} » (choix : {', '.join(LABELS)}).")
    year_text = str(row.get("annee") or "").strip()
    year: int | None = None
    if indicator in WITHOUT_YEAR:
        if year_text:
            raise _refused(where, f"la valeur « {indicator} » ne prend pas d'année.")
    else:
        if not year_text.isdigit() or not first_year <= int(year_text) <= last_year:
            raise _refused(where, f"année invalide « {_text(year_text)} » (de {first_year} à {last_year}).")
        year = int(year_text)
    value = _number(str(row.get("valeur") or ""))
    if value is None:
        raise _refused(where, f"valeur qui n'est pas un nombre « {_text(row.get('valeur'))} ».")
    if indicator == "superficie" and value <= 0:
        raise _refused(where, "une superficie est positive.")
    if indicator == "objectif_2021_2030" and value < 0:
        raise _refused(where, "un objectif de consommation est positif ou nul.")
    source, reason = _text(row.get("source")), _text(row.get("motif"))
    if not source:
        raise _refused(where, "source manquante (d'où vient la valeur retenue ?).")
    if not reason:
        raise _refused(where, "motif manquant (pourquoi la valeur nationale est-elle remplacée ?).")
    return Correction(
        code, indicator, year, value, source, reason, _text(row.get("saisi_par")), _text(row.get("saisi_le"))
    )


def of_file(context, path: Path | None = None) -> list[Correction]:
    """The corrections of ``path``, or of the home's ``corrections/rapport_triennal.csv`` when it
    exists (none otherwise), territories resolved in ``context``. A draft reads them with those
    entered in the dashboard: ``rtla.entered.of_home``."""
    if path is not None and not Path(path).is_file():
        raise TerritoireError(f"Fichier de corrections introuvable : {path}.")
    path = Path(path) if path is not None else context.home / CORRECTIONS_FILE
    return read(path, lambda code: context.territory(code).code) if path.is_file() else []


def apply(
    rows: list[dict], area_ha: float | None, corrections: list[Correction]
) -> tuple[list[dict], float | None, list[dict]]:
    """The yearly rows and area with the corrections of one territory applied, and the trace of
    each (national value, value kept, source, reason). A correction for a year outside the
    report's period is traced as not used."""
    rows = [dict(r) for r in rows]
    by_year = {r["year"]: r for r in rows}
    trace = []
    for correction in corrections:
        entry = correction.as_dict()
        if correction.indicator == "superficie":
            entry["national_value"], area_ha = area_ha, correction.value
            entry["used"] = True
        elif correction.indicator == "objectif_2021_2030":
            entry["national_value"], entry["used"] = None, True  # shown in 4°, beside the allowance
        elif correction.year in by_year:
            key = YEARLY[correction.indicator]
            row = by_year[correction.year]
            entry["national_value"] = row.get(key)
            row[key] = correction.value
            row.setdefault("corrected", []).append(key)
            entry["used"] = True
        else:
            entry["national_value"], entry["used"] = None, False
        trace.append(entry)
    return rows, area_ha, trace
