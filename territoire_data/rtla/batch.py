"""Drafts for many territories at once: every commune of a perimeter and every EPCI that has
one of them, with an index page and a manifest; a territory whose inputs did not change is
not redone.

The Cerema flows of the communes concerned (and of their comparison pool) are read once
(``figures.Flows``) in the parent; drafts are then written by forked worker processes that
share them.
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from territoire_data.core.territories import DataContext, Territory
from territoire_data.errors import TerritoireError
from territoire_data.files import write_atomic
from territoire_data.progress import bar
from territoire_data.rtla import figures, report, writers
from territoire_data.rtla.corrections import Correction

MANIFEST = "manifest.json"
SCHEMA = 1


@dataclass
class Outcome:
    done: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)


def territories_of(context: DataContext, code: str) -> list[Territory]:
    """A commune alone; for a group, each of its communes and each EPCI having one of them
    (an EPCI's own report covers its whole perimeter), EPCI first."""
    territory = context.territory(code)
    if territory.level == "commune":
        return [territory]
    if territory.level == "epci":
        return [territory, *(context.territory(c) for c in territory.communes)]
    communes = context.referential.communes.loc[list(territory.communes)]
    epcis = sorted(str(e) for e in communes["epci"].dropna().unique())
    return [*(context.territory(f"epci:{e}") for e in epcis), *(context.territory(c) for c in territory.communes)]


def flows_for(context: DataContext, targets: list[Territory]) -> figures.Flows:
    """The Cerema variables the drafts of ``targets`` read: their communes and the communes of
    their départements (comparisons, groups); the whole country when a commune of 100 000
    inhabitants or more seeks its peers nationwide."""
    ref = context.referential.communes
    codes = sorted({c for t in targets for c in t.communes})
    departements = set(ref.loc[codes, "departement"].dropna())
    populations = context.warehouse.populations()
    large = [t for t in targets if t.level == "commune" and (populations.get(t.code) or 0) >= figures.PEERS_LARGE]
    if large:
        return figures.Flows(context.warehouse, None, populations)
    pool = sorted(set(ref.index[ref["departement"].isin(departements)]) | set(codes))
    return figures.Flows(context.warehouse, pool, populations)


def draft_of(
    context: DataContext,
    territory: Territory,
    *,
    corrections: Sequence[Correction] = (),
    period_text: str | None = None,
    peers: list[str] | None = None,
) -> dict:
    """The draft of one territory, reading only what it needs (the dashboard, the notebook)."""
    flows = flows_for(context, [territory])
    period = figures.Period.parse(period_text, flows.last_year)
    return report.draft(context, territory.code, flows=flows, period=period, corrections=list(corrections), peers=peers)


def file_stem(territory: Territory) -> str:
    return "rapport_triennal_" + territory.code.replace(":", "-")


def fingerprint(context: DataContext, territory: Territory, period, formats, corrections, peers) -> str:
    data = {
        "schema": SCHEMA,
        "warehouse": context.warehouse.folder.name,
        "period": [period.start, period.end],
        "formats": sorted(formats),
        "corrections": [c.as_dict() for c in corrections if c.territory == territory.code],
        "peers": peers or [],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:20]


def write(report_figures: dict, folder: Path, stem: str, formats: Iterable[str]) -> list[Path]:
    paths = []
    for fmt, content in writers.render(report_figures, list(formats)).items():
        path = folder / f"{stem}.{fmt}"
        write_atomic(path, content)
        paths.append(path)
    return paths


class _Batch:
    """What every draft of a batch shares (workspace, flows, options): set in the parent, inherited
    by the forked workers (``Pool(initializer=…)`` with fork passes it without pickling)."""

    shared: tuple | None = None

    @classmethod
    def adopt(cls, shared: tuple) -> None:
        cls.shared = shared


def _work(job: tuple[str, str]) -> tuple[str, str | None, list[str]]:
    code, stem = job
    assert _Batch.shared is not None
    context, flows, folder, formats, period, corrections, peers, today = _Batch.shared
    try:
        figures_ = report.draft(
            context, code, flows=flows, period=period, corrections=corrections, peers=peers, today=today
        )
        return code, None, [p.name for p in write(figures_, folder, stem, formats)]
    except TerritoireError as error:
        return code, str(error), []
    except Exception as error:
        return code, f"{type(error).__name__} : {error}", []


def run(
    context: DataContext,
    code: str,
    output: Path,
    *,
    formats: list[str],
    period_text: str | None = None,
    corrections: Sequence[Correction] = (),
    peers: list[str] | None = None,
    workers: int = 1,
    force: bool = False,
    progress: bool = True,
) -> Outcome:
    """Write the drafts of ``code``'s territories into ``output``, with ``index.html`` and
    ``manifest.json``; returns what was done."""
    start = time.perf_counter()
    targets = territories_of(context, code)
    flows = flows_for(context, targets)
    period = figures.Period.parse(period_text, flows.last_year)
    output.mkdir(parents=True, exist_ok=True)
    manifest_path = output / MANIFEST
    previous = {}
    if manifest_path.is_file():
        try:
            previous = {e["code"]: e for e in json.loads(manifest_path.read_text(encoding="utf-8"))["territories"]}
        except (ValueError, KeyError, TypeError):
            previous = {}
    today = date.today()
    entries, jobs = [], []
    outcome = Outcome()
    for territory in targets:
        stem = file_stem(territory)
        mark = fingerprint(context, territory, period, formats, corrections, peers)
        entry: dict = {
            "code": territory.code,
            "name": territory.name,
            "level": territory.level,
            "fingerprint": mark,
            "files": [f"{stem}.{f}" for f in formats],
        }
        old = previous.get(territory.code)
        if (
            not force
            and old
            and old.get("fingerprint") == mark
            and old.get("status") == "ok"
            and all((output / f).is_file() for f in entry["files"])
        ):
            entry.update(status="ok", error=None, drafted_on=old.get("drafted_on"))
            outcome.unchanged += 1
        else:
            jobs.append((territory.code, stem))
        entries.append(entry)
    by_code = {e["code"]: e for e in entries}
    shared = (context, flows, output, formats, period, list(corrections), peers, today)
    _Batch.adopt(shared)
    with bar(total=len(jobs), desc="Rapports triennaux", unit=" rapport", enabled=progress and bool(jobs)) as shown:
        if workers > 1 and len(jobs) > 1:
            fork = multiprocessing.get_context("fork")
            with fork.Pool(min(workers, len(jobs)), initializer=_Batch.adopt, initargs=(shared,)) as processes:
                for result in processes.imap_unordered(_work, jobs, chunksize=4):
                    _record(by_code, result, outcome, today)
                    shown.update(1)
        else:
            for job in jobs:
                _record(by_code, _work(job), outcome, today)
                shown.update(1)
    write_atomic(
        manifest_path,
        json.dumps(
            {"schema": SCHEMA, "code": code, "period": [period.start, period.end], "territories": entries},
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8"),
    )
    write_atomic(output / "index.html", _index(context.territory(code), entries, period).encode("utf-8"))
    outcome.seconds = time.perf_counter() - start
    return outcome


def _record(by_code: dict, result, outcome: Outcome, today: date) -> None:
    code, error, files = result
    entry = by_code[code]
    if error is None:
        entry.update(status="ok", error=None, drafted_on=today.isoformat())
        outcome.done += 1
        outcome.files += files
    else:
        entry.update(status="failed", error=error, drafted_on=None)
        outcome.failed.append((code, error))


def _index(territory: Territory, entries: list[dict], period) -> str:
    e = html.escape
    rows = []
    for entry in entries:
        links = (
            " · ".join(f'<a href="{e(name)}">{e(name.rsplit(".", 1)[1].upper())}</a>' for name in entry["files"])
            if entry["status"] == "ok"
            else f"échec : {e(entry['error'] or '')}"
        )
        rows.append(
            f"<tr><td>{e(entry['name'])}</td><td>{e(entry['code'])}</td><td>{e(entry['level'])}</td><td>{links}</td></tr>"
        )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>Rapports triennaux — {e(territory.name)}</title>"
        f"<style>{writers.CSS}</style></head><body><main>"
        f"<h1>Rapports locaux de suivi de l'artificialisation — {e(territory.name)}</h1>"
        f"<p>Projets de rapports, période du 1er janvier {period.start} au 31 décembre {period.end} : "
        f"{len(entries)} territoire(s).</p>"
        "<table><thead><tr><th>territoire</th><th>code</th><th>niveau</th><th>documents</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></main></body></html>"
    )
