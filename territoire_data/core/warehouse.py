"""The indicator warehouse: Parquet files and a manifest, swapped in atomically.

Layout under the home::

    warehouse -> warehouses/<id>/          (a symbolic link, replaced in one rename)
    warehouses/<id>/observations.parquet   harmonised observations (communes, groups)
    warehouses/<id>/indicators.parquet     every indicator for every territory and year
    warehouses/<id>/latest.parquet         the latest value of each indicator
    warehouses/<id>/matrix.parquet         latest comparable values, one column per indicator
    warehouses/<id>/manifest.json          sources, editions, file hashes, build time, demo flag

A build writes a new folder, then points the link at it: a build that fails, or is
killed, leaves the previous warehouse untouched. Only one build runs at a time (lock).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from territoire_data import strict_json
from territoire_data.archives import ArchiveLimits
from territoire_data.core import calculation, catalogue, coverage, history
from territoire_data.core.referential import Referential, load_referential
from territoire_data.errors import TerritoireError
from territoire_data.progress import Steps
from territoire_data.settings import resolve_home
from territoire_data.sources import Harvest, read_all

SCHEMA = 4  # 2: reasons, notes, reference-year comparability; 3: English column names;
# 4: the ZAN allowance with the 1 ha communal guarantee, its exemptions in the manifest
SERIES_COLUMNS = ["year", "value", "status", "source", "edition", "reason", "note"]
LINK = "warehouse"
FOLDERS = "warehouses"
MANIFEST = "manifest.json"
DENSITY = "density.parquet"  # latest density-grid level (DENS7) of each commune
POSTAL_CODES = "postal_codes.parquet"  # code, postal: when a file read carries them
LATEST_ROW_GROUP = 8_192
ROWS_KEPT = 64  # territories whose latest rows a warehouse keeps when it does not hold them all


class WarehouseMissing(TerritoireError):
    pass


@contextmanager
def _lock(home: Path):
    path = home / ".construction.lock"
    with open(path, "w") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TerritoireError(
                "Une construction de l'entrepôt est déjà en cours dans ce dossier de travail."
            ) from None
        yield


def build_warehouse(
    raw: list[Path | str],
    home: str | os.PathLike | None = None,
    *,
    referential: Referential | None = None,
    demo: bool = False,
    strict: bool = True,
    movements: pd.DataFrame | None = None,
    progress: bool = True,
    limits: ArchiveLimits | None = None,
    rule: coverage.CoverageRule | None = None,
    zan_without_plan: frozenset[str] = frozenset(),
) -> dict:
    """Build the warehouse from raw files and swap it in; returns the manifest.

    ``limits``: bounds on the archives read (``Settings.archive_limits``); ``rule``: when an
    event file covers a département (from ``Settings.coverage_communes`` and ``coverage_population``);
    ``zan_without_plan``: communes without the 1 ha ZAN guarantee (``Settings.zan_no_guarantee``),
    recorded in the manifest so that every later reading of the allowance agrees with it."""
    rule = rule or coverage.CoverageRule()
    home = resolve_home(home)
    start = time.perf_counter()
    ref = referential if referential is not None else load_referential(home, progress=progress)
    with _lock(home), Steps("Construction de l'entrepôt", total=6, enabled=progress) as steps:
        root = home / FOLDERS
        root.mkdir(exist_ok=True)
        for former in root.glob(".construction-*"):  # left by a killed build
            shutil.rmtree(former, ignore_errors=True)
        steps("Lecture des fichiers")
        collection = read_all(raw, catalogue.useful_variables(), strict=strict, progress=progress, limits=limits)
        if not collection.files_read:
            raise TerritoireError(
                "Aucun fichier reconnu dans "
                + ", ".join(map(str, raw))
                + (
                    " ; ignorés : " + "; ".join(f"{f} ({r})" for f, r in collection.ignores[:5])
                    if collection.ignores
                    else ""
                )
            )
        steps("Harmonisation des codes communes (COG)")
        movements = movements if movements is not None else collection.movements
        restorations = (
            pd.concat([history.known_restorations(), collection.restorations]).drop_duplicates(["parent", "restored"])
            if collection.restorations is not None
            else None
        )
        obs, log = history.harmonise(collection.observations, ref, movements, restorations)
        collection.observations = None  # peak memory: keep one copy of the observations at a time
        obs = calculation.deduplicate(obs)
        steps("Agrégation EPCI, départements, régions, France")
        scot = coverage.scot_perimeters(collection.scot, ref, rule)
        cube = calculation.aggregate(obs, ref, scot=scot, rule=rule)
        cube.zan_without_plan = frozenset(zan_without_plan)
        del obs
        summary = _build_summary(cube, ref, rule, scot)
        steps("Calcul des indicateurs")
        indicators, latest = calculation.compute(cube)
        steps("Écriture")
        identifier = datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        temporary = root / f".construction-{identifier}"
        temporary.mkdir()
        try:
            # Written one table at a time, each dropped once on disk: peak memory stays that of the cube.
            indicators.to_parquet(temporary / "indicators.parquet", index=False)
            years = _years_by_indicator(indicators)
            del indicators
            obs = cube.to_long()
            del cube
            obs.to_parquet(temporary / "observations.parquet", index=False)
            manifest = _manifest(collection, log, ref, demo, time.perf_counter() - start, obs)
            manifest["indicator_years"] = years
            manifest["summary"] = summary
            manifest["zan_no_guarantee"] = sorted(zan_without_plan)
            density = obs.loc[(obs["variable"] == "DENS7").to_numpy(), ["code", "year", "value"]]
            if len(density):
                density = density.assign(code=density["code"].astype(str)).sort_values("year")
                density.drop_duplicates("code", keep="last")[["code", "value"]].to_parquet(
                    temporary / DENSITY, index=False
                )
            del obs, density
            if scot is not None:
                scot.to_parquet(temporary / "scot.parquet", index=False)
            if collection.postal_codes is not None and len(collection.postal_codes):
                # A commune merged since the file's geography keeps its postal codes under its new code.
                passage = history.passage_table(ref, movements)
                postal = collection.postal_codes.assign(code=collection.postal_codes["code"].replace(passage))
                postal.drop_duplicates(ignore_index=True).to_parquet(temporary / POSTAL_CODES, index=False)
            latest = latest.assign(code=latest["code"].astype(str), indicator=latest["indicator"].astype(str))
            # Small row groups: a dashboard kernel reads one territory's rows without the rest.
            latest.sort_values(["code", "indicator"]).to_parquet(
                temporary / "latest.parquet", index=False, row_group_size=LATEST_ROW_GROUP
            )
            # Peers are compared on the reference year only: older values shown in place of a
            # missing one are not placed among them.
            matrix = latest[latest["comparable"]].pivot(index="code", columns="indicator", values="value")
            matrix = matrix.reindex(sorted(latest["code"].unique()))
            matrix.columns = matrix.columns.astype(str)
            matrix.to_parquet(temporary / "matrix.parquet")
            (temporary / MANIFEST).write_text(strict_json.text(strict_json.clean(manifest)), encoding="utf-8")
            final = root / identifier
            os.rename(temporary, final)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        steps("Mise en service")
        _switch(home, final)
    return manifest


def _switch(home: Path, target: Path) -> None:
    """Point ``home/warehouse`` at ``target`` in one atomic rename, then drop older builds."""
    link = home / LINK
    former = link.resolve() if link.is_symlink() else None
    provisional = home / f".{LINK}-{uuid.uuid4().hex[:6]}"
    os.symlink(Path(FOLDERS) / target.name, provisional)
    os.replace(provisional, link)
    if former is not None and former != target.resolve() and former.parent == target.parent:
        shutil.rmtree(former, ignore_errors=True)


def _years_by_indicator(indicators: pd.DataFrame) -> dict[str, list[int]]:
    with_value = indicators.loc[indicators["status"] == "ok", ["indicator", "year"]].drop_duplicates()
    return {str(k): sorted(int(a) for a in v) for k, v in with_value.groupby("indicator", observed=True)["year"]}


def _build_summary(cube: calculation.Cube, ref, rule: coverage.CoverageRule, scot: pd.DataFrame | None) -> dict:
    """What the build could and could not say: per source, communes covered, not covered
    and why; publishers' group figures that disagree with their communes; SCoT perimeters."""
    nc = len(ref.communes)
    summary: dict = {
        "coverage_rule": rule.describe(),
        "sources": coverage.summary(cube, nc, ref, cube.files),
        "disagreements": cube.disagreements,
    }
    if scot is not None and len(scot):
        named = scot.dropna(subset=["scot"])
        by_scot = named.groupby("scot")
        summary["scot"] = {
            "official": int(by_scot["official"].all().sum()),
            "from_cerema": int((~by_scot["official"].all()).sum()),
            "insufficient": sorted(str(k) for k, v in by_scot["complete"].all().items() if not v),
        }
    return summary


def _manifest(collection: Harvest, log: list[str], ref, demo: bool, duration: float, obs: pd.DataFrame) -> dict:
    """Sources with editions, files (sha256), years and communes covered (from ``obs``)."""
    sources: dict[str, dict] = {}
    for file_read in collection.files_read:
        source = sources.setdefault(file_read.source, {"editions": [], "files": []})
        if file_read.edition not in source["editions"]:
            source["editions"].append(file_read.edition)
        source["files"].append(
            {
                "path": file_read.path,
                "sha256": file_read.sha256,
                "edition": file_read.edition,
                "observations": file_read.rows,
            }
        )
    codes = obs["code"].cat if isinstance(obs["code"].dtype, pd.CategoricalDtype) else None
    is_commune = (
        codes.categories.isin(ref.communes.index)[codes.codes]
        if codes is not None
        else obs["code"].astype(str).isin(ref.communes.index).to_numpy()
    )
    communes = obs[is_commune]
    for name, source in sources.items():
        block = communes[(communes["source"] == name).to_numpy()]
        years = block["year"].dropna()
        source["years"] = [int(years.min()), int(years.max())] if len(years) else []
        source["communes"] = int(block["code"].nunique())
        source["editions"].sort()
    return {
        "schema": SCHEMA,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(duration, 2),
        "demo": demo,
        "referential": ref.manifest["key"],
        "sources": sources,
        "ignored": [{"file": f, "reason": r} for f, r in collection.ignores],
        "references": [{"file": f, "role": r} for f, r in collection.references],
        "log": list(dict.fromkeys(log + collection.remarks)),
        "indicators": len(catalogue.INDICATORS),
    }


class Warehouse:
    """A built warehouse, read lazily; ``latest`` stays in memory for fast queries."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        self._latest: pd.DataFrame | None = None  # every territory's latest rows, once ``latest`` is read
        self._rows: OrderedDict[str, pd.DataFrame] = OrderedDict()  # code → latest rows, when not held
        self._sorted_values: dict[str, dict[str, np.ndarray]] = {}  # peer set key → sorted values
        self._held_observations: dict[tuple[str, str], pd.DataFrame] = {}  # (variable, code) → rows
        self._held_series: dict[str, pd.DataFrame] | None = None  # code → indicator rows
        self._derived: dict[tuple, object] = {}  # values derived from this warehouse (``derived``)

    def derived(self, key: tuple, compute):
        """A value derived from this warehouse's data (with the referential's, named in
        ``key``), computed once and kept here: the communes' populations peers are sized by."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    @property
    def demo(self) -> bool:
        return bool(self.manifest.get("demo"))

    @property
    def latest(self) -> pd.DataFrame:
        """Latest value of each indicator of every territory, sorted by code, held in memory
        once read (batch work; a dashboard kernel reads one territory at a time, ``rows``)."""
        if self._latest is None:
            frame = pd.read_parquet(self.folder / "latest.parquet")
            for column in ("code", "indicator", "status", "source", "edition", "reason", "note"):
                if column in frame.columns:
                    frame[column] = frame[column].astype(object)
            self._latest = frame
        return self._latest

    @cached_property
    def _codes_sorted(self):
        return self.latest["code"].to_numpy(dtype=object)

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """Latest values, one row per territory, one column per indicator."""
        matrix = pd.read_parquet(self.folder / "matrix.parquet")
        matrix.index = matrix.index.astype(object)
        return matrix

    @cached_property
    def matrix_values(self):
        return self.matrix.to_numpy(dtype="float64")

    @cached_property
    def scot_members(self) -> pd.DataFrame | None:
        """The SCoT of each commune (``code``, ``scot`` name, and in newer builds ``official``,
        ``complete``, ``reason``, ``perimeter``), from the official list or the Cerema file."""
        path = self.folder / "scot.parquet"
        if not path.is_file():
            return None
        table = pd.read_parquet(path)
        table = table[table["scot"].notna() & (table["scot"].astype(str).str.strip() != "")]
        return table.assign(code=table["code"].astype(str), scot=table["scot"].astype(str))

    @cached_property
    def postal_codes(self) -> dict[str, list[str]]:
        """The postal codes of each commune, when a file read carried them (the comparateur's
        derived copy); empty otherwise."""
        path = self.folder / POSTAL_CODES
        if not path.is_file():
            return {}
        table = pd.read_parquet(path).sort_values(["code", "postal"])
        return {str(c): list(group["postal"].astype(str)) for c, group in table.groupby("code", sort=False)}

    @cached_property
    def density_classes(self) -> pd.Series | None:
        """Latest INSEE density-grid level (DENS7, 1 to 7) of each commune, when loaded."""
        if (self.folder / DENSITY).is_file():
            table = pd.read_parquet(self.folder / DENSITY)
            return pd.Series(table["value"].to_numpy(), index=table["code"].astype(str).to_numpy(), name="value")
        obs = self.observations(variable="DENS7")  # warehouses built before the density file
        if obs.empty:
            return None
        latest = obs.sort_values("year").drop_duplicates("code", keep="last")
        return pd.Series(latest["value"].to_numpy(), index=latest["code"].astype(str).to_numpy(), name="value")

    def sorted_values(self, key: str, codes) -> dict[str, np.ndarray]:
        """Sorted peer values per indicator for a peer set, cached by its key."""
        cache = self._sorted_values
        if key not in cache:
            if len(cache) > 256:
                cache.clear()
            positions = self.matrix.index.get_indexer(codes)
            block = self.matrix_values[positions[positions >= 0]]
            cache[key] = {
                name: np.sort(column[~np.isnan(column)]) for name, column in zip(self.matrix.columns, block.T)
            }
        return cache[key]

    def populations(self) -> pd.Series:
        """Latest census population of every territory (code → inhabitants), where known."""
        if self._latest is not None:
            latest = self._latest
            block = latest[(latest["indicator"] == "population") & (latest["status"] == "ok")]
        else:  # only the population rows are read
            block = pd.read_parquet(
                self.folder / "latest.parquet",
                columns=["code", "value", "status"],
                filters=[("indicator", "==", "population"), ("status", "==", "ok")],
            )
        return pd.Series(block["value"].to_numpy(), index=block["code"].astype(str).to_numpy(), dtype="float64")

    def population(self, code: str) -> tuple[float, int, str | None] | None:
        """(population, year, source) of a territory from the latest census loaded, or None."""
        rows = self.rows(code)
        if "population" not in rows.index:
            return None
        line = rows.loc["population"]
        if line["status"] != "ok" or pd.isna(line["value"]):
            return None
        return float(line["value"]), int(line["year"]), None if pd.isna(line["source"]) else str(line["source"])

    def rows(self, code: str) -> pd.DataFrame:
        """The latest values of one territory, indexed by indicator id: from ``latest`` when it
        is held, otherwise read for this territory alone (kept for the next few calls)."""
        if self._latest is not None:
            codes = self._codes_sorted
            start, end = codes.searchsorted(code, "left"), codes.searchsorted(code, "right")
            return self.latest.iloc[start:end].set_index("indicator")
        if code in self._rows:
            self._rows.move_to_end(code)
            return self._rows[code]
        table = pd.read_parquet(self.folder / "latest.parquet", filters=[("code", "==", code)])
        for column in ("code", "indicator", "status", "source", "edition", "reason", "note"):
            if column in table.columns:
                table[column] = table[column].astype(object)
        rows = self._rows[code] = table.set_index("indicator")
        if len(self._rows) > ROWS_KEPT:
            self._rows.popitem(last=False)
        return rows

    def series_of(self, code: str, indicator: str) -> pd.DataFrame:
        table = pd.read_parquet(
            self.folder / "indicators.parquet",
            filters=[("code", "==", code), ("indicator", "==", indicator)],
        )
        return table.sort_values("year").reset_index(drop=True)[SERIES_COLUMNS]

    def hold_observations(self, variables, codes=None) -> None:
        """Hold some variables' observations in memory (all territories, or ``codes``):
        ``observations(variable=…, code=…)`` then answers without reading Parquet."""
        filters = [("variable", "in", list(variables))] + ([("code", "in", list(codes))] if codes is not None else [])
        obs = pd.read_parquet(self.folder / "observations.parquet", filters=filters)
        obs["code"] = obs["code"].astype(str)
        if codes is not None:  # a territory held without rows has none: no Parquet read to learn it again
            empty = obs.iloc[0:0].reset_index(drop=True)
            for variable in variables:
                for code in codes:
                    self._held_observations[(str(variable), str(code))] = empty
        for (variable, code), block in obs.groupby(["variable", "code"], sort=False, observed=True):
            self._held_observations[(str(variable), code)] = block.reset_index(drop=True)

    def preload(self, codes, variables=("NAF_ART",)) -> None:
        """Hold the series and some observations of these territories in memory (batch work)."""
        codes = list(codes)
        table = pd.read_parquet(self.folder / "indicators.parquet", filters=[("code", "in", codes)])
        table["code"] = table["code"].astype(str)
        self._held_series = {c: block for c, block in table.groupby("code", sort=False)}
        self.hold_observations(variables, codes)

    def series(self, code: str, indicators) -> dict[str, pd.DataFrame]:
        """Several indicators over the years, in one read."""
        memo = self._held_series
        if memo is not None and code in memo:
            table = memo[code]
            table = table[table["indicator"].astype(str).isin(list(indicators))].copy()
        else:
            table = pd.read_parquet(
                self.folder / "indicators.parquet",
                filters=[("code", "==", code), ("indicator", "in", list(indicators))],
            )
        table["indicator"] = table["indicator"].astype(str)
        return {
            name: block.sort_values("year").reset_index(drop=True)[SERIES_COLUMNS]
            for name, block in table.groupby("indicator", sort=False)
        }

    def observations(self, **filters) -> pd.DataFrame:
        if set(filters) == {"variable", "code"} and isinstance(filters["code"], str):
            block = self._held_observations.get((filters["variable"], filters["code"]))
            if block is not None:
                return block.copy()
        conditions = [
            (
                k,
                "in" if isinstance(v, (list, tuple, set)) else "==",
                list(v) if isinstance(v, (list, tuple, set)) else v,
            )
            for k, v in filters.items()
        ]
        return pd.read_parquet(self.folder / "observations.parquet", filters=conditions or None)


def current_folder(home: Path) -> Path:
    """The folder the home's ``warehouse`` link points at; ``WarehouseMissing`` when none."""
    link = home / LINK
    if not (link / MANIFEST).is_file():
        raise WarehouseMissing(
            "Aucun entrepôt de données dans ce dossier de travail. Construisez-le avec "
            "`territoire data demo` (données de démonstration) ou `territoire data build --raw DOSSIER`."
        )
    return link.resolve()


def open_folder(folder: Path) -> Warehouse:
    """The warehouse of ``folder``; ``WarehouseMissing`` when an earlier version built it (its
    figures would not follow today's rules: it is rebuilt, never read as if they did)."""
    warehouse = Warehouse(folder)
    schema = warehouse.manifest.get("schema")
    if schema != SCHEMA:
        raise WarehouseMissing(
            f"L'entrepôt de ce dossier de travail a été construit par une version précédente de territoire "
            f"(schéma {schema}, attendu {SCHEMA}) : reconstruisez-le avec `territoire data build --raw DOSSIER` "
            "(ou `territoire data demo`)."
        )
    return warehouse
