"""The national site's pages written on a Dask cluster (``territoire reports --france
--scheduler tcp://HÔTE:PORT``).

Each Dask worker process reads the warehouse once, when the ``SiteWorker`` plugin is set up
on it (and on any worker that joins later), compiles the notebook sent with the plugin, then
renders the batches of pages it is given and sends their HTML back; the client writes them
(``national.run``). So the workers need the workspace's folder (read-only: the warehouse and
the referential), at the client's path or else at their own ``TERRITOIRE_HOME``; they never need
the output folder. A worker whose warehouse is not the client's (another build) refuses to
write: the pages would carry a fingerprint of data they were not made from.

Run one thread per worker process (``dask worker --nthreads 1``): the portrait is pure
Python and holds the GIL; a worker started with more threads still renders one page at a
time (the plugin's lock), so its extra threads only wait.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from distributed import WorkerPlugin

from territoire_data.errors import TerritoireError
from territoire_data.reports.site_page import Job, Outcome, Page, rendered, written
from territoire_data.settings import HOME_VARIABLE

PLUGIN = "territoire-site-national"
CONNECT_TIMEOUT = "30s"


class SiteWorker(WorkerPlugin):
    """What one Dask worker process holds for the whole run: the workspace it read, the
    notebook's compiled cells and the lock that keeps its pages one at a time."""

    name = PLUGIN

    def __init__(self, home: str, built_at: str | None, notebook: str, codes: list[str]):
        self.home, self.built_at, self.notebook, self.codes = home, built_at, notebook, codes
        self.cells: tuple = ()
        self.lock = threading.Lock()
        self.setup_s = 0.0  # how long this worker took to read the warehouse (benchmarks)

    def __getstate__(self) -> dict:  # sent to the workers before ``setup``: no lock, no cells
        return {"home": self.home, "built_at": self.built_at, "notebook": self.notebook, "codes": self.codes}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def setup(self, worker) -> None:
        from territoire_data.reports import direct
        from territoire_data.workspace import Workspace, set_default_workspace

        start = time.perf_counter()
        home = self.home if Path(self.home).is_dir() else os.environ.get(HOME_VARIABLE, "")
        if not home or not Path(home).is_dir():
            raise TerritoireError(
                f"Le worker Dask {worker.address} ne trouve pas le dossier de travail {self.home} : montez-le au même "
                f"chemin ou donnez son chemin au worker par {HOME_VARIABLE}."
            )
        workspace = Workspace(home)
        warehouse = workspace.warehouse
        if warehouse.manifest.get("built_at") != self.built_at:
            raise TerritoireError(
                f"Le worker Dask {worker.address} lit un autre entrepôt (construit le "
                f"{warehouse.manifest.get('built_at')}) que le poste qui lance le site ({self.built_at})."
            )
        set_default_workspace(workspace)  # the notebook's cells read the package's default workspace
        warehouse.latest  # noqa: B018 - read once, here, for every page of this worker
        warehouse.matrix_values  # noqa: B018
        if self.codes:
            warehouse.preload(self.codes)
        self.cells = direct.compiled_text(self.notebook)
        self.setup_s = time.perf_counter() - start


def _render_batch(peers: str, pages: list[Page]) -> list[tuple[Outcome, str]]:
    """On a Dask worker: the batch's pages, with its ``SiteWorker``."""
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN]
    assert isinstance(plugin, SiteWorker)
    with plugin.lock:
        return [rendered(plugin.cells, peers, page) for page in pages]


def pages(address: str, workspace, job: Job, batches: list[list[Page]]) -> Iterator[list[Outcome]]:
    """The outcomes of ``batches``, in the order the cluster finishes them, each page written
    into ``job.output`` as it arrives; closing the iterator cancels what is left."""
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise TerritoireError(
            f"Ordonnanceur Dask injoignable à {address} (pas de réponse en {CONNECT_TIMEOUT}) : vérifiez l'adresse "
            "et que l'ordonnanceur est lancé (dask scheduler)."
        ) from error
    with client:
        notebook = Path(job.notebook).read_text(encoding="utf-8")
        codes = [p.code for batch in batches for p in batch]
        client.register_plugin(
            SiteWorker(str(workspace.home), workspace.warehouse.manifest.get("built_at"), notebook, codes)
        )
        futures = {
            client.submit(
                _render_batch, job.peers, batch, pure=False, key=f"pages-{n}-{batch[0].fingerprint[:12]}"
            ): batch
            for n, batch in enumerate(batches)
        }
        try:
            for future in as_completed(futures):
                batch = futures[future]
                try:
                    results = future.result()
                except Exception as error:  # a worker lost or failing: these pages are retried next run
                    message = f"Échec sur le cluster Dask : {error}"
                    yield [Outcome(p.path, "error", p.fingerprint, 0.0, message) for p in batch]
                    continue
                yield [written(job.output, outcome, content) for outcome, content in results]
        finally:
            client.cancel([f for f in futures if not f.done()])
