"""The national site on a Dask cluster (``territoire reports --france --scheduler``): the
figures behind the README's rule for sizing a real cluster.

A ``LocalCluster`` of single-threaded worker processes on this machine stands in for the
nodes (1 worker, then ``WORKERS``). Warehouse: the real national files when
``../shared/realdata`` is there, else the demo (said in the output). Sample: départements
taken every k-th until they hold ``SAMPLE`` communes, with their groups.

Printed, for each cluster size: pages/s, pages/s per worker, the time each worker takes to
read the warehouse (once per run), each worker's memory (resident, after the run), and the
client's own CPU per page (it receives and writes every page: the ceiling of any cluster
with one client; a ``LocalCluster`` also runs its scheduler in this process, so the figure
includes the scheduler's work and the ceiling is a lower bound) and its peak memory.
Baseline, measured in the same run: the forked local run (``--workers WORKERS``, no Dask)
on the same sample.

``python benchmarks/cluster.py [SAMPLE] [WORKERS] [--demo]``
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from france import bench_workspace, stratified

ARGUMENTS = [a for a in sys.argv[1:] if not a.startswith("--")]  # --demo: see france.py
SAMPLE = int(ARGUMENTS[0]) if ARGUMENTS else 1_000
WORKERS = int(ARGUMENTS[1]) if len(ARGUMENTS) > 1 else 2


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker_memory_gb(client) -> list[float]:
    import psutil

    return sorted(r / 1e9 for r in client.run(lambda: psutil.Process().memory_info().rss).values())


def on_cluster(workspace, output: Path, departements: list[str], workers: int) -> dict:
    from distributed import Client, LocalCluster

    from territoire_data.reports import national, read_manifest, remote

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        cpu, start = cpu_s(), time.perf_counter()
        summary = national.run(
            workspace,
            output,
            departements=departements,
            scheduler=cluster.scheduler_address,
            force=True,
            progress=False,
        )
        wall, cpu = time.perf_counter() - start, cpu_s() - cpu
        memory = worker_memory_gb(client)
        setup = client.run(lambda dask_worker: dask_worker.plugins[remote.PLUGIN].setup_s).values()
        durations = [p["duration_s"] for p in read_manifest(output)["pages"] if p.get("duration_s")]
    return {
        "pages": summary.pages,
        "failures": len(summary.failures),
        "wall": wall,
        "client_cpu_per_page": cpu / max(summary.done, 1),
        "memory": memory,
        "setup": max(setup),
        "page_s": sum(durations) / max(len(durations), 1),
    }


def main() -> None:
    from territoire_data.reports import national

    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        temporary = Path(folder)
        workspace, kind = bench_workspace(temporary)
        france = len(national.plan(workspace))
        departements = stratified(workspace.referential, SAMPLE)
        print(f"Données : {kind} ; échantillon : départements {', '.join(departements)}")

        start = time.perf_counter()
        local = national.run(
            workspace, temporary / "local", departements=departements, workers=WORKERS, force=True, progress=False
        )
        local_rate = local.pages / (time.perf_counter() - start)
        print(f"Témoin, processus locaux (--workers {WORKERS}) : {local.pages} pages, {local_rate:.1f} pages/s")

        for workers in sorted({1, WORKERS}):
            figures = on_cluster(workspace, temporary / f"dask-{workers}", departements, workers)
            rate = figures["pages"] / figures["wall"]
            ceiling = 1 / figures["client_cpu_per_page"] if figures["client_cpu_per_page"] else float("inf")
            print(
                f"Cluster Dask local, {workers} worker(s) à 1 fil : {figures['pages']} pages en {figures['wall']:.1f} s, "
                f"{figures['failures']} échec(s)"
            )
            print(f"  débit                 : {rate:6.1f} pages/s, {rate / workers:.1f} par worker")
            print(f"  rapport au témoin     : {rate / local_rate:.2f} ×")
            print(f"  page (moyenne worker) : {figures['page_s'] * 1000:6.1f} ms")
            print(f"  lecture de l'entrepôt : {figures['setup']:6.1f} s par worker, une fois par lancement")
            print(f"  mémoire par worker    : {', '.join(f'{m:.2f}' for m in figures['memory'])} Go")
            print(
                f"  client                : {figures['client_cpu_per_page'] * 1000:.1f} ms de calcul par page reçue "
                f"et écrite, plafond ≈ {ceiling:.0f} pages/s"
            )
            print(f"  France à ce débit     : {france / rate / 60:.1f} min pour {france} pages")
        client_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        print(f"Client (ce processus, lecture, fichiers communs, index) : pic {client_gb:.2f} Go")


if __name__ == "__main__":
    main()
