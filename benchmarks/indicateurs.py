"""``indicateurs`` for one commune with its peers: warm latency per peer group.

Run against the current warehouse (``$TERRITOIRE_HOME``; build one with
``territoire data demo`` first). Baseline in the same run: the cold call (first query,
which loads the warehouse). Goal (issue #3): ≤ 50 ms warm.
"""

from __future__ import annotations

import statistics
import sys
import time

from territoire_data import territoire
from territoire_data.compare import GROUPES


def main(code: str = "33063") -> None:
    debut = time.perf_counter()
    cible = territoire(code)
    cible.indicateurs()
    froid = time.perf_counter() - debut
    print(f"indicateurs {code} ({cible.name}) — {len(cible.indicateurs())} indicateurs")
    print(f"  premier appel (chargement de l'entrepôt) : {froid * 1000:7.1f} ms")
    pires = []
    for groupe in GROUPES:
        durees = []
        for _ in range(20):
            debut = time.perf_counter()
            cible.indicateurs(pairs=groupe)
            durees.append(time.perf_counter() - debut)
        mediane = statistics.median(durees) * 1000
        pires.append(mediane)
        print(f"  à chaud, pairs={groupe:<12}: médiane {mediane:6.1f} ms   objectif ≤ 50 ms"
              f"   (rapport froid / chaud {froid * 1000 / mediane:5.0f} ×)")
    print(f"  pire médiane : {max(pires):.1f} ms")


if __name__ == "__main__":
    main(*sys.argv[1:])
