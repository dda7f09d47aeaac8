"""Warehouse build, national scale: time and peak memory, against a plain-pandas baseline.

Synthetic official-shaped files of every source for the whole of France (the dossier
complet with ~1,900 columns) are written once, then built by ``territoire data build``
and, in the same run, processed by the plain-pandas baseline (benchmarks/base_pandas.py).
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

RACINE = Path(__file__).resolve().parents[1]


def mesurer(commande: list[str], env: dict) -> tuple[float, float, str]:
    """Wall time (s), peak RSS (GB) of that child alone (wait4), and its stdout."""
    with tempfile.TemporaryFile("w+") as sortie, tempfile.TemporaryFile("w+") as erreurs:
        debut = time.perf_counter()
        processus = subprocess.Popen(commande, env=env, stdout=sortie, stderr=erreurs)
        _, statut, usage = os.wait4(processus.pid, 0)
        duree = time.perf_counter() - debut
        processus.returncode = os.waitstatus_to_exitcode(statut)
        sortie.seek(0)
        erreurs.seek(0)
        if processus.returncode != 0:
            raise SystemExit(f"échec de {' '.join(commande)} :\n{erreurs.read()[-3000:]}")
        return duree, usage.ru_maxrss / 1024 / 1024, sortie.read()


def main() -> None:
    with tempfile.TemporaryDirectory() as temporaire:
        home = Path(os.environ.get("TERRITOIRE_HOME") or Path(temporaire) / "home")
        env = {**os.environ, "TERRITOIRE_HOME": str(home), "TERRITOIRE_SANS_PROGRESSION": "1"}
        brut = Path(temporaire) / "brut"
        generation = subprocess.run(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from territoire_data.demo import generer; "
             "generer(Path(sys.argv[1]), None, colonnes_dossier=1900)", str(brut)],
            env=env, capture_output=True, text=True)
        if generation.returncode != 0:
            raise SystemExit(generation.stderr[-3000:])
        taille = sum(p.stat().st_size for p in brut.rglob("*") if p.is_file()) / 1e6
        communes = Path(temporaire) / "communes.parquet"
        subprocess.run([sys.executable, "-c",
                        "import sys; from territoire_data.referential import charger; "
                        "charger().communes.to_parquet(sys.argv[1])", str(communes)], env=env, check=True)

        print("Construction nationale de l'entrepôt (fichiers synthétiques de toutes les sources)", flush=True)
        print(f"  fichiers bruts                       : {taille:8.0f} Mo (dossier complet : 1 900 colonnes)",
              flush=True)
        duree, memoire, _ = mesurer([sys.executable, "-m", "territoire_data", "data", "build", "--raw", str(brut)], env)
        print(f"  territoire data build                : {duree:8.1f} s   pic {memoire:5.2f} Go"
              f"   objectifs ≤ 60 s, ≤ 3 Go", flush=True)
        debut_demo = time.perf_counter()
        demo = subprocess.run([sys.executable, "-m", "territoire_data", "data", "demo"], env=env,
                              capture_output=True, text=True)
        duree_demo = time.perf_counter() - debut_demo
        statut = "ok" if demo.returncode == 0 else f"échec ({demo.stderr[-300:]})"
        print(f"  territoire data demo (France entière): {duree_demo:8.1f} s   objectif ≤ 120 s ({statut})",
              flush=True)
        duree_base, memoire_base, sortie_base = mesurer(
            [sys.executable, str(RACINE / "benchmarks" / "base_pandas.py"), str(brut), str(communes)], env)
        print(f"  base pandas simple                   : {duree_base:8.1f} s   pic {memoire_base:5.2f} Go"
              f"   (traitement interne {float(sortie_base.strip()):.1f} s)")
        print(f"  rapport base / territoire            : {duree_base / duree:8.1f} ×   objectif ≥ 3 ×")


if __name__ == "__main__":
    main()
