"""Which communes a file speaks for: zeros only where a file covers, « non couvert » elsewhere.

Event files (permits, sales, facilities, installations, commuting flows, gas delivery
points) list only the communes that have an event: absence from such a file means zero
only where the file covers the whole area. A file (a source and edition) covers a
département when it lists at least ``CoverageRule.communes`` of its communes (95 %), or when
the communes it lists hold at least ``CoverageRule.population`` of its population (90 %) and
make at least half of its communes: a complete file of sparse events (installations, sales
in a rural département) leaves out only the smallest communes, whereas an extract (one city,
one EPCI, the first lines of a file, the largest communes) leaves out many communes or much
of the population. Elsewhere:

- a commune absent from a file that touches its département without covering it is
  « non couvert » (``not_covered``) with the reason naming the file (« fichier partiel :
  15 communes sur 392 ») — never zero;
- a commune the partial file does list keeps its value, with the same note, and that year
  is not used as the base of a trend (``Cube.not_base``);
- datasets that do not cover some départements by design (DVF: Alsace-Moselle and
  Mayotte, under the livre foncier) are « non couvert » there whatever a file holds.

Group sums then see these communes as not covered, and a group whose covered members are
too few is « couverture insuffisante » (``calculation._sum``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territoire_data.core.referential import Referential
from territoire_data.core.statuses import ABSENT, C_OK, LOW_COVERAGE, NOT_COVERED
from territoire_data.sources import dgfip_dvf

DEFAULT_COMMUNES_SHARE = 0.95
DEFAULT_POPULATION_SHARE = 0.90
# With the population rule, the listed communes must also make this share of the département's.
MIN_COMMUNES_WITH_POPULATION = 0.5

# Counts whose absence from a file means zero, within the départements the file covers
# (no permit, no installation, no facility, no sale, no gas delivery point).
EVENT_COUNTS = frozenset(
    {
        "LOG_AUT",
        "LOG_COM",
        "SDP_AUT",
        "PUISSANCE_ENR",
        "PUISSANCE_PV",
        "BPE_MEDECINS",
        "BPE_ECOLES",
        "BPE_ALIMENTAIRE",
        "BPE_PHARMACIES",
        "FLUX_SORTANTS",
        "DVF_NB_MAISON",
        "DVF_NB_APPART",
        "DVF_NB_VENTES",
        "CONSO_GAZ",
        "CONSO_GAZ_RES",
        "CONSO_GAZ_TER",
        "CONSO_GAZ_IND",
        "CONSO_GAZ_AGR",
    }
)

# Variables a dataset does not publish for some départements by design: (prefix, départements, why).
DESIGN_GAPS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("DVF_", frozenset(dgfip_dvf.NOT_COVERED_DEPARTEMENTS), dgfip_dvf.NOT_COVERED_REASON),
)


@dataclass(frozen=True)
class CoverageRule:
    """When a file covers a département (``Settings.coverage_communes``, ``coverage_population``)."""

    communes: float = DEFAULT_COMMUNES_SHARE
    population: float = DEFAULT_POPULATION_SHARE

    def covers(self, share_communes: np.ndarray, share_population: np.ndarray) -> np.ndarray:
        return (share_communes >= self.communes) | (
            (share_population >= self.population) & (share_communes >= MIN_COMMUNES_WITH_POPULATION)
        )

    def describe(self) -> str:
        return (
            f"un fichier couvre un département s'il en liste au moins {self.communes:.0%} des communes, "
            f"ou au moins la moitié des communes portant {self.population:.0%} de sa population"
        ).replace("%", " %")


@dataclass
class FileCoverage:
    """What one file (a source and edition) covers, département by département."""

    source: str
    edition: str
    listed: np.ndarray  # bool per commune: the file has a row for it
    covered: np.ndarray  # bool per département (index of ``Departements.codes``)
    touched: np.ndarray  # bool per département: at least one commune listed
    counts: np.ndarray  # communes listed per département

    def note(self, d: int, communes: Departements) -> str:
        return (
            f"fichier partiel : {int(self.counts[d])} communes sur {int(communes.sizes[d])} "
            f"du département {communes.names[d]} ({self.source}, édition {self.edition})"
        )


class Departements:
    """Communes grouped by département: sizes, populations, names."""

    def __init__(self, ref: Referential):
        communes = ref.communes
        self.index, codes = pd.factorize(communes["departement"].astype(str))
        self.codes = np.asarray(codes, dtype=object)
        self.sizes = np.bincount(self.index, minlength=len(self.codes))
        self.population = communes["municipal_population"].astype("float64").fillna(0.0).to_numpy()
        self.populations = np.bincount(self.index, weights=self.population, minlength=len(self.codes))
        names = ref.departements["name"].to_dict()
        self.names = [f"{names.get(c, c)} ({c})" for c in self.codes]


def file_coverages(cube, nc: int, departements: Departements, rule: CoverageRule) -> dict[int, FileCoverage]:
    """Per provenance (a source and edition of the cube), the communes it lists and the
    départements it covers, over every event count it gives and every year."""
    listed: dict[int, np.ndarray] = {}
    for name in EVENT_COUNTS & set(cube.statuses):
        status, provenance = cube.statuses[name][:nc], cube.provenances[name][:nc]
        present = (status != ABSENT) & (provenance >= 0)
        for p in np.unique(provenance[present]):
            rows = (present & (provenance == p)).any(axis=1)
            listed[int(p)] = listed.get(int(p), np.zeros(nc, bool)) | rows
    output = {}
    for p, rows in listed.items():
        counts = np.bincount(departements.index[rows], minlength=len(departements.codes))
        population = np.bincount(
            departements.index[rows], weights=departements.population[rows], minlength=len(departements.codes)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            share_communes = counts / np.maximum(departements.sizes, 1)
            share_population = np.where(departements.populations > 0, population / departements.populations, 0.0)
        covered = (counts > 0) & rule.covers(share_communes, share_population)
        source, edition = cube.origins[p]
        output[p] = FileCoverage(source, edition, rows, covered, counts > 0, counts)
    return output


def apply(cube, nc: int, ref: Referential, rule: CoverageRule) -> dict[int, FileCoverage]:
    """Zeros where a covering file says nothing, « non couvert » where a partial file says
    nothing, the partial files' own values kept but never a trend base; design gaps last."""
    departements = Departements(ref)
    files = file_coverages(cube, nc, departements, rule)
    for name in EVENT_COUNTS & set(cube.statuses):
        _fill(cube, name, nc, departements, files)
    group_rows = np.array([cube.rank.get(f"dep:{c}", -1) for c in departements.codes])
    for name in set(cube.statuses) - EVENT_COUNTS:  # event counts of groups are sums of their communes
        _partial_group_figures(cube, name, group_rows, departements, files)
    for prefix, excluded, reason in DESIGN_GAPS:
        chosen = np.isin(departements.codes, sorted(excluded))
        rows = np.r_[np.flatnonzero(chosen[departements.index]), group_rows[chosen & (group_rows >= 0)]]
        if not len(rows):
            continue
        note = cube.note(reason)
        for name in [n for n in cube.statuses if n.startswith(prefix)]:
            status = cube.statuses[name]
            years = (status[:nc] != ABSENT).any(axis=0)  # the years the dataset has
            grid = np.ix_(rows.astype(np.int64), np.flatnonzero(years))
            status[grid] = NOT_COVERED
            cube.values[name][grid] = np.nan
            cube.notes_of(name)[grid] = note
    return files


def _partial_group_figures(cube, name, group_rows, departements: Departements, files) -> None:
    """A département's figure that a reader computed from a file covering it only in part
    (a median of the sales an extract holds) is « couverture insuffisante »."""
    present = group_rows >= 0
    if not present.any():
        return
    rows = group_rows[present]
    status, provenance = cube.statuses[name][rows], cube.provenances[name][rows]
    for k, d in enumerate(np.flatnonzero(present)):
        for j in np.flatnonzero((status[k] != ABSENT) & (provenance[k] >= 0)):
            file = files.get(int(provenance[k, j]))
            if file is not None and file.touched[d] and not file.covered[d]:
                cube.statuses[name][rows[k], j] = LOW_COVERAGE
                cube.values[name][rows[k], j] = np.nan
                cube.notes_of(name)[rows[k], j] = cube.note(file.note(d, departements), "partial_file")


def _fill(cube, name: str, nc: int, departements: Departements, files: dict[int, FileCoverage]) -> None:
    status, values, provenance = cube.statuses[name], cube.values[name], cube.provenances[name]
    dep = departements.index
    for j in range(cube.shape[1]):
        # Only a published year (values, not "not yet published" markers) says anything of absence.
        published = status[:nc, j] == C_OK
        if not published.any():
            continue
        origins, counts = np.unique(provenance[:nc, j][published], return_counts=True)
        for p in origins[np.argsort(-counts, kind="stable")]:
            file = files.get(int(p))
            if file is None:
                continue
            gaps = status[:nc, j] == ABSENT
            zeros = gaps & file.covered[dep]
            status[:nc, j][zeros] = C_OK
            values[:nc, j][zeros] = 0.0
            provenance[:nc, j][zeros] = p
            partial = file.touched & ~file.covered
            if not partial.any():
                continue
            notes = np.array(
                [
                    cube.note(file.note(d, departements), "partial_file") if partial[d] else -1
                    for d in range(len(partial))
                ]
            )
            uncovered = gaps & partial[dep]
            status[:nc, j][uncovered] = NOT_COVERED
            provenance[:nc, j][uncovered] = p
            cube.notes_of(name)[:nc, j][uncovered] = notes[dep[uncovered]]
            own = (status[:nc, j] == C_OK) & (provenance[:nc, j] == p) & partial[dep]
            cube.notes_of(name)[:nc, j][own] = notes[dep[own]]
            cube.not_base_of(name)[:nc, j][own] = True


def summary(cube, nc: int, ref: Referential, files: dict[int, FileCoverage]) -> dict[str, dict]:
    """Per source: communes with a value, communes not covered and why (counted on the
    source's variables, any year), files and the départements they cover only in part."""
    departements = Departements(ref)
    output: dict[str, dict] = {}
    texts = cube.texts_notes
    for name, status in cube.statuses.items():
        provenance = cube.provenances[name][:nc]
        sources = {p: cube.origins[p][0] for p in np.unique(provenance[provenance >= 0])}
        for p, source in sources.items():
            entry = output.setdefault(source, {"with_value": set(), "not_covered": {}})
            mine = provenance == p
            entry["with_value"].update(np.flatnonzero((mine & (status[:nc] == C_OK)).any(axis=1)).tolist())
            uncovered = mine & (status[:nc] == NOT_COVERED)
            if uncovered.any():
                notes = cube.notes[name][:nc] if name in cube.notes else np.full(uncovered.shape, -1)
                rows, cols = np.nonzero(uncovered)
                pairs = np.unique(np.stack([notes[rows, cols], rows]), axis=1)
                for n in np.unique(pairs[0]):
                    text = texts[n] if n >= 0 else "non couvert par la source"
                    entry["not_covered"].setdefault(text, set()).update(pairs[1][pairs[0] == n].tolist())
    result = {}
    for source, entry in output.items():
        not_covered = {text: len(rows - entry["with_value"]) for text, rows in entry["not_covered"].items()}
        seen = set(entry["with_value"]).union(*entry["not_covered"].values())
        partial = [
            {
                "file": f"{f.source} {f.edition}",
                "departement": str(departements.codes[d]),
                "communes_listed": int(f.counts[d]),
                "communes": int(departements.sizes[d]),
            }
            for f in files.values()
            if f.source == source
            for d in np.flatnonzero(f.touched & ~f.covered)
        ]
        result[source] = {
            "communes_with_value": len(entry["with_value"]),
            "communes_total": nc,
            "not_covered": {k: v for k, v in sorted(not_covered.items(), key=lambda kv: -kv[1]) if v},
            "communes_without_row": nc - len(seen),
            "partial_departements": partial,
        }
    return result


CEREMA_PERIMETER = "périmètre tiré du fichier du Cerema (il ne nomme le SCoT que des communes qu'il contient)"


def scot_perimeters(scot: pd.DataFrame | None, ref: Referential, rule: CoverageRule) -> pd.DataFrame | None:
    """The SCoT of each commune with whether its member list is whole (``complete``) and why not.

    An official list (``official``) is whole. A list drawn from the Cerema file is whole for a
    SCoT only where that file covers every département of its members (``rule``); otherwise
    the SCoT is « couverture insuffisante », naming the file's coverage.
    """
    if scot is None or not len(scot):
        return scot
    table = scot.copy()
    table["code"] = table["code"].astype(str)
    table["scot"] = table["scot"].astype(object).where(table["scot"].astype(str).str.strip() != "", None)
    if "official" not in table.columns:
        table["official"] = False
    table["official"] = table["official"].fillna(False).astype(bool)
    departements = Departements(ref)
    position = pd.Series(np.arange(len(ref.communes)), index=ref.communes.index)
    rows = position.reindex(table.loc[~table["official"], "code"]).dropna().astype(int).to_numpy()
    listed = np.zeros(len(ref.communes), bool)
    listed[rows] = True
    counts = np.bincount(departements.index[listed], minlength=len(departements.codes))
    population = np.bincount(
        departements.index[listed], weights=departements.population[listed], minlength=len(departements.codes)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = rule.covers(
            counts / np.maximum(departements.sizes, 1),
            np.where(departements.populations > 0, population / departements.populations, 0.0),
        )
    dep_of = pd.Series(departements.codes[departements.index], index=ref.communes.index)
    index_of = {c: i for i, c in enumerate(departements.codes)}
    table["complete"] = True
    table["reason"] = None
    table["perimeter"] = np.where(table["official"], "", CEREMA_PERIMETER)
    for _name, block in table[~table["official"] & table["scot"].notna()].groupby("scot"):
        deps = sorted(set(dep_of.reindex(block["code"]).dropna()))
        short = [d for d in deps if not covered[index_of[d]]]
        if short:
            d = index_of[short[0]]
            table.loc[block.index, "complete"] = False
            table.loc[block.index, "reason"] = (
                f"couverture insuffisante : {CEREMA_PERIMETER}, qui ne couvre que {int(counts[d])} communes "
                f"sur {int(departements.sizes[d])} du département {departements.names[d]}"
            )
    return table
