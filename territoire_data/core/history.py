"""Harmonisation of commune codes to the referential's COG.

Files of earlier vintages use codes of communes that have since merged, changed code or
been split. Three kinds of history are applied, from the files loaded (COG communes and
movements, Etalab's découpage administratif with each commune's former codes) and from the
restorations the package knows (``core/data/cog_restorations.csv``, INSEE movements of
type 21):

- **former codes** (mergers, communes nouvelles, code changes) map to the commune they now
  belong to: counts of merged communes are summed; values that are not counts (medians,
  published rates) cannot be merged and become missing (``not_additive``);
- **restored communes**: a vintage older than the restoration publishes one figure for the
  former territory under the parent's code. That figure is kept for group sums but is not
  the parent's own (``other_geography``, with a note naming the territory), and each
  restored commune is ``included`` in it: covered for sums, without a value of its own;
- codes that lead nowhere are dropped and listed in the build journal.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from territoire_data.core import catalogue
from territoire_data.core.referential import Referential
from territoire_data.sources import observations

GROUP_PREFIXES = ("epci:", "dep:", "reg:")
CATEGORIES = ("variable", "status", "source", "edition", "reason", "note")


def known_restorations() -> pd.DataFrame:
    """Restorations of communes since 2016 (INSEE COG movements, type 21): date, parent, restored."""
    with resources.files("territoire_data.core").joinpath("data/cog_restorations.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, comment="#")
    return table.assign(date=pd.to_datetime(table["date"]))[["date", "parent", "restored"]]


def passage_table(ref: Referential, movements: pd.DataFrame | None = None) -> dict[str, str]:
    """Old code → current commune code (only for codes that are not current communes)."""
    current = set(ref.communes.index)
    passage: dict[str, str] = {}
    if movements is not None and len(movements):
        # Apply movements in date order; chains (A → B → C) resolve to the last commune.
        for former, new in movements.sort_values("date")[["old", "new"]].itertuples(index=False):
            if former != new and former not in current:
                passage[former] = new
    sub = ref.sub_communes
    for code, parent in sub.loc[sub["type"].isin(["COMD", "COMA"]), ["code", "parent"]].itertuples(index=False):
        if code not in current:
            passage.setdefault(code, parent)
    for former in list(passage):
        seen, target = {former}, passage[former]
        while target in passage and target not in seen and target not in current:
            seen.add(target)
            target = passage[target]
        passage[former] = target
    return {a: n for a, n in passage.items() if n in current}


def _objects(obs: pd.DataFrame) -> pd.DataFrame:
    return obs.astype({c: object for c in CATEGORIES if c in obs.columns})


def _categories(obs: pd.DataFrame) -> pd.DataFrame:
    for column in CATEGORIES:
        if column in obs.columns:
            obs[column] = obs[column].astype("category")
    return obs


def apply_restorations(obs: pd.DataFrame, ref: Referential, restorations: pd.DataFrame, log: list[str]) -> pd.DataFrame:
    """Flag figures of a parent's former territory and cover its restored communes by them.

    Per file (source and edition): a restoration applies when the parent is there and none
    of the communes restored out of it is — the file predates the restoration.
    """
    if restorations is None or restorations.empty:
        return obs
    names = ref.communes["name"]
    groups = {
        parent: (sorted(block["restored"]), block["date"].max()) for parent, block in restorations.groupby("parent")
    }
    concerned = set(groups) | set(restorations["restored"])
    codes = obs["code"].astype(str)
    closest = codes.isin(concerned).to_numpy()  # only these rows matter: the table stays as it is
    if not codes[closest].isin(groups.keys()).any():
        return obs
    small = _objects(obs[closest])
    small["key"] = small["source"].astype(str) + "|" + small["edition"].astype(str)
    marked = pd.Series(False, index=small.index)
    notes = pd.Series("", index=small.index, dtype=object)
    additions = []
    for key, file in small.groupby("key", sort=False):
        present = set(file["code"])
        for parent in sorted(set(groups) & present):
            restored_codes, date = groups[parent]
            if present & set(restored_codes):
                continue
            here = file.index[(file["code"] == parent) & (file["status"] == "ok")]
            if not len(here):
                continue
            items = ", ".join(f"{names.get(r, r)} ({r})" for r in restored_codes)
            marked[here] = True
            notes[here] = (
                f"valeur de l'ancien territoire de {names.get(parent, parent)} ({parent}), "
                f"avant le rétablissement de {items} le {date:%d/%m/%Y}"
            )
            for restored_code in restored_codes:
                if restored_code in ref.communes.index:
                    additions.append(
                        small.loc[here, list(obs.columns)].assign(
                            code=restored_code,
                            value=0.0,
                            status="missing",
                            reason="included",
                            note=f"comprise dans la valeur de l'ancien territoire de {names.get(parent, parent)} ({parent})",
                        )
                    )
            log.append(
                f"{key.split('|', 1)[0]} : {parent} publié pour son ancien territoire (avant le "
                f"rétablissement de {', '.join(restored_codes)}) : valeur comptée dans les agrégats, pas comme "
                f"celle de {parent}"
            )
    if not marked.any():
        return obs
    rows = np.flatnonzero(closest)[marked.to_numpy()]
    modified = _objects(obs.iloc[rows]).assign(
        status="missing", reason="other_geography", note=notes[marked].to_numpy()
    )
    keep = np.ones(len(obs), bool)
    keep[rows] = False
    return observations.concatenate(
        [obs[keep].reset_index(drop=True), _categories(modified), *(_categories(a) for a in additions)]
    )


def sum_arrondissements(obs: pd.DataFrame, ref: Referential, log: list[str]) -> pd.DataFrame:
    """Paris, Lyon and Marseille from their arrondissements, where a file gives only these.

    Counts of a file that has every arrondissement of a city and not the city itself are
    summed into the city (the arrondissements stay as they are).
    """
    sub = ref.sub_communes
    arm = sub.loc[sub["type"] == "ARM", ["code", "parent"]]
    if arm.empty:
        return obs
    parents = dict(zip(arm["code"], arm["parent"]))
    codes = obs["code"].astype(str)
    cities = set(parents.values())
    here = codes.isin(parents.keys()).to_numpy()
    if not here.any():
        return obs
    keys = ["variable", "year", "source", "edition"]
    block = _objects(obs[here]).assign(parent=codes[here].map(parents).to_numpy())
    block = block[block["status"] == "ok"]
    block = block[block["variable"].map(catalogue.is_additive).astype(bool)]
    if block.empty:
        return obs
    already = _objects(obs[codes.isin(cities).to_numpy()])
    present = set(zip(already["code"], *[already[c] for c in keys]))
    counts = arm.groupby("parent")["code"].size()
    totals = (
        block.groupby(["parent", *keys], dropna=False)
        .agg(value=("value", "sum"), n=("code", "nunique"), start=("start", "first"))
        .reset_index()
    )
    totals = totals[totals["n"].to_numpy() == totals["parent"].map(counts).to_numpy()]
    totals = totals[[(p, *k) not in present for p, *k in totals[["parent", *keys]].itertuples(index=False)]]
    if totals.empty:
        return obs
    log.append(
        f"{totals['parent'].nunique()} commune(s) obtenue(s) par la somme de leurs arrondissements "
        f"({', '.join(sorted(totals['parent'].unique()))}) dans {', '.join(sorted(totals['source'].unique()))}"
    )
    addition = totals.rename(columns={"parent": "code"}).assign(status="ok", reason="", note="")
    addition["year"] = addition["year"].astype(obs["year"].dtype)
    addition["start"] = addition["start"].astype(obs["start"].dtype)
    return observations.concatenate([obs, _categories(addition[list(obs.columns)].reset_index(drop=True))])


def harmonise(
    obs: pd.DataFrame, ref: Referential, movements: pd.DataFrame | None = None, restorations: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Observations on the referential's codes, and the build-log lines it produced."""
    log: list[str] = []
    if restorations is None:
        restorations = known_restorations()
    codes = obs["code"].astype(str)
    current = ref.communes.index
    arrondissements = set(ref.sub_communes.loc[ref.sub_communes["type"] == "ARM", "code"])
    groups_known = (
        {f"epci:{c}" for c in ref.epci.index}
        | {f"dep:{c}" for c in ref.departements.index}
        | {f"reg:{c}" for c in ref.regions.index}
        | {"france"}
    )
    passage = passage_table(ref, movements)
    known = codes.isin(current) | codes.isin(arrondissements) | codes.isin(groups_known)
    to_map = ~known & codes.isin(passage.keys())
    dropped = ~known & ~to_map
    if dropped.any():
        items = sorted(codes[dropped].unique())
        log.append(
            f"{len(items)} code(s) sans correspondance dans le COG du référentiel, écarté(s) : "
            + ", ".join(items[:30])
            + (" …" if len(items) > 30 else "")
        )
    obs = obs[~dropped.to_numpy()]
    if to_map.any():
        former_codes = sorted(codes[to_map].unique())
        log.append(
            f"{len(former_codes)} ancien(s) code(s) rattaché(s) à leur commune actuelle "
            f"({', '.join(f'{a}→{passage[a]}' for a in former_codes[:10])}{' …' if len(former_codes) > 10 else ''})"
        )
        obs = obs.copy()
        obs["code"] = obs["code"].astype(str).map(lambda c: passage.get(c, c))
    obs = sum_arrondissements(obs.reset_index(drop=True), ref, log)
    obs = apply_restorations(obs, ref, restorations, log)
    if not to_map.any():
        return obs.reset_index(drop=True), log
    keys = ["code", "variable", "year", "source", "edition"]
    duplicates = obs.duplicated(keys, keep=False)
    simple, mergers = obs[~duplicates], obs[duplicates]
    if mergers.empty:
        return obs.reset_index(drop=True), log
    mergers = _objects(mergers)
    mergers = mergers.assign(
        ok=mergers["status"] == "ok", secret=mergers["status"] == "secret", other=mergers["reason"] == "other_geography"
    )
    group = mergers.groupby(keys, sort=False)
    summed = group["value"].sum(min_count=1)
    all_ok, one_secret, start = group["ok"].all(), group["secret"].any(), group["start"].first()
    other = group["other"].any().to_numpy()
    additive = summed.index.get_level_values("variable").map(catalogue.is_additive).to_numpy(dtype=bool)
    countable = (group["ok"].sum() + group["other"].sum() == group.size()).to_numpy()
    status = np.where(additive & all_ok.to_numpy(), "ok", np.where(one_secret.to_numpy(), "secret", "missing"))
    reason = np.where(
        status != "missing",
        "",
        np.where(additive & countable & other, "other_geography", np.where(~additive, "not_additive", "")),
    )
    note = group["note"].max().fillna("").to_numpy()
    merger = summed.to_frame("value").assign(status=status, start=start, reason=reason, note=note).reset_index()
    merger.loc[(merger["status"] != "ok") & (merger["reason"] != "other_geography"), "value"] = np.nan
    merger = merger[list(obs.columns)].astype({"year": obs["year"].dtype, "start": obs["start"].dtype})
    return observations.concatenate([simple.reset_index(drop=True), _categories(merger)]), log
