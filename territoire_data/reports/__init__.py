"""Batch reports: one portrait per commune of a territory, plus the group's, in one command.

``produce`` runs the tasks of ``plan.taches`` on warm worker processes (``zygote``) on this
machine, or on a Dask cluster, writes each report atomically as soon as it is done, keeps
``manifest.json`` (code, status, duration, input fingerprint, error message) up to date
after every report and writes ``index.html``. A report whose inputs are unchanged is not
redone (unless ``force``); a failing report is recorded and the others go on.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from territoire_data.files import write_atomic
from territoire_data.progress import bar
from territoire_data.reports.execution import ReportResult, Task
from territoire_data.reports.index import index_page, manifest_json
from territoire_data.workspace import Workspace

if TYPE_CHECKING:
    from territoire_data.reports.zygote import Zygote

MANIFEST = "manifest.json"
__all__ = ["write_atomic"]  # kept importable from here for existing callers


def read_manifest(output: Path) -> dict:
    import json

    try:
        return json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class BatchSummary:
    output: Path
    done: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    duration_s: float = 0.0
    interrupted: bool = False

    @property
    def partial(self) -> bool:
        return bool(self.failures) or self.interrupted


class _Registry:
    """The batch's manifest, rewritten (atomically) after every report."""

    def __init__(self, output: Path, tasks: list[Task], title: str, previous: dict, warehouse):
        self.output, self.title, self.warehouse = output, title, warehouse
        former_codes = {r["code"]: r for r in previous.get("reports", [])}
        self.inputs = {
            t.code: former_codes.get(
                t.code,
                {
                    "code": t.code,
                    "name": t.name,
                    "file": t.file,
                    "status": "pending",
                    "duration_s": None,
                    "fingerprint": None,
                    "message": "",
                },
            )
            for t in tasks
        }
        for t in tasks:
            self.inputs[t.code]["name"] = t.name
        self.header = {
            "schema": 1,
            "title": title,
            "demo": warehouse.demo,
            "warehouse": warehouse.manifest.get("built_at"),
            "notebook": tasks[0].notebook if tasks else None,
        }

    def record(self, result: ReportResult) -> None:
        self.inputs[result.code].update(
            status=result.status,
            duration_s=round(result.duration_s, 3),
            fingerprint=result.fingerprint if result.status == "ok" else None,
            message=result.message,
            file=result.file,
            date=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def write(self) -> None:
        manifest = {
            **self.header,
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "reports": list(self.inputs.values()),
        }
        write_atomic(self.output / MANIFEST, manifest_json(manifest))

    def write_index(self) -> None:
        page = index_page(list(self.inputs.values()), self.warehouse.matrix, title=self.title, demo=self.warehouse.demo)
        write_atomic(self.output / "index.html", page.encode("utf-8"))


def _redo(task: Task, inbound: dict, output: Path) -> bool:
    return not (
        inbound.get("status") == "ok"
        and inbound.get("fingerprint") == task.fingerprint
        and (output / task.file).is_file()
    )


def _local(tasks: list[Task], workers: int, departements: list[str], example: str | None, codes: list[str]):
    """Yield results as they come, from ``workers`` warm processes of this machine."""
    from territoire_data.reports.zygote import Zygote

    file_tasks: queue.Queue = queue.Queue()
    for task in tasks:
        file_tasks.put(task)
    results: queue.Queue = queue.Queue()
    zygotes: list[Zygote] = []
    stop = threading.Event()

    def work() -> None:
        try:
            zygote = Zygote(tasks[0].home, departements, example=example, codes=codes)
        except Exception as error:
            results.put(error)
            return
        zygotes.append(zygote)
        try:
            while not stop.is_set():
                try:
                    task = file_tasks.get_nowait()
                except queue.Empty:
                    return
                results.put(zygote.run_task(task))
        except Exception as error:
            if not stop.is_set():
                results.put(error)
        finally:
            results.put(None)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, min(workers, len(tasks))))]
    for f in threads:
        f.start()
    active = len(threads)
    try:
        while active:
            element = results.get()
            if element is None:
                active -= 1
            elif isinstance(element, Exception):
                raise element
            else:
                yield element
    finally:
        stop.set()
        for zygote in list(zygotes):
            zygote.close(hard=True)


def run_remote(
    task: Task, departements: tuple[str, ...], example: str | None, codes: tuple[str, ...] = ()
) -> ReportResult:
    """Run on a Dask worker: through that worker process's own warm zygote."""
    from territoire_data.reports.zygote import Zygote

    global _REMOTE_ZYGOTE
    if _REMOTE_ZYGOTE is None or _REMOTE_ZYGOTE.processes.poll() is not None:
        _REMOTE_ZYGOTE = Zygote(task.home, list(departements), example=example, codes=list(codes))
    return _REMOTE_ZYGOTE.run_task(task)


# The warm worker of this Dask worker process (process state, not a cache: it is a process).
_REMOTE_ZYGOTE: Zygote | None = None


def _dask(tasks: list[Task], address: str, departements: list[str], example: str | None, codes: list[str]):
    from distributed import Client, as_completed

    with Client(address, timeout="30s") as client:
        futures = [
            client.submit(
                run_remote,
                t,
                tuple(departements),
                example,
                tuple(codes),
                pure=False,
                key=f"rapport-{t.code}-{t.fingerprint[:12]}",
            )
            for t in tasks
        ]
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as error:
                    task = tasks[futures.index(future)]
                    yield ReportResult(
                        task.code,
                        task.file,
                        task.fingerprint,
                        "error",
                        0.0,
                        message=f"Échec sur le cluster Dask : {error}",
                    )
        finally:
            client.cancel([f for f in futures if not f.done()])


def produce_reports(
    tasks: list[Task],
    output: Path,
    *,
    title: str,
    workspace: Workspace,
    workers: int = 2,
    scheduler: str | None = None,
    force: bool = False,
    callback=None,
) -> BatchSummary:
    """Make the reports of ``tasks`` in ``output`` (see the module docstring)."""
    start = time.perf_counter()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    register = _Registry(output, tasks, title, read_manifest(output), workspace.warehouse)
    summary = BatchSummary(output)
    do = [t for t in tasks if force or _redo(t, register.inputs[t.code], output)]
    summary.unchanged = len(tasks) - len(do)
    register.write()
    ref = workspace.referential
    departements = sorted({ref.communes.at[t.code, "departement"] for t in tasks if t.code in ref.communes.index})
    example = next((t.code for t in tasks if t.code in ref.communes.index), None)
    shown = bar(total=len(do), desc="Rapports", unit=" rapport", enabled=workspace.settings.progress and bool(do))
    source = None
    try:
        if do:
            codes = [t.code for t in do if not t.code.startswith("liste:")]
            source = (
                _dask(do, scheduler, departements, example, codes)
                if scheduler
                else _local(do, workers, departements, example, codes)
            )
            for result in source:
                if result.status == "ok":
                    write_atomic(output / result.file, result.content)
                    summary.done += 1
                else:
                    summary.failures.append((result.code, result.message))
                register.record(result)
                register.write()
                shown.update(1)
                if callback is not None:
                    callback(result)
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        if source is not None:
            source.close()  # stops the workers (and a report in progress) now
        shown.close()
        register.write()
        register.write_index()
        summary.duration_s = time.perf_counter() - start
    return summary
