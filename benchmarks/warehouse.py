"""Warehouse build, national scale: time and peak memory, against a plain-pandas baseline.

Synthetic official-shaped files of every source for the whole of France (the dossier
complet with ~1,900 columns) are written once, then built by ``territoire data build``
and, in the same run, processed by the plain-pandas baseline (benchmarks/pandas_baseline.py).
Each runs in its own process; peak memory is that process's maximum resident size.

Goals (issue #3): ≤ 60 s, ≤ 3 GB, ≥ 3× the baseline. Also prints `territoire data demo`
for the whole of France (generation + build; goal ≤ 2 min).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(command: list[str], env: dict) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (GB) of that child alone (wait4), and its stdout."""
    with tempfile.TemporaryFile("w+") as output, tempfile.TemporaryFile("w+") as errors:
        start = time.perf_counter()
        processes = subprocess.Popen(command, env=env, stdout=output, stderr=errors)
        _, status, usage = os.wait4(processes.pid, 0)
        duration = time.perf_counter() - start
        processes.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        errors.seek(0)
        if processes.returncode != 0:
            raise SystemExit(f"échec de {' '.join(command)} :\n{errors.read()[-3000:]}")
        return duration, usage.ru_maxrss / 1024 / 1024, output.read()


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        home = Path(os.environ.get("TERRITOIRE_HOME") or Path(temporary) / "home")
        env = {**os.environ, "TERRITOIRE_HOME": str(home), "TERRITOIRE_NO_PROGRESS": "1"}
        raw = Path(temporary) / "brut"
        generation = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from territoire_data import default_workspace; "
                "from territoire_data.demo import generate; "
                "generate(Path(sys.argv[1]), None, workspace=default_workspace(), dossier_columns=1900)",
                str(raw),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if generation.returncode != 0:
            raise SystemExit(generation.stderr[-3000:])
        size = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) / 1e6
        communes = Path(temporary) / "communes.parquet"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from territoire_data.core.referential import load_referential; "
                "load_referential().communes.to_parquet(sys.argv[1])",
                str(communes),
            ],
            env=env,
            check=True,
        )

        print("Construction nationale de l'entrepôt (fichiers synthétiques de toutes les sources)", flush=True)
        print(f"  fichiers bruts                       : {size:8.0f} Mo (dossier complet : 1 900 colonnes)", flush=True)
        duration, memory, _ = measure(
            [sys.executable, "-m", "territoire_data", "data", "build", "--raw", str(raw)], env
        )
        print(
            f"  territoire data build                : {duration:8.1f} s   pic {memory:5.2f} Go"
            f"   objectifs ≤ 60 s, ≤ 3 Go",
            flush=True,
        )
        start_demo = time.perf_counter()
        demo = subprocess.run(
            [sys.executable, "-m", "territoire_data", "data", "demo"], env=env, capture_output=True, text=True
        )
        duration_demo = time.perf_counter() - start_demo
        status = "ok" if demo.returncode == 0 else f"échec ({demo.stderr[-300:]})"
        print(
            f"  territoire data demo (France entière): {duration_demo:8.1f} s   objectif ≤ 120 s ({status})", flush=True
        )
        duration_base, memory_base, output_base = measure(
            [sys.executable, str(ROOT / "benchmarks" / "pandas_baseline.py"), str(raw), str(communes)], env
        )
        print(
            f"  base pandas simple                   : {duration_base:8.1f} s   pic {memory_base:5.2f} Go"
            f"   (traitement interne {float(output_base.strip()):.1f} s)"
        )
        print(f"  rapport base / territoire            : {duration_base / duration:8.1f} ×   objectif ≥ 3 ×")


if __name__ == "__main__":
    main()
