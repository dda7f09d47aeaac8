"""From observations to indicator values, for communes and for groups of communes.

Observations are laid out as a dense cube per variable — territories × years — so that
aggregation and every formula of the catalogue run as whole-array operations:

1. each (code, variable, year) keeps its latest edition (``deduplicate``);
2. event files say zero only where they cover (``coverage``): elsewhere a commune they do
   not list is not covered, never zero;
3. group values (EPCI, SCoT, département, région, France) of count variables are sums over
   member communes (``aggregate``). A secret member makes the sum secret. Members the
   source does not cover are left out, and the sum is published with its coverage stated
   (« hors Mayotte ») when the covered members make at least ``MIN_COVERAGE`` of the
   group, in communes and in population; otherwise it is missing for insufficient
   coverage. A restored commune's figure inside its former parent's counts as covered.
   Where a publisher also gives the group's figure, the sum of the communes is kept and
   the publisher's figure is a check: a difference above ``DISAGREEMENT`` is written in the
   value's note and listed in the build summary (``Cube.disagreements``). A publisher's
   group figure is used only where the communes cannot give one. Régions are sums of the
   same communes as their départements, so they equal the sum of their départements.
   Variables that are not counts come only from the group rows a source publishes;
4. each indicator's formula runs over every (territory, year) (``compute``); its latest
   value is that of the indicator's reference year (the newest year with values): a value
   secret that year stays secret, and an older value shown instead of a missing one is
   labelled with its year and never compared with the reference year's peers. A trend
   never starts from a year whose coverage is partial (``Cube.not_base``).

Statuses travel as the integer codes of ``statuses`` (status and reason in one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.core import catalogue, coverage, zan
from territoire_data.core.referential import Referential
from territoire_data.core.statuses import (
    ABSENT,
    C_MISSING,
    C_OK,
    C_SECRET,
    INCLUDED,
    LOW_COVERAGE,
    NOT_COMPUTABLE,
    NOT_COVERED,
    OTHER_GEOGRAPHY,
    PRIORITY,
    REASON_NAMES,
    STATUS_NAMES,
)
from territoire_data.core.statuses import code as status_code

OK, SECRET, MISSING = C_OK, C_SECRET, C_MISSING
# A group sum over its covered members is published when they make this share of the group.
MIN_COVERAGE = 0.95
# A publisher's group figure differing from the sum of its communes by more than this is recorded.
DISAGREEMENT = 0.005
# Members that count in a sum: published values, former-territory figures, and the restored
# communes those figures include.
COUNTED = (C_OK, OTHER_GEOGRAPHY, INCLUDED)
CENSUS_GAP = 5  # years between the two censuses an evolution compares
LEVELS = (("epci", "epci:"), ("departement", "dep:"), ("region", "reg:"))


def _codes_category(series_of: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and categories of a column (factorised once, whatever its dtype)."""
    if isinstance(series_of.dtype, pd.CategoricalDtype):
        return series_of.cat.codes.to_numpy(), series_of.cat.categories
    codes, unique = pd.factorize(series_of)
    return codes, pd.Index(unique)


def deduplicate(obs: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each (code, variable, year), the value of the latest edition."""
    editions, names = _codes_category(obs["edition"])
    rank_edition = np.argsort(np.argsort(np.asarray(names.astype(str), dtype=object)))[editions]
    codes, _ = pd.factorize(obs["code"])
    variables, _ = _codes_category(obs["variable"])
    years = obs["year"].to_numpy(dtype="float64", na_value=-1).astype(np.int64) + 1
    key = (codes.astype(np.int64) * 1_000 + variables) * 10_000 + years
    order = np.lexsort((rank_edition, key))  # by key, then edition: the last of each key wins
    keys_sorted = key[order]
    latest = order[np.r_[keys_sorted[1:] != keys_sorted[:-1], True]]
    return obs.iloc[np.sort(latest)].reset_index(drop=True)


class Cube:
    """Variables as dense arrays [territory, year]: values, status codes, period starts,
    provenance and notes (French text on a figure's geography or coverage)."""

    def __init__(self, codes: np.ndarray, years: np.ndarray):
        self.codes = np.asarray(codes, dtype=object)
        self.years = np.asarray(years, dtype=np.int64)
        self.rank = {c: i for i, c in enumerate(self.codes)}
        self.categories_codes = pd.Index(self.codes, dtype=object)
        self.values: dict[str, np.ndarray] = {}
        self.statuses: dict[str, np.ndarray] = {}
        self.starts: dict[str, np.ndarray] = {}
        self.provenances: dict[str, np.ndarray] = {}
        self.notes: dict[str, np.ndarray] = {}
        self.origins: list[tuple[str, str]] = []  # provenance index → (source, edition)
        self.texts_notes: list[str] = []  # note index → text
        self.reasons_notes: list[str] = []  # note index → reason of an ok value carrying it ("" none)
        self._index_notes: dict[str, int] = {}
        # Cells that are no base for a trend (values of a partial file, partial group sums).
        self.not_base: dict[str, np.ndarray] = {}
        # Publisher's group figures that differ from the sum of their communes.
        self.disagreements: list[dict] = []
        self.files: dict[int, coverage.FileCoverage] = {}
        # Communes without a plan (``TERRITOIRE_ZAN_NO_GUARANTEE``): no 1 ha ZAN guarantee.
        self.zan_without_plan: frozenset[str] = frozenset()

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.codes), len(self.years)

    def note(self, text: str, reason: str = "") -> int:
        """Index of a note text (added once); ``reason``: what an ok value carrying it is
        (``partial_coverage`` for a group sum over its covered members, ``partial_file``)."""
        if text not in self._index_notes:
            self._index_notes[text] = len(self.texts_notes)
            self.texts_notes.append(text)
            self.reasons_notes.append(reason)
        return self._index_notes[text]

    def not_base_of(self, name: str) -> np.ndarray:
        if name not in self.not_base:
            self.not_base[name] = np.zeros(self.shape, bool)
        return self.not_base[name]

    def notes_of(self, name: str) -> np.ndarray:
        if name not in self.notes:
            self.notes[name] = np.full(self.shape, -1, np.int32)
        return self.notes[name]

    @classmethod
    def since_observations(cls, obs: pd.DataFrame, codes_extra=()) -> Cube:
        codes_obs, unique = pd.factorize(obs["code"])
        unique = np.asarray(unique, dtype=object)
        codes = pd.unique(np.concatenate([np.asarray(codes_extra, dtype=object), unique]))
        years = obs["year"].dropna().astype(int)
        cube = cls(codes, np.arange(years.min(), years.max() + 1) if len(years) else np.arange(2000, 2001))
        rows = pd.Index(codes).get_indexer(unique)[codes_obs]
        columns = obs["year"].to_numpy(dtype="float64", na_value=np.nan) - cube.years[0]
        sources, names_sources = _codes_category(obs["source"])
        editions, names_editions = _codes_category(obs["edition"])
        origin, peer_pairs = pd.factorize(sources.astype(np.int64) * (len(names_editions) + 1) + editions)
        cube.origins = [
            (str(names_sources[p // (len(names_editions) + 1)]), str(names_editions[p % (len(names_editions) + 1)]))
            for p in peer_pairs
        ]
        variables, variable_names = _codes_category(obs["variable"])
        statuses = _codes_statuses(obs)
        if "note" in obs.columns:
            notes_obs, names_notes = _codes_category(obs["note"])
            index_notes = np.array([cube.note(str(t)) if str(t) else -1 for t in names_notes] + [-1], dtype=np.int32)
            notes = index_notes[notes_obs]  # a missing note (code -1) takes the last entry: -1
        else:
            notes = np.full(len(obs), -1, np.int32)
        values = obs["value"].to_numpy(dtype="float64")
        starts = obs["start"].to_numpy(dtype="float64", na_value=np.nan)
        order = np.argsort(variables, kind="stable")
        ordered = variables[order]
        boundaries = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1], True])
        for at, b in zip(boundaries[:-1], boundaries[1:]):
            here = order[at:b]
            here = here[~np.isnan(columns[here])]
            name = str(variable_names[ordered[at]])
            l, c = rows[here], columns[here].astype(np.int64)
            cube.values[name] = cube._empty(np.nan)
            cube.values[name][l, c] = values[here]
            cube.statuses[name] = np.zeros(cube.shape, np.int8)
            cube.statuses[name][l, c] = statuses[here]
            cube.provenances[name] = np.full(cube.shape, -1, np.int32)
            cube.provenances[name][l, c] = origin[here]
            if (notes[here] >= 0).any():
                cube.notes_of(name)[l, c] = notes[here]
            if not np.isnan(starts[here]).all():
                cube.starts[name] = cube._empty(np.nan)
                cube.starts[name][l, c] = starts[here]
        return cube

    def _empty(self, filling) -> np.ndarray:
        return np.full(self.shape, filling, dtype="float64")

    def mask(self) -> None:
        """Only published values remain as values: a former territory's figure (kept for the
        group sums) is not the commune's own."""
        for name, status in self.statuses.items():
            self.values[name][status != C_OK] = np.nan

    def to_long(self) -> pd.DataFrame:
        """Back to tidy observations (present cells only)."""
        categories = Categories(self)
        pieces = []
        for name, status in self.statuses.items():
            l, c = np.nonzero(status)
            codes = status[l, c]
            provenances = self.provenances[name][l, c]
            notes = self.notes[name][l, c] if name in self.notes else np.full(len(l), -1, np.int32)
            pieces.append(
                pd.DataFrame(
                    {
                        "code": pd.Categorical.from_codes(l.astype(np.int32), categories=self.categories_codes),
                        "variable": pd.Categorical.from_codes(np.zeros(len(l), np.int8), categories=[name]),
                        "year": self.years[c].astype(np.int16),
                        "start": self.starts[name][l, c] if name in self.starts else np.nan,
                        "value": self.values[name][l, c],
                        "status": pd.Categorical.from_codes(
                            categories.status_code[codes], categories=categories.STATUSES
                        ),
                        "source": pd.Categorical.from_codes(
                            categories.origin_source[provenances], categories=categories.sources
                        ),
                        "edition": pd.Categorical.from_codes(
                            categories.origin_edition[provenances], categories=categories.editions
                        ),
                        "reason": pd.Categorical.from_codes(
                            categories.code_reason[codes], categories=categories.REASONS
                        ),
                        "note": pd.Categorical.from_codes(notes + 1, categories=categories.notes),
                    }
                )
            )
        variables = pd.api.types.union_categoricals([m["variable"] for m in pieces]).categories
        for m in pieces:
            m["variable"] = m["variable"].cat.set_categories(variables)
        long = pd.concat(pieces, ignore_index=True)
        long["start"] = long["start"].astype("Int16")
        return long


def _codes_statuses(obs: pd.DataFrame) -> np.ndarray:
    """Integer status code of every observation (status and reason together)."""
    statuses, names_statuses = _codes_category(obs["status"])
    if "reason" not in obs.columns:
        return np.array([status_code(str(n)) for n in names_statuses], dtype=np.int8)[statuses]
    reasons, names_reasons = _codes_category(obs["reason"])
    k = len(names_reasons)
    reasons = np.where(reasons < 0, k, reasons)  # no reason
    peer_pairs, unique = pd.factorize(statuses.astype(np.int64) * (k + 1) + reasons)
    table = np.array(
        [
            status_code(str(names_statuses[p // (k + 1)]), str(names_reasons[p % (k + 1)]) if p % (k + 1) < k else "")
            for p in unique
        ],
        dtype=np.int8,
    )
    return table[peer_pairs]


class GroupCoverage:
    """What a group sum needs to state its coverage: members' weights, départements, names."""

    def __init__(self, ref: Referential):
        communes = ref.communes
        self.weight = communes["municipal_population"].astype("float64").fillna(0.0).to_numpy()
        self.departements = communes["departement"].astype(str).to_numpy()
        self.names = communes["name"].astype(str).to_numpy()
        self.codes = communes.index.to_numpy(dtype=object)
        self.names_departements = ref.departements["name"].to_dict()
        self.communes_by_departement = pd.Series(self.departements).value_counts().to_dict()
        self._cache: dict[tuple, str] = {}

    def text(self, missing: np.ndarray) -> str:
        """« hors Mayotte », « hors Sannerville (14666) », « hors 12 communes »."""
        key = tuple(missing.tolist())
        if key not in self._cache:
            deps = pd.Series(self.departements[missing]).value_counts()
            integers = sorted(d for d, n in deps.items() if n == self.communes_by_departement.get(d))
            remaining = [i for i in missing if self.departements[i] not in integers]
            pieces = [self.names_departements.get(d, d) for d in integers]
            if 0 < len(remaining) <= 3:
                pieces += [f"{self.names[i]} ({self.codes[i]})" for i in remaining]
            elif remaining:
                pieces.append(f"{len(remaining)} communes")
            self._cache[key] = "hors " + ", ".join(pieces)
        return self._cache[key]


def aggregate(
    obs: pd.DataFrame,
    ref: Referential,
    scot: pd.DataFrame | None = None,
    rule: coverage.CoverageRule | None = None,
) -> Cube:
    """The cube of observations plus the sums of count variables for every group level.

    ``scot``: the SCoT of each commune (``code``, ``scot`` name; ``complete`` and ``reason``
    when the list may not hold every member), when known: each SCoT (``scot:<name>``) is
    summed like an EPCI. ``rule``: when an event file covers a département (``coverage``).
    """
    communes = ref.communes
    groups = [f"{p}{c}" for col, p in LEVELS for c in pd.unique(communes[col].dropna())] + ["france"]
    scot_of = None
    if scot is not None and len(scot):
        members = scot.dropna(subset=["scot"]).drop_duplicates("code").set_index("code")["scot"].astype(str)
        scot_of = ("scot:" + members.reindex(communes.index)).to_numpy(dtype=object)
        groups += sorted({g for g in scot_of if isinstance(g, str)})
    cube = Cube.since_observations(obs, np.concatenate([communes.index.to_numpy(dtype=object), groups]))
    nc = len(communes)
    cube.files = coverage.apply(cube, nc, ref, rule or coverage.CoverageRule())
    memberships = []
    for column, prefix in LEVELS:
        targets = (prefix + communes[column].astype("string")).map(cube.rank)
        memberships.append(Membership(targets.fillna(-1).to_numpy(dtype=np.int64)))
    memberships.append(Membership(np.full(nc, cube.rank["france"], np.int64)))
    if scot_of is not None:
        assert scot is not None
        targets = pd.Series(scot_of).map(cube.rank)
        membership = Membership(targets.fillna(-1).to_numpy(dtype=np.int64))
        membership.incomplete, membership.noted = _scot_notes(scot, cube)
        memberships.append(membership)
    group_coverage = GroupCoverage(ref)
    for membership in memberships:
        membership.weight = membership.total(group_coverage.weight)
    for name in list(cube.statuses):
        if catalogue.is_additive(name):
            for membership in memberships:
                _sum(cube, name, nc, membership, group_coverage)
    cube.mask()
    return cube


def _scot_notes(scot: pd.DataFrame, cube: Cube) -> tuple[dict[int, str], dict[int, str]]:
    """Cube rows of the SCoT whose member list may not be whole (with why), and of those
    whose list is whole but drawn from a file that is not the official list (with the note)."""
    incomplete, noted = {}, {}
    for name, block in scot.dropna(subset=["scot"]).groupby("scot"):
        row = cube.rank.get(f"scot:{name}")
        if row is None:
            continue
        if "complete" in block.columns and not block["complete"].astype(bool).all():
            reasons = block["reason"].dropna() if "reason" in block.columns else pd.Series(dtype=object)
            incomplete[row] = str(reasons.iloc[0]) if len(reasons) else "liste des communes membres incomplète"
        elif "perimeter" in block.columns and (block["perimeter"].astype(str) != "").any():
            noted[row] = str(block["perimeter"].iloc[0])
    return incomplete, noted


class Membership:
    """Member communes of each group of one level, sorted so that sums are one ``reduceat``."""

    def __init__(self, targets: np.ndarray):
        keep = np.flatnonzero(targets >= 0)
        order = keep[np.argsort(targets[keep], kind="stable")]
        self.order = order
        ordered = targets[order]
        self.starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        self.groups = ordered[self.starts]
        self.members = np.diff(np.r_[self.starts, len(ordered)])
        self.weight: np.ndarray | None = None
        # Groups (cube rows) whose members listed here are not all their members, with why;
        # groups whose perimeter a note qualifies.
        self.incomplete: dict[int, str] = {}
        self.noted: dict[int, str] = {}

    def total(self, table: np.ndarray) -> np.ndarray:
        return np.add.reduceat(table[self.order], self.starts, axis=0)

    def maximum(self, table: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(table[self.order], self.starts, axis=0)

    def members_of(self, g: int) -> np.ndarray:
        """Commune indices of the g-th group."""
        return self.order[self.starts[g] : self.starts[g] + self.members[g]]


def _sum(cube: Cube, name: str, nc: int, membership: Membership, group_coverage: GroupCoverage) -> None:
    status, values = cube.statuses[name][:nc], cube.values[name][:nc]
    groups = membership.groups
    count = np.isin(status, COUNTED)
    total = membership.total(np.where(count, np.nan_to_num(values), 0.0))
    n_counted = membership.total(count.astype(np.int32))
    n_secret = membership.total((status == SECRET).astype(np.int32))
    n_not_covered = membership.total((status == NOT_COVERED).astype(np.int32))
    n_present = membership.total((status != ABSENT).astype(np.int32))
    members = membership.members[:, None]
    counted_weight = membership.total(np.where(count, group_coverage.weight[:, None], 0.0))
    assert membership.weight is not None  # set by aggregate() before any sum
    with np.errstate(divide="ignore", invalid="ignore"):
        weight_share = np.where(membership.weight[:, None] > 0, counted_weight / membership.weight[:, None], 1.0)
    complete = n_counted == members
    partial = ~complete & (n_counted >= MIN_COVERAGE * members) & (weight_share >= MIN_COVERAGE)
    # A SCoT known only by the members some file lists cannot be summed whole.
    unknown_members = np.isin(groups, list(membership.incomplete))[:, None] & (n_counted > 0)
    new = np.select(
        [n_secret > 0, unknown_members, complete | partial, n_counted > 0, n_not_covered == n_present, n_present > 0],
        [SECRET, LOW_COVERAGE, OK, LOW_COVERAGE, NOT_COVERED, MISSING],
        ABSENT,
    ).astype(np.int8)
    new = np.where(n_present == 0, ABSENT, new).astype(np.int8)
    summed = np.where(new == OK, total, np.nan)
    # The publisher's own figure for the group: a check on the sum, used only where the communes give
    # none (a secret member, too few covered: INSEE publishes an EPCI's figure over secret communes).
    published = (cube.statuses[name][groups] != ABSENT) & (new != OK)
    _record_disagreements(cube, name, groups, new, summed)
    cube.values[name][groups] = np.where(published, cube.values[name][groups], summed)
    cube.statuses[name][groups] = np.where(published, cube.statuses[name][groups], new)
    provenance = membership.maximum(np.where(status != ABSENT, cube.provenances[name][:nc], -1))
    cube.provenances[name][groups] = np.where(published, cube.provenances[name][groups], provenance)
    if name in cube.starts:
        start = membership.maximum(np.nan_to_num(cube.starts[name][:nc], nan=-1))
        cube.starts[name][groups] = np.where(published, cube.starts[name][groups], np.where(start >= 0, start, np.nan))
    # The coverage of partial sums, and why a sum is missing, in words.
    for g, j in zip(*np.nonzero(partial & (new == OK) & ~published)):
        members_g = membership.members_of(g)
        missing = members_g[~count[members_g, j]]
        cube.notes_of(name)[groups[g], j] = cube.note(group_coverage.text(missing), "partial_coverage")
        cube.not_base_of(name)[groups[g], j] = True
    for g, j in zip(*np.nonzero((new == OK) & ~published & np.isin(groups, list(membership.noted))[:, None])):
        if cube.notes_of(name)[groups[g], j] < 0:
            cube.notes_of(name)[groups[g], j] = cube.note(membership.noted[int(groups[g])])
    for g, j in zip(*np.nonzero((new == LOW_COVERAGE) & ~published)):
        reason = membership.incomplete.get(int(groups[g])) or (
            f"couverture insuffisante : {int(n_counted[g, j])} communes couvertes sur {int(members[g, 0])}"
        )
        cube.notes_of(name)[groups[g], j] = cube.note(reason)


def _record_disagreements(cube: Cube, name: str, groups: np.ndarray, new: np.ndarray, summed: np.ndarray) -> None:
    """Publisher's group figures that differ from the sum of the communes by more than
    ``DISAGREEMENT``: the sum is kept, the note says what the publisher gives."""
    stated = cube.values[name][groups]
    here = (cube.statuses[name][groups] == OK) & (new == OK)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(here, np.abs(stated - summed) / np.maximum(np.abs(summed), 1e-9), 0.0)
    for g, j in zip(*np.nonzero(here & (gap > DISAGREEMENT) & (np.abs(stated - summed) >= 0.5))):
        row, source = int(groups[g]), cube.origins[cube.provenances[name][groups[g], j]][0]
        text = (
            f"somme des communes ; la source ({source}) publie {_number(stated[g, j])} pour ce territoire "
            f"(écart de {_number(100 * gap[g, j])} %)"
        )
        cube.notes_of(name)[row, j] = cube.note(text)
        cube.disagreements.append(
            {
                "code": str(cube.codes[row]),
                "variable": name,
                "year": int(cube.years[j]),
                "sum_of_communes": float(summed[g, j]),
                "published": float(stated[g, j]),
                "source": source,
                "gap_percent": round(float(100 * gap[g, j]), 2),
            }
        )


def _number(x: float) -> str:
    """A figure as a note writes it (« 8 172 », « 12,5 »)."""
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


class Variables:
    """What catalogue formulas see: each variable as a flat array over (territory, year)."""

    def __init__(self, cube: Cube):
        self.cube = cube
        n, y = cube.shape
        self.codes = np.repeat(cube.codes, y)
        self.year = np.tile(cube.years, n)
        self._line = self.rows = np.repeat(np.arange(n), y)
        self._nan = np.full(n * y, np.nan)
        self._cache: dict = {}

    @property
    def zan_guaranteed(self) -> np.ndarray:
        """Per (territory, year): whether the territory gets the 1 ha ZAN guarantee."""
        if "zan_guaranteed" not in self._cache:
            by_territory = zan.guaranteed(self.cube.codes, self.cube.zan_without_plan)
            self._cache["zan_guaranteed"] = np.repeat(by_territory, self.cube.shape[1])
        return self._cache["zan_guaranteed"]

    def __call__(self, variable: str) -> np.ndarray:
        table = self.cube.values.get(variable)
        return self._nan if table is None else table.ravel()

    def status(self, variable: str) -> np.ndarray:
        table = self.cube.statuses.get(variable)
        return np.zeros(len(self.year), np.int8) if table is None else table.ravel()

    def provenance(self, variable: str) -> np.ndarray | None:
        table = self.cube.provenances.get(variable)
        return None if table is None else table.ravel()

    def _indices(self, years) -> tuple[np.ndarray, np.ndarray]:
        years = np.broadcast_to(np.asarray(years, dtype="float64"), self.year.shape)
        column = years - self.cube.years[0]
        valid = ~np.isnan(column) & (column >= 0) & (column < self.cube.shape[1])
        return valid, column

    def at(self, variable: str, years) -> np.ndarray:
        """The variable at a given year for each row (NaN outside the cube)."""
        table = self.cube.values.get(variable)
        output = np.full(len(self.year), np.nan)
        if table is None:
            return output
        valid, column = self._indices(years)
        output[valid] = table[self._line[valid], column[valid].astype(np.int64)]
        return output

    def start(self, variable: str) -> np.ndarray:
        table = self.cube.starts.get(variable)
        return self._nan if table is None else table.ravel()

    def _known_years(self, variable: str) -> tuple[np.ndarray, np.ndarray]:
        """Per cell: the latest year index ≤ it, and the first ≥ it, with a value (-1 / Y if none)."""
        key = ("connues", variable)
        if key not in self._cache:
            values = self.cube.values.get(variable)
            n, y = self.cube.shape
            if values is None:
                self._cache[key] = (np.full((n, y), -1), np.full((n, y), y))
            else:
                known = ~np.isnan(values)
                positions = np.arange(y)
                before = np.maximum.accumulate(np.where(known, positions, -1), axis=1)
                after = np.minimum.accumulate(np.where(known, positions, y)[:, ::-1], axis=1)[:, ::-1]
                self._cache[key] = (before, after)
        return self._cache[key]

    def previous_census_year(self, variable: str) -> np.ndarray:
        """The latest year with a value at least ``CENSUS_GAP`` before each row's year."""
        before, _ = self._known_years(variable)
        column = self.year - CENSUS_GAP - self.cube.years[0]
        output = np.full(len(self.year), np.nan)
        valid = column >= 0
        found = before[self._line[valid], column[valid]]
        output[valid] = np.where(found >= 0, found + self.cube.years[0], np.nan)
        return output

    def nearest(self, variable: str) -> np.ndarray:
        """The variable at the nearest year it is known (a census population for yearly data)."""
        before, after = self._known_years(variable)
        y = self.cube.shape[1]
        at, p = before.ravel(), after.ravel()
        here = np.tile(np.arange(y), self.cube.shape[0])
        choice = np.where((at >= 0) & ((p >= y) | (here - at <= p - here)), at, np.where(p < y, p, -1))
        return np.where(choice >= 0, self.at(variable, choice + self.cube.years[0]), np.nan)

    def first_of(self, *variables: str) -> np.ndarray:
        output = self._nan
        for variable in variables:
            output = np.where(np.isnan(output), self(variable), output)
        return output

    def first_computed(self, calculation, *variables: str) -> np.ndarray:
        return np.where(np.isnan(base := calculation()), self.first_of(*variables), base)

    def cumulative_sum(self, variable: str, start: int, end) -> np.ndarray:
        """Σ variable over years debut…fin (fin per row or fixed); NaN when a year is missing."""
        key = ("cumul", variable)
        values = self.cube.values.get(variable)
        if values is None:
            return self._nan
        if key not in self._cache:
            zeros = np.zeros((self.cube.shape[0], 1))
            self._cache[key] = (
                np.hstack([zeros, np.cumsum(np.nan_to_num(values), axis=1)]),
                np.hstack([zeros, np.cumsum(np.isnan(values), axis=1)]),
            )
        totals, gaps = self._cache[key]
        y0, y = self.cube.years[0], self.cube.shape[1]
        end = np.broadcast_to(np.asarray(end, dtype=np.int64), self.year.shape)
        d, f = start - y0, end - y0
        valid = (d >= 0) & (f >= d) & (f < y)
        output = np.full(len(self.year), np.nan)
        rows, f = self._line[valid], f[valid]
        total = totals[rows, f + 1] - totals[rows, d]
        missing = gaps[rows, f + 1] - gaps[rows, d]
        output[valid] = np.where(missing == 0, total, np.nan)
        return output

    def at_year(self, values, year: int) -> np.ndarray:
        return np.where(self.year == year, values, np.nan)

    def from_year(self, values, year: int) -> np.ndarray:
        return np.where(self.year >= year, values, np.nan)

    def per_change(self, variable: str) -> np.ndarray:
        """m² of NAF land consumed between two censuses per unit of change of ``variable``."""
        previous = self.previous_census_year(variable)
        variation = self(variable) - self.at(variable, previous)
        consumption = np.full(len(self.year), np.nan)
        for start in np.unique(previous[~np.isnan(previous)]).astype(int):
            here = previous == start
            consumption[here] = self.cumulative_sum("NAF_ART", start, self.year - 1)[here]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(variation > 0, consumption / variation, np.nan)


def _status_indicator(values: np.ndarray, statuses: np.ndarray) -> np.ndarray:
    """A computed value is ok; otherwise the most telling status among its variables, or
    « not computable » when every variable there has a value (a zero denominator, no earlier
    census to compare with)."""
    output = np.where((statuses != ABSENT).any(axis=0), NOT_COMPUTABLE, ABSENT).astype(np.int8)
    for code in reversed(PRIORITY):  # the first of PRIORITE found wins
        output = np.where((statuses == code).any(axis=0), code, output).astype(np.int8)
    return np.where(~np.isnan(values), OK, output).astype(np.int8)


def compute(cube: Cube) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator for every (code, year), and each one's latest value per code.

    Both tables: code, indicateur, annee, valeur, statut, source, edition, raison, note.
    The latest value is that of the indicator's reference year (the newest year with a
    value anywhere): ok, or secret, or missing with its reason; when the reference year
    has no value for a territory but an older year has, the older value is given with its
    year and ``comparable`` false (it is not placed among the reference year's peers). A
    secret reference-year value keeps the newest earlier value in ``previous_value``
    and ``previous_year``, for display with its year only.
    """
    v = Variables(cube)
    n, y = cube.shape
    categories = Categories(cube)
    positions = np.arange(y)
    every, latest = [], []
    for indicator in catalogue.INDICATORS:
        with np.errstate(all="ignore"):
            values = np.asarray(indicator.formula(v), dtype="float64")
        values = np.where(np.isfinite(values), values, np.nan)
        status = _status_indicator(values, np.stack([v.status(name) for name in indicator.variables]))
        provenance = np.full(n * y, -1, np.int32)
        note = np.full(n * y, -1, np.int32)
        not_base = np.zeros(n * y, bool)
        for name in reversed(indicator.variables):  # the first variable present gives the provenance
            if name in cube.not_base:
                not_base |= cube.not_base[name].ravel()
            origin = v.provenance(name)
            if origin is not None:
                provenance = np.where(origin >= 0, origin, provenance)
            if name in cube.notes:
                note = np.where(cube.notes[name].ravel() >= 0, cube.notes[name].ravel(), note)
        keep = np.flatnonzero(status != ABSENT)
        if not len(keep):
            continue
        every.append(
            categories.table(
                v.rows[keep], indicator.id, v.year[keep], values[keep], status[keep], provenance[keep], note[keep]
            )
        )
        grid = status.reshape(n, y)
        ok = grid == OK
        with_value = np.flatnonzero(ok.any(axis=0))
        reference = int(with_value.max()) if len(with_value) else -1
        last_ok = np.where(ok, positions, -1).max(axis=1)
        last = np.where(grid != ABSENT, positions, -1).max(axis=1)
        if reference >= 0:
            at_reference = grid[:, reference]
            choice = np.where(
                np.isin(at_reference, (OK, SECRET)),
                reference,
                np.where(last_ok >= 0, last_ok, np.where(at_reference != ABSENT, reference, last)),
            )
            earlier = np.where(ok & (positions < reference), positions, -1).max(axis=1)
        else:
            choice, earlier = last, np.full(n, -1)
        # A trend starts from a year whose coverage is whole, or the same as the year shown.
        notes_grid = note.reshape(n, y)
        shown_note = notes_grid[np.arange(n), np.maximum(choice, 0)]
        base = ok & (~not_base.reshape(n, y) | ((notes_grid == shown_note[:, None]) & (notes_grid >= 0)))
        first_ok = np.where(base, positions, y).min(axis=1)
        rows = np.flatnonzero(choice >= 0)
        cells = rows * y + choice[rows]
        table = categories.table(
            rows, indicator.id, cube.years[choice[rows]], values[cells], status[cells], provenance[cells], note[cells]
        )
        table["comparable"] = (choice[rows] == reference) & (status[cells] == OK)
        # Dynamics: the first year with a value, for change and annual rate up to the one shown.
        start = first_ok[rows]
        known = (start < y) & (status[cells] == OK) & (choice[rows] > start)
        table["first_year"] = np.where(known, cube.years[np.minimum(start, y - 1)], -1).astype(np.int16)
        table["first_value"] = np.where(known, values[rows * y + np.minimum(start, y - 1)], np.nan)
        previous = earlier[rows]
        secret_with_past = (status[cells] == SECRET) & (previous >= 0)
        table["previous_year"] = np.where(secret_with_past, cube.years[np.maximum(previous, 0)], -1).astype(np.int16)
        table["previous_value"] = np.where(secret_with_past, values[rows * y + np.maximum(previous, 0)], np.nan)
        latest.append(table)
    return _assemble(every), _assemble(latest)


class Categories:
    """Output columns built as categoricals straight from the cube's integer codes (no
    object arrays of strings: the indicator tables have millions of rows)."""

    STATUSES = ["ok", "secret", "missing"]
    REASONS = ["", *sorted(set(REASON_NAMES) - {""}), "partial_coverage", "partial_file"]

    def __init__(self, cube: Cube):
        self.cube = cube
        self.sources = sorted({s for s, _ in cube.origins})
        self.editions = sorted({e for _, e in cube.origins})
        rank_source = {s: i for i, s in enumerate(self.sources)}
        rank_edition = {e: i for i, e in enumerate(self.editions)}
        self.origin_source = np.array([rank_source[s] for s, _ in cube.origins] + [-1], dtype=np.int32)
        self.origin_edition = np.array([rank_edition[e] for _, e in cube.origins] + [-1], dtype=np.int32)
        self.notes = ["", *cube.texts_notes]
        index_status = {"ok": 0, "secret": 1, "missing": 2, "": -1}
        self.status_code = np.array([index_status[str(x)] for x in STATUS_NAMES], dtype=np.int8)
        index_reason = {r: i for i, r in enumerate(self.REASONS)}
        self.code_reason = np.array([index_reason[str(x)] for x in REASON_NAMES], dtype=np.int8)
        # The reason of an ok value from its note (-1: the note only informs).
        self.note_reason = np.array([index_reason[r] if r else -1 for r in cube.reasons_notes] + [-1], dtype=np.int8)

    def table(self, rows, indicator, years, values, statuses, provenances, notes) -> pd.DataFrame:
        n = len(rows)
        noted = self.note_reason[notes]  # notes == -1 reads the last entry: -1
        reasons = np.where((statuses == OK) & (noted >= 0), noted, self.code_reason[statuses])
        return pd.DataFrame(
            {
                # Codes stay integer references into the cube's territories (a categorical), not strings.
                "code": pd.Categorical.from_codes(
                    np.asarray(rows, dtype=np.int32), categories=self.cube.categories_codes
                ),
                "indicator": pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[indicator]),
                "year": np.asarray(years).astype(np.int16),
                "value": values,
                "status": pd.Categorical.from_codes(self.status_code[statuses], categories=self.STATUSES),
                "source": pd.Categorical.from_codes(self.origin_source[provenances], categories=self.sources),
                "edition": pd.Categorical.from_codes(self.origin_edition[provenances], categories=self.editions),
                "reason": pd.Categorical.from_codes(reasons, categories=self.REASONS),
                "note": pd.Categorical.from_codes(notes + 1, categories=self.notes),
            }
        )


def _assemble(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    indicators = pd.api.types.union_categoricals([m["indicator"] for m in pieces]).categories
    for m in pieces:
        m["indicator"] = m["indicator"].cat.set_categories(indicators)
    return pd.concat(pieces, ignore_index=True)  # same categories everywhere: columns stay categorical
