"""``indicators`` for one commune with its peers: warm latency per peer group.

Run against the current warehouse (``$TERRITOIRE_HOME``; build one with
``territoire data demo`` first). Baseline in the same run: the cold call (first query,
which loads the warehouse). Goal (issue #3): ≤ 50 ms warm.
"""

from __future__ import annotations

import statistics
import sys
import time

from territoire_data import territory
from territoire_data.core.peer_groups import GROUPS


def main(code: str = "33063") -> None:
    start = time.perf_counter()
    target = territory(code)
    target.indicators()
    cold = time.perf_counter() - start
    print(f"indicateurs {code} ({target.name}) — {len(target.indicators())} indicateurs")
    print(f"  premier appel (chargement de l'entrepôt) : {cold * 1000:7.1f} ms")
    worst = []
    for group in GROUPS:
        durations = []
        for _ in range(20):
            start = time.perf_counter()
            target.indicators(peers=group)
            durations.append(time.perf_counter() - start)
        median = statistics.median(durations) * 1000
        worst.append(median)
        print(
            f"  à chaud, pairs={group:<12}: médiane {median:6.1f} ms   objectif ≤ 50 ms"
            f"   (rapport froid / chaud {cold * 1000 / median:5.0f} ×)"
        )
    print(f"  pire médiane : {max(worst):.1f} ms")


if __name__ == "__main__":
    main(*sys.argv[1:])
