"""The national site (``territoire reports --france``) on a département-stratified sample.

Warehouse: the real national files when ``../shared/realdata`` is there (built into a
temporary home on the national referential), else the demo home of ``$TERRITOIRE_HOME``
(said in the output). Sample: départements taken every k-th in code order until they hold
``SAMPLE`` communes (3,000 by default), with their EPCI, SCoT, région and France pages.

Printed: pages, pages/s on ``WORKERS`` processes, output size and per page, peak memory of
the run (parent and workers), and the extrapolation to every page of France at the same
pace and size. Baseline, measured in the same run: the batch runner (``territoire
reports``: Papermill's engine in warm forked processes, self-contained pages) on the
communes of the first sampled département; the ratio is the speed-up of the national path.

``python benchmarks/france.py [SAMPLE] [WORKERS] [--demo]`` (``--demo``: the demo home of
``$TERRITOIRE_HOME`` even when the real files are there — build it for all of France first,
``territoire data demo``).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdata"
ARGUMENTS = [a for a in sys.argv[1:] if not a.startswith("--")]
DEMO = "--demo" in sys.argv[1:]
SAMPLE = int(ARGUMENTS[0]) if ARGUMENTS else 3_000
WORKERS = int(ARGUMENTS[1]) if len(ARGUMENTS) > 1 else 2
GOAL_PAGES_PER_S, GOAL_GB, GOAL_MEMORY_GB = 30.0, 2.0, 4.0


def real_home(temporary: Path) -> Path | None:
    """A home with the warehouse built from the real national files, or None (``--demo``)."""
    if DEMO or not REAL.is_dir():
        return None
    home = temporary / "reel"
    source = Path(os.environ.get("TERRITOIRE_HOME", "")) / "referential"
    if source.is_dir():
        shutil.copytree(source, home / "referential")
    env = {**os.environ, "TERRITOIRE_HOME": str(home), "TERRITOIRE_NO_PROGRESS": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "territoire_data", "data", "build", "--raw", str(REAL)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"Entrepôt national construit depuis {REAL} en {time.perf_counter() - start:.0f} s")
    return home


def bench_workspace(temporary: Path):
    """(workspace, what its data are): the real national warehouse when the files are there,
    else the demo of ``$TERRITOIRE_HOME``."""
    from territoire_data.workspace import Workspace

    home = real_home(temporary)
    if home:
        return Workspace(home), "fichiers nationaux réels"
    return Workspace(), "démo" + ("" if DEMO else " (fichiers réels absents)")


def stratified(referential, wanted: int) -> list[str]:
    """Every k-th département (code order) until their communes reach ``wanted``."""
    counts = referential.communes.groupby("departement").size().sort_index()
    step = max(1, int(counts.sum() // max(wanted, 1)))
    chosen, total = [], 0
    for offset in range(step):
        for dep in counts.index[offset::step]:
            if dep not in chosen:
                chosen.append(dep)
                total += int(counts[dep])
            if total >= wanted:
                return sorted(chosen)
    return sorted(chosen)


def peak_gb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024 / 1024


def main() -> None:
    from territoire_data.reports import national, plan, produce_reports

    with tempfile.TemporaryDirectory(prefix="bench-france-") as folder:
        temporary = Path(folder)
        workspace, kind = bench_workspace(temporary)
        every = national.plan(workspace)
        departements = stratified(workspace.referential, SAMPLE)
        print(f"Données : {kind} ; {len(every)} pages pour toute la France")
        print(f"Échantillon : {len(departements)} départements ({', '.join(departements)})")

        start = time.perf_counter()
        summary = national.run(workspace, temporary / "site", departements=departements, workers=WORKERS, progress=True)
        wall = time.perf_counter() - start
        pages = summary.pages
        rate = pages / wall
        per_page = summary.size_bytes / max(pages, 1)
        france_min = len(every) / rate / 60
        france_gb = per_page * len(every) / 1e9
        print(
            f"Site national : {pages} pages en {wall:.1f} s sur {WORKERS} processus, {len(summary.failures)} échec(s)"
        )
        print(f"  débit                 : {rate:6.1f} pages/s (objectif ≥ {GOAL_PAGES_PER_S:.0f})")
        print(f"  taille                : {summary.size_bytes / 1e6:7.1f} Mo, {per_page / 1e3:.1f} ko par page")
        print(
            f"  mémoire (pic)         : {peak_gb():6.2f} Go (processus et travailleurs, objectif ≤ {GOAL_MEMORY_GB:.0f})"
        )
        print(
            f"  France extrapolée     : {len(every)} pages en {france_min:.1f} min, {france_gb:.2f} Go "
            f"(objectifs ≤ 20 min, ≤ {GOAL_GB:.0f} Go)"
        )

        # Baseline: the batch runner (Papermill engine, self-contained pages) on one département.
        first = departements[0]
        codes = sorted(workspace.referential.communes.index[workspace.referential.communes["departement"] == first])
        tasks = plan.tasks(codes, None, workspace=workspace)
        start = time.perf_counter()
        produce_reports(tasks, temporary / "lot", title="témoin", workspace=workspace, workers=WORKERS)
        baseline = len(tasks) / (time.perf_counter() - start)
        print(
            f"Témoin (territoire reports, même machine) : {baseline:.1f} pages/s sur {len(tasks)} communes du {first}"
        )
        print(f"  rapport au témoin     : {rate / baseline:.1f} × le débit")


if __name__ == "__main__":
    main()
