"""What a request costs the exchange service: the largest legal body, and hostile ones.

Runs the service's operations (``perform``, as the JupyterHub service does) on a fresh store:

- ``save_profile`` with the smallest legal body (the baseline, measured in the same run), and
  with the largest one (fifty tag items, each a list of commas, 3,000 bytes of description);
- the attack of the first audit: a 200 kB body of tags (refused by the operation's bounds);
- every operation with hostile arguments (``null``, 2⁸⁰, a million characters…), the slowest.

Goal (issue « round two »): a maximal legal body costs milliseconds, a hostile one less.
``python benchmarks/service.py``
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SOLAR = {
    "name": "Soleil d'Entre-deux-Mers",
    "siren": "123456782",
    "naf": "43.21A",
    "size_band": "11",
    "themes": ["energie"],
    "territories": ["33440"],
    "description": "Centrales solaires.",
}


def timed(call, repeat: int = 20) -> float:
    """Median wall time of ``call()`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    from territoire_data.core.referential import load_referential
    from territoire_data.discussions.space import DiscussionSpace
    from territoire_data.service.client import outcome_of
    from territoire_data.service.operations import MAX_ITEM, MAX_LIST, OPERATIONS, perform
    from territoire_data.settings import Settings
    from territoire_data.workspace import Workspace

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        load_referential(home, departements=["33"], progress=False)
        workspace = Workspace(home, settings=Settings.from_environment({**os.environ, "TERRITOIRE_HOME": folder}))
        workspace.store.upgrade()
        space = DiscussionSpace("solaire.lea", workspace=workspace)

        def run(name, arguments):
            return outcome_of(lambda: perform(space, name, arguments))

        smallest = timed(lambda: run("save_profile", SOLAR))
        item = ",".join(f"étiquette {i % 9}" for i in range(MAX_ITEM // 12))[:MAX_ITEM]
        largest = {**SOLAR, "description": "é" * 1_500, "tags": [item] * MAX_LIST}
        assert run("save_profile", largest)[0] == 200
        biggest = timed(lambda: run("save_profile", largest))
        attack = {**SOLAR, "tags": ["x" * 60] * 3_300}  # ≈ 200 kB, as in the audit
        assert run("save_profile", attack)[0] == 400
        refused = timed(lambda: run("save_profile", attack))
        hostile = [None, 2**80, "x" * 1_000_000, ["x" * 100_000] * 60]
        slowest, which = 0.0, ""
        for name, operation in OPERATIONS.items():
            if name in ("delete_account", "delete_profile"):
                continue
            base = {k: {int: 1, str: "33440", bool: True, list: ["energie"]}[v] for k, v in operation.required.items()}
            for parameter in {**operation.required, **operation.optional}:
                for value in hostile:
                    arguments = {**base, parameter: value}
                    start = time.perf_counter()
                    run(name, arguments)
                    spent = (time.perf_counter() - start) * 1000
                    if spent > slowest:
                        slowest, which = spent, f"{name} ({parameter})"
        workspace.close()
    print("Service d'échange : coût d'une requête (médiane sur 20)")
    print(f"  profil, corps minimal (témoin)            : {smallest:7.2f} ms")
    print(f"  profil, corps légal maximal               : {biggest:7.2f} ms   ({biggest / smallest:4.1f} × le témoin)")
    print(f"  profil, 200 ko d'étiquettes (refusé)      : {refused:7.2f} ms   ({refused / smallest:4.2f} × le témoin)")
    print(f"  pire opération aux arguments hostiles     : {slowest:7.2f} ms   ({which})")


if __name__ == "__main__":
    main()
