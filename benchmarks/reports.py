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
PROCESSUS = 2


def vanille(code: str) -> float:
    import papermill

    from territoire_data.rapports.page import page
    from territoire_data.rapports.plan import CARNET

    debut = time.perf_counter()
    nb = papermill.execute_notebook(str(CARNET), None, parameters={"code": code, "pairs": "densite"},
                                    kernel_name="python3", progress_bar=False, cwd=str(CARNET.parent))
    page(nb, code)
    return time.perf_counter() - debut


def main() -> None:
    from territoire_data.rapports import plan, produire
    from territoire_data.referential import charger

    communes = charger().communes
    codes = sorted(communes.index[communes["departement"] == "33"])[:N]
    debut = time.perf_counter()
    with ProcessPoolExecutor(PROCESSUS) as pool:
        durees = list(pool.map(vanille, codes))
    mur_vanille = time.perf_counter() - debut

    taches = plan.taches(codes, None)
    with tempfile.TemporaryDirectory(prefix="bench-rapports-") as dossier:
        arrivees: list[float] = []
        debut = time.perf_counter()
        bilan = produire(taches, Path(dossier), titre="banc d'essai", travailleurs=PROCESSUS, force=True,
                         rappel=lambda _r: arrivees.append(time.perf_counter()))
        mur_lot = time.perf_counter() - debut
    assert bilan.faits == N and not bilan.echecs

    par_rapport_vanille, par_rapport_lot = mur_vanille / N, mur_lot / N
    # Steady state: once the workers are warm (from the first report out to the last).
    regime = (arrivees[-1] - arrivees[0]) / (len(arrivees) - 1)
    print(f"Rapports : {N} communes de la Gironde, {PROCESSUS} processus, même carnet (notebooks/portrait.ipynb)")
    print(f"  papermill tel quel (un noyau par rapport)    : {par_rapport_vanille:6.3f} s/rapport "
          f"(durée d'un rapport seul : {sum(durees) / N:.2f} s)")
    print(f"  exécuteur de lots (démarrage compris)         : {par_rapport_lot:6.3f} s/rapport")
    print(f"  exécuteur de lots, régime établi              : {regime:6.3f} s/rapport "
          f"(démarrage des processus chauds : {arrivees[0] - debut:.1f} s)")
    print(f"  rapport de débit, démarrage compris           : {par_rapport_vanille / par_rapport_lot:6.1f} ×   objectif ≥ 10 ×")
    print(f"  rapport de débit, régime établi               : {par_rapport_vanille / regime:6.1f} ×")
    print(f"  Gironde (534 communes + groupe), estimation   : {arrivees[0] - debut + 535 * regime:6.0f} s   objectif ≤ 180 s")
    print(f"  estimation France entière (34 875 communes)   : {34_875 * regime / 3600:6.1f} h sur cette machine "
          f"({PROCESSUS} processus), {34_875 * par_rapport_vanille / 3600:.1f} h avec papermill tel quel")


if __name__ == "__main__":
    main()
