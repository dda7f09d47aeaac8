"""A national run: the portrait of every territory of France as one static site.

``plan`` lists every commune, EPCI, SCoT, département, région and France (or those of some
départements); ``run`` writes each page with the direct engine (``reports.direct``: the
portrait notebook without a kernel) in forked worker processes that share the warehouse
read once by the parent, then the indexes and the search. Layout of the output folder::

    index.html                    search box, levels, régions and départements
    france.html, regions/R.html, departements/D.html, epci/SIREN.html, scot/NOM.html
    communes/D/CODE.html          one page per commune
    departements/D-communes.html  the communes of a département, with key figures
    regions/R-communes.html       the communes of a région, with key figures
    epci/index.html, scot/index.html, departements/index.html, regions/index.html
    partage/                      written once: style, département maps, definitions, search index
    manifest.json                 every page: fingerprint, status, duration, message

Resumable: a page whose inputs (warehouse, notebook, parameters) are unchanged and whose file
is there is not redone; the manifest is rewritten (atomically) every few seconds and on
Ctrl-C, so an interrupted run loses only the pages in flight.

On more machines (``scheduler``, the address of a Dask scheduler): each Dask worker reads
the warehouse once (``remote.SiteWorker``, a worker plugin: the workers need the workspace's
folder at the same path, not the output) and sends back the pages it writes; this process
writes them, the shared files and the indexes, exactly as a local run does.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
import time
from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from territoire_data.errors import TerritoireError
from territoire_data.files import write_atomic
from territoire_data.progress import Checkpoint, bar, ignore_interrupt
from territoire_data.reports import MANIFEST, read_manifest, site
from territoire_data.reports.plan import NOTEBOOK, shared_inputs
from territoire_data.reports.site_page import SHARED, Job, Outcome, Page, rendered, written
from territoire_data.text.places import without_accents

SCHEMA = 1  # bump when the site's layout or pages change: every page is redone
SAVE_EVERY_S = 5.0
LEVEL_FOLDERS = {"france": "", "region": "regions", "departement": "departements", "epci": "epci", "scot": "scot"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", without_accents(text).casefold()).strip("-")[:80] or "sans-nom"


def plan(
    workspace, departements: list[str] | None = None, *, notebook: Path = NOTEBOOK, peers: str = "densite"
) -> list[Page]:
    """Every territory's page (communes first, then EPCI, SCoT, départements, régions, France)
    with the fingerprint of its inputs (warehouse, notebook, peer group); ``departements``:
    only theirs (and their groups)."""
    ref = workspace.referential
    communes = ref.communes
    if departements:
        unknown = [d for d in departements if d not in ref.departements.index]
        if unknown:
            raise TerritoireError(f"Départements inconnus : {', '.join(unknown)}.")
        communes = communes[communes["departement"].isin(departements)]
    pages: list[Page] = []
    for code, name, dep in zip(communes.index, communes["name"], communes["departement"]):
        pages.append(Page(str(code), str(name), "commune", str(dep), f"communes/{dep}/{code}.html"))
    epcis = sorted(set(communes["epci"].dropna().astype(str)) & set(ref.epci.index.astype(str)))
    pages += [Page(f"epci:{s}", str(ref.epci.at[s, "name"]), "epci", "", f"epci/{s}.html") for s in epcis]
    members = workspace.warehouse.scot_members
    if members is not None and len(members):
        inside = members[members["code"].astype(str).isin(communes.index)]
        for name in sorted(inside["scot"].dropna().astype(str).unique()):
            pages.append(Page(f"scot:{name}", name, "scot", "", f"scot/{_slug(name)}.html"))
    deps = sorted(set(communes["departement"].dropna().astype(str)))
    pages += [
        Page(f"dep:{d}", str(ref.departements.at[d, "name"]), "departement", d, f"departements/{d}.html") for d in deps
    ]
    regions = sorted({str(ref.departements.at[d, "region"]) for d in deps} & set(ref.regions.index.astype(str)))
    pages += [Page(f"reg:{r}", str(ref.regions.at[r, "name"]), "region", "", f"regions/{r}.html") for r in regions]
    pages.append(Page("france", "France", "france", "", "france.html"))
    inputs = {**shared_inputs(notebook, workspace.warehouse), "schema": SCHEMA, "peers": peers}
    base = json.dumps(inputs, sort_keys=True)
    return [
        Page(p.code, p.name, p.level, p.departement, p.path, hashlib.sha256(f"{base}|{p.code}".encode()).hexdigest())
        for p in pages
    ]


# -- worker side (forked from the parent, which has read the warehouse) ---------------------


def _write_pages(job: Job, pages: list[Page]) -> list[Outcome]:
    from territoire_data.reports import direct

    cells = direct.compiled(job.notebook)
    return [written(job.output, *rendered(cells, job.peers, p)) for p in pages]


# -- parent side ------------------------------------------------------------------------------


@dataclass
class NationalSummary:
    output: Path
    pages: int = 0
    done: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    duration_s: float = 0.0
    interrupted: bool = False
    size_bytes: int = 0

    @property
    def pages_per_s(self) -> float:
        return self.done / self.duration_s if self.duration_s else 0.0


def run(
    workspace,
    output: Path,
    *,
    departements: list[str] | None = None,
    workers: int = 2,
    force: bool = False,
    peers: str = "densite",
    notebook: Path = NOTEBOOK,
    chunk: int = 16,
    progress: bool = True,
    stop_after: int | None = None,
    scheduler: str | None = None,
) -> NationalSummary:
    """Write the site; returns what was done. ``scheduler``: a Dask scheduler's address, to
    write the pages on its workers (``workers`` is then unused). ``stop_after``: stop (as a
    Ctrl-C would) once that many pages are written — for tests of resumption."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    pages = plan(workspace, departements, notebook=notebook, peers=peers)
    previous = {r["path"]: r for r in read_manifest(output).get("pages", [])}
    records = {p.path: previous.get(p.path, {"path": p.path, "status": "pending"}) | _described(p) for p in pages}
    todo = [
        p
        for p in pages
        if force
        or not (
            records[p.path].get("status") == "ok"
            and records[p.path].get("fingerprint") == p.fingerprint
            and (output / p.path).is_file()
        )
    ]
    summary = NationalSummary(output, len(pages), unchanged=len(pages) - len(todo))
    site.write_shared(workspace, output / SHARED, pages, notebook=notebook, peers=peers)
    start = time.perf_counter()

    def save() -> None:
        manifest = {
            "schema": SCHEMA,
            "demo": workspace.warehouse.demo,
            "warehouse": workspace.warehouse.manifest.get("built_at"),
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "pages": list(records.values()),
        }
        write_atomic(output / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=0))

    from territoire_data.workspace import set_default_workspace

    # The notebook's cells read the package's default workspace: this one, in every worker.
    former = set_default_workspace(workspace)
    checkpoint = Checkpoint(save, every_s=SAVE_EVERY_S, stop_after=stop_after)
    pool = None
    results: Iterator[list[Outcome]] = iter(())
    progress_bar = bar(total=len(todo), desc="Site national", unit="page", enabled=progress)
    try:
        job = Job(output, str(Path(notebook).resolve()), peers)
        batches = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        if todo and scheduler:
            from territoire_data.reports import remote

            results = remote.pages(scheduler, workspace, job, batches)
        elif todo:
            _prepare(workspace, todo)
            pool = multiprocessing.get_context("fork").Pool(max(1, workers), initializer=ignore_interrupt)
            results = pool.imap_unordered(partial(_write_pages, job), batches)
        for outcomes in results:
            for outcome in outcomes:
                records[outcome.path].update(
                    status=outcome.status,
                    fingerprint=outcome.fingerprint if outcome.status == "ok" else None,
                    duration_s=round(outcome.duration_s, 3),
                    message=outcome.message,
                )
                if outcome.status == "ok":
                    summary.done += 1
                else:
                    summary.failures.append((outcome.path, outcome.message))
            progress_bar.update(len(outcomes))
            checkpoint.reached(summary.done)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if isinstance(results, Generator):
            results.close()  # a Dask run: cancels what the cluster has not done
        progress_bar.close()
        summary.duration_s = time.perf_counter() - start
        save()
        site.write_indexes(workspace, output, pages, records)
        set_default_workspace(former)
    summary.size_bytes = sum(f.stat().st_size for f in output.rglob("*") if f.is_file())
    return summary


def _described(page: Page) -> dict:
    described = asdict(page)
    described.pop("fingerprint")
    return described


def _prepare(workspace, todo: list[Page]) -> None:
    """Read, once in the parent, what every page reads: forked workers share it (the
    département maps are already drawn: ``site.write_shared`` wrote them)."""
    warehouse = workspace.warehouse
    warehouse.latest  # noqa: B018
    warehouse.matrix_values  # noqa: B018
    codes = [p.code for p in todo]
    if codes:
        warehouse.preload(codes)
