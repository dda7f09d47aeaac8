"""Drafts for many territories at once: every commune of a perimeter and every EPCI that has
one of them, with an index page and a manifest; a territory whose inputs did not change is
not redone. The manifest is rewritten every few seconds and on Ctrl-C, so an interrupted
batch is resumed by the same command without redoing finished drafts.

France (``code`` ``france``, optionally restricted to some départements) is laid out by
folder: ``D/`` the communes of département D, ``epci/`` the EPCI, each with its index, and
``index.html`` listing them.

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
from territoire_data.progress import Checkpoint, bar, ignore_interrupt
from territoire_data.rtla import figures, report, writers
from territoire_data.rtla.corrections import Correction

MANIFEST = "manifest.json"
SCHEMA = 1
SAVE_EVERY_S = 5.0
EPCI_FOLDER = "epci"


@dataclass
class Outcome:
    done: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    interrupted: bool = False


def territories_of(context: DataContext, code: str, departements: Sequence[str] = ()) -> list[Territory]:
    """A commune alone; for a group, each of its communes and each EPCI having one of them
    (an EPCI's own report covers its whole perimeter), EPCI first; ``departements``: only
    the communes of these départements (and their EPCI)."""
    territory = context.territory(code)
    if territory.level == "commune":
        return [territory]
    if territory.level == "epci":
        return [territory, *(context.territory(c) for c in territory.communes)]
    communes = context.referential.communes.loc[list(territory.communes)]
    if departements:
        unknown = sorted(set(departements) - set(context.referential.departements.index))
        if unknown:
            raise TerritoireError(f"Départements inconnus : {', '.join(unknown)}.")
        communes = communes[communes["departement"].isin(list(departements))]
    epcis = sorted(str(e) for e in communes["epci"].dropna().unique())
    return [*(context.territory(f"epci:{e}") for e in epcis), *(context.territory(str(c)) for c in communes.index)]


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


def file_stem(territory: Territory, by_folder: bool = False) -> str:
    """The draft's files, without extension, relative to the batch's folder; ``by_folder``
    (France): in its département's folder, or ``epci/``."""
    stem = "rapport_triennal_" + territory.code.replace(":", "-")
    if not by_folder:
        return stem
    folder = EPCI_FOLDER if territory.level == "epci" else str(territory.departement)
    return f"{folder}/{stem}"


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


def write(report_figures: dict, folder: Path, stem: str, formats: Iterable[str], docx_base=None) -> list[Path]:
    paths = []
    for fmt, content in writers.render(report_figures, list(formats), docx_base=docx_base).items():
        path = folder / f"{stem}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
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
    context, flows, folder, formats, period, corrections, peers, today, base = _Batch.shared
    try:
        figures_ = report.draft(
            context, code, flows=flows, period=period, corrections=corrections, peers=peers, today=today
        )
        paths = write(figures_, folder, stem, formats, base)
        return code, None, [p.relative_to(folder).as_posix() for p in paths]
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
    departements: Sequence[str] = (),
    stop_after: int | None = None,
) -> Outcome:
    """Write the drafts of ``code``'s territories (``departements``: only theirs) into
    ``output``, with ``index.html`` and ``manifest.json``; returns what was done.
    ``stop_after``: stop, as a Ctrl-C would, once that many are written (tests)."""
    start = time.perf_counter()
    targets = territories_of(context, code, departements)
    by_folder = code == "france"
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
        stem = file_stem(territory, by_folder)
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
            entry.update(status="pending", error=None, drafted_on=None)
            jobs.append((territory.code, stem))
        entries.append(entry)
    by_code = {e["code"]: e for e in entries}
    base = writers.docx_base() if "docx" in formats else None  # parsed once, copied by each draft
    shared = (context, flows, output, formats, period, list(corrections), peers, today, base)
    _Batch.adopt(shared)

    def save() -> None:
        manifest = {"schema": SCHEMA, "code": code, "period": [period.start, period.end], "territories": entries}
        write_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))

    checkpoint = Checkpoint(save, every_s=SAVE_EVERY_S, stop_after=stop_after)
    pool = None
    shown = bar(total=len(jobs), desc="Rapports triennaux", unit=" rapport", enabled=progress and bool(jobs))
    try:
        if workers > 1 and len(jobs) > 1:
            fork = multiprocessing.get_context("fork")
            pool = fork.Pool(min(workers, len(jobs)), initializer=_adopt_quietly, initargs=(shared,))
            results: Iterable = pool.imap_unordered(_work, jobs, chunksize=4)
        else:
            results = map(_work, jobs)
        for result in results:
            _record(by_code, result, outcome, today)
            shown.update(1)
            checkpoint.reached(outcome.done)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        shown.close()
        save()
        _write_indexes(context.territory(code), entries, period, output, by_folder)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _adopt_quietly(shared: tuple) -> None:
    ignore_interrupt()
    _Batch.adopt(shared)


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


def _write_indexes(territory: Territory, entries: list[dict], period, output: Path, by_folder: bool) -> None:
    """``index.html``: every draft; by folder (France): one index per folder, and the top
    index listing the folders with their counts."""
    if not by_folder:
        write_atomic(output / "index.html", _index(territory.name, entries, period).encode("utf-8"))
        return
    departements = territory.referential.departements
    folders: dict[str, list[dict]] = {}
    for entry in entries:
        folders.setdefault(entry["files"][0].split("/", 1)[0] if entry["files"] else "", []).append(entry)
    rows = []
    for folder, members in sorted(folders.items(), key=lambda item: (item[0] != EPCI_FOLDER, item[0])):
        relative = [{**e, "files": [f.split("/", 1)[1] for f in e["files"]]} for e in members]
        label = "EPCI" if folder == EPCI_FOLDER else f"{departements.at[folder, 'name']} ({folder})"
        content = _index(f"{territory.name} — {label}", relative, period, home="../index.html")
        (output / folder).mkdir(parents=True, exist_ok=True)
        write_atomic(output / folder / "index.html", content.encode("utf-8"))
        done = sum(1 for e in members if e["status"] == "ok")
        failed = sum(1 for e in members if e["status"] == "failed")
        rows.append(
            f'<tr><td><a href="{html.escape(folder)}/index.html">{html.escape(label)}</a></td>'
            f"<td>{len(members)}</td><td>{done}</td><td>{failed}</td></tr>"
        )
    write_atomic(
        output / "index.html",
        _page(
            f"Rapports triennaux — {territory.name}",
            f"<p>Projets de rapports, période du 1er janvier {period.start} au 31 décembre {period.end} : "
            f"{len(entries)} territoire(s), classés par dossier.</p>"
            "<table><thead><tr><th>dossier</th><th>territoires</th><th>rédigés</th><th>en échec</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>",
        ).encode("utf-8"),
    )


def _page(title: str, body: str) -> str:
    e = html.escape
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{writers.CSS}</style></head><body><main>"
        f"<h1>{e(title)}</h1>{body}</main></body></html>"
    )


def _index(name: str, entries: list[dict], period, *, home: str = "") -> str:
    e = html.escape
    rows = []
    for entry in entries:
        status = entry.get("status")
        if status == "ok":
            links = " · ".join(
                f'<a href="{e(file)}">{e(file.rsplit(".", 1)[1].upper())}</a>' for file in entry["files"]
            )
        elif status == "failed":
            links = f"échec : {e(entry.get('error') or '')}"
        else:
            links = "pas encore rédigé (relancez la commande)"
        rows.append(
            f"<tr><td>{e(entry['name'])}</td><td>{e(entry['code'])}</td><td>{e(entry['level'])}</td><td>{links}</td></tr>"
        )
    back = f'<p><a href="{e(home)}">Tous les dossiers</a></p>' if home else ""
    return _page(
        f"Rapports locaux de suivi de l'artificialisation — {name}",
        back + f"<p>Projets de rapports, période du 1er janvier {period.start} au 31 décembre {period.end} : "
        f"{len(entries)} territoire(s).</p>"
        "<table><thead><tr><th>territoire</th><th>code</th><th>niveau</th><th>documents</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>",
    )
