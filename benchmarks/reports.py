"""Batch reports: vanilla Papermill against the batch runner, same notebook, communes, processes.

Run against the current warehouse (``$TERRITOIRE_HOME``; ``territoire data demo`` first).
- vanilla: ``papermill.execute_notebook`` (a new kernel per report) then the same HTML
  conversion, in 2 processes;
- batch runner: ``territoire reports`` machinery (warm zygotes forking a clean child per
  report), 2 processes, start-up included.
Goal (issue #5): ≥ 10 × the vanilla throughput; the 534 communes of Gironde in ≤ 3 min.
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
PROCESSES = 2


def vanilla(code: str) -> float:
    import papermill

    from territoire_data.reports.page import page
    from territoire_data.reports.plan import NOTEBOOK

    start = time.perf_counter()
    nb = papermill.execute_notebook(
        str(NOTEBOOK),
        None,
        parameters={"code": code, "pairs": "densite"},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOK.parent),
    )
    page(nb, code)
    return time.perf_counter() - start


def main() -> None:
    from territoire_data import default_workspace
    from territoire_data.reports import plan, produce_reports

    workspace = default_workspace()
    communes = workspace.referential.communes
    codes = sorted(communes.index[communes["departement"] == "33"])[:N]
    start = time.perf_counter()
    with ProcessPoolExecutor(PROCESSES) as pool:
        durations = list(pool.map(vanilla, codes))
    wall_vanilla = time.perf_counter() - start

    tasks = plan.tasks(codes, None, workspace=workspace)
    with tempfile.TemporaryDirectory(prefix="bench-rapports-") as folder:
        arrivals: list[float] = []
        start = time.perf_counter()
        summary = produce_reports(
            tasks,
            Path(folder),
            title="banc d'essai",
            workspace=workspace,
            workers=PROCESSES,
            force=True,
            callback=lambda _r: arrivals.append(time.perf_counter()),
        )
        wall_batch = time.perf_counter() - start
    assert summary.done == N and not summary.failures

    by_report_vanilla, by_report_batch = wall_vanilla / N, wall_batch / N
    # Steady state: once the workers are warm (from the first report out to the last).
    steady = (arrivals[-1] - arrivals[0]) / (len(arrivals) - 1)
    print(f"Rapports : {N} communes de la Gironde, {PROCESSES} processus, même carnet (notebooks/portrait.ipynb)")
    print(
        f"  papermill tel quel (un noyau par rapport)    : {by_report_vanilla:6.3f} s/rapport "
        f"(durée d'un rapport seul : {sum(durations) / N:.2f} s)"
    )
    print(f"  exécuteur de lots (démarrage compris)         : {by_report_batch:6.3f} s/rapport")
    print(
        f"  exécuteur de lots, régime établi              : {steady:6.3f} s/rapport "
        f"(démarrage des processus chauds : {arrivals[0] - start:.1f} s)"
    )
    print(
        f"  rapport de débit, démarrage compris           : {by_report_vanilla / by_report_batch:6.1f} ×   objectif ≥ 10 ×"
    )
    print(f"  rapport de débit, régime établi               : {by_report_vanilla / steady:6.1f} ×")
    print(
        f"  Gironde (534 communes + groupe), estimation   : {arrivals[0] - start + 535 * steady:6.0f} s   objectif ≤ 180 s"
    )
    print(
        f"  estimation France entière (34 875 communes)   : {34_875 * steady / 3600:6.1f} h sur cette machine "
        f"({PROCESSES} processus), {34_875 * by_report_vanilla / 3600:.1f} h avec papermill tel quel"
    )


if __name__ == "__main__":
    main()
