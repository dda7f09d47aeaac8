"""The national build on the real published files (``../shared/realdata``), with its summary.

Builds the warehouse from every real file of the shared folder (national comparateur,
Filosofi, COG, Etalab's découpage, DVF aggregates, Sitadel Île-de-France, the layout
extracts…) on a national referential, and prints ``territoire data build``'s own summary:
per source, the communes with a value, those not covered and why, and the publishers'
group figures that disagree with their communes.

Baseline, measured in the same run: the same build under the former rule, where a file
touching a département counted every commune it does not list as zero (obtained with a
coverage threshold of 0.01 %). The ratio is the cost of telling « non couvert » from zero;
the figures that rule would have turned into zeros are counted from the summary.

``python benchmarks/national_real.py [FOLDER]`` (default ``../shared/realdata``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "realdata"


def build(raw: Path, home: Path, env: dict) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (GB) of the build process, and its output."""
    with tempfile.TemporaryFile("w+") as output, tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "territoire_data", "data", "build", "--raw", str(raw)],
            env={**env, "TERRITOIRE_HOME": str(home)},
            stdout=output,
            stderr=errors,
        )
        _, status, usage = os.wait4(child.pid, 0)
        duration = time.perf_counter() - start
        output.seek(0)
        errors.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"échec de la construction :\n{errors.read()[-3000:]}")
        return duration, usage.ru_maxrss / 1024 / 1024, output.read()


def main() -> None:
    raw = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not raw.is_dir():
        print(f"Dossier des fichiers nationaux absent ({raw}) : mesure non faite.")
        return
    with tempfile.TemporaryDirectory() as temporary:
        env = {**os.environ, "TERRITOIRE_NO_PROGRESS": "1"}
        homes = [Path(temporary) / name for name in ("regle", "ancienne")]
        subprocess.run(
            [sys.executable, "-c", "from territoire_data.core.referential import load_referential as l; l()"],
            env={**env, "TERRITOIRE_HOME": str(homes[0])},
            check=True,
        )
        shutil.copytree(homes[0] / "referential", homes[1] / "referential")
        former = {**env, "TERRITOIRE_COVERAGE_COMMUNES": "0.0001", "TERRITOIRE_COVERAGE_POPULATION": "0.0001"}
        old_time, old_memory, _ = build(raw, homes[1], former)
        new_time, new_memory, output = build(raw, homes[0], env)
        manifest = json.loads((homes[0] / "warehouse" / "manifest.json").read_text(encoding="utf-8"))
        summary = manifest["summary"]
        partial = sum(
            n
            for source in summary["sources"].values()
            for reason, n in source["not_covered"].items()
            if reason.startswith("fichier partiel")
        )
        print(output)
        print(f"Construction nationale sur les fichiers réels ({raw})")
        print(f"  règle de couverture          : {new_time:6.1f} s, pic {new_memory:4.2f} Go")
        print(f"  ancienne règle (zéros)       : {old_time:6.1f} s, pic {old_memory:4.2f} Go")
        print(f"  rapport au témoin            : {new_time / old_time:6.2f} × le temps")
        print(f"  valeurs « non couvert » que l'ancienne règle aurait mises à zéro : {partial}")
        print(f"  valeurs de groupe publiées en désaccord (somme retenue)          : {len(summary['disagreements'])}")


if __name__ == "__main__":
    main()
