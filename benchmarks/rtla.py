"""Triennial reports for a whole département: the batch against drafting one report at a time.

Run against the current warehouse (``$TERRITOIRE_HOME``; ``territoire data demo`` first,
with Gironde). Formats ODT, DOCX, HTML and JSON.
- one at a time (baseline): what calling the single-report path per territory costs — each
  draft reads its own flows from the warehouse, one process — on a sample, extrapolated;
- batch: ``territoire rtla dep:33`` machinery — the flows of the département read once,
  drafts written by 2 forked processes — on every commune and EPCI.
Goal (issue #26): Gironde's 534 communes in ≤ 3 min on a 2-core machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

DEPARTEMENT = sys.argv[1] if len(sys.argv) > 1 else "33"
SAMPLE = 12
FORMATS = ["odt", "docx", "html", "json"]
PROCESSES = 2


def main() -> None:
    import resource

    from territoire_data import default_workspace
    from territoire_data.rtla import batch, figures, report

    workspace = default_workspace()
    territories = batch.territories_of(workspace, f"dep:{DEPARTEMENT}")
    communes = [t for t in territories if t.level == "commune"]
    with tempfile.TemporaryDirectory(prefix="bench-rtla-") as folder:
        start = time.perf_counter()
        for territory in communes[:SAMPLE]:
            ref = workspace.referential.communes
            pool = list(ref.index[ref["departement"] == DEPARTEMENT])
            flows = figures.Flows(workspace.warehouse, pool)
            draft = report.draft(workspace, territory.code, flows=flows)
            batch.write(draft, Path(folder), batch.file_stem(territory), FORMATS)
        one = (time.perf_counter() - start) / SAMPLE
    with tempfile.TemporaryDirectory(prefix="bench-rtla-") as folder:
        outcome = batch.run(
            workspace, f"dep:{DEPARTEMENT}", Path(folder), formats=FORMATS, workers=PROCESSES, progress=False
        )
        assert not outcome.failed, outcome.failed[:3]
        per_draft = outcome.seconds / max(outcome.done, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline = one * len(territories)
    print(
        f"département {DEPARTEMENT} : {len(communes)} communes et {len(territories) - len(communes)} EPCI, formats {', '.join(FORMATS)}"
    )
    print(f"un par un (échantillon de {SAMPLE}) : {one:.3f} s par rapport, soit {baseline:.0f} s estimées pour le lot")
    print(
        f"lot ({PROCESSES} processus) : {outcome.seconds:.1f} s ({per_draft:.3f} s par rapport), {outcome.done} rapports ; pic du parent {peak:.0f} Mo"
    )
    print(
        f"rapport au témoin : {baseline / outcome.seconds:.1f} × plus rapide ; objectif ≤ 180 s : {'tenu' if outcome.seconds <= 180 else 'NON TENU'}"
    )
    print(
        f"France entière (≈ 34 900 communes et 1 250 EPCI) à ce rythme : ≈ {per_draft * 36_150 / 3600:.1f} h sur {PROCESSES} cœurs"
    )


if __name__ == "__main__":
    main()
