"""Rebuild the small real extracts of ``tests/donnees`` from a folder of the national files
(a maintainer's tool: no test runs it, the extracts are committed with their provenance).

Run from the repository root: ``python tools/extract_test_data.py FOLDER``, where FOLDER holds
the published files laid out as listed in ``tests/donnees/README.md``. Text files are
copied line by line, as published (encoding, separators, quotes and line endings kept):
the header line(s), then the lines of the communes the tests need. The Etalab JSON and the
Sitadel Parquet table are re-serialised after filtering (see README.md). The cadastre of
Saint-Martial goes to the demo's package data (``territoire_data/demo/data/cadastre``).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "donnees"
CADASTRE = ROOT / "territoire_data" / "demo" / "data" / "cadastre"
DEPARTEMENTS = ("15", "33", "72", "976")
OTHERS = {
    "27058",
    "27676",
    "60054",
    "60694",
    "85084",
    "85165",
    "85212",
    "14666",
    "14712",
    "75056",
    "69123",
    "13055",
    "13201",
    "75115",
    "69383",
}


def keep(code: str) -> bool:
    code = code.strip('"')
    return code.startswith(DEPARTEMENTS) or code in OTHERS or code.startswith(("751", "6938", "132"))


def copy_lines(
    source: Path,
    target: Path,
    *,
    headers: int = 1,
    separator: bytes = b";",
    limit: int | None = None,
    wanted=keep,
    field: int = 0,
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as inbound, open(target, "wb") as outbound:
        n = 0
        for i, line in enumerate(inbound):
            if i < headers:
                outbound.write(line)
                continue
            if wanted(line.split(separator)[field].decode("utf-8", "replace").strip('"')):
                outbound.write(line)
                n += 1
                if limit is not None and n >= limit:
                    break


# Columns of the national comparateur kept for every commune (the national build test: France,
# every département and région, from the communes' sums).
NATIONAL_COLUMNS = ("CODGEO", "P18_POP", "NAIS1318", "P18_LOG", "P18_LOGVAC", "P18_CHOM1564", "P18_ACT1564")


def copy_columns(source: Path, target: Path, columns: tuple[str, ...]) -> None:
    """Every line of a ``;`` file with some of its columns, values and line endings as published,
    zipped (the reader opens the archive as it opens INSEE's own)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with open(source, "rb") as inbound:
        header = inbound.readline()
        names = header.rstrip(b"\r\n").split(b";")
        keep_at = [names.index(c.encode()) for c in columns]
        for line in [header, *inbound]:
            body = line.rstrip(b"\r\n")
            fields = body.split(b";")
            buffer.write(b";".join(fields[i] for i in keep_at) + line[len(body) :])
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(source.name, buffer.getvalue())


def main(realdata: Path) -> None:
    copy_columns(
        realdata / "insee_comparateur/base_cc_comparateur.CSV",
        HERE / "national/base_cc_comparateur_colonnes.zip",
        NATIONAL_COLUMNS,
    )
    # The communes that absorbed a commune of the comparateur since (Etalab's anciensCodes),
    # entries as published: the national build maps every former code.
    with open(realdata / "insee_comparateur/base_cc_comparateur.CSV", "rb") as inbound:
        published = {line.split(b";")[0].decode() for line in inbound}
    communes = json.loads((realdata / "etalab_decoupage/communes.json").read_text(encoding="utf-8"))
    merged = [c for c in communes if set(c.get("anciensCodes") or ()) & published]
    (HERE / "national/communes_fusionnees.json").write_text(
        json.dumps(merged, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    shutil.copytree(realdata / "formats_reels", HERE / "formats_reels", dirs_exist_ok=True)
    copy_lines(
        realdata / "insee_comparateur/base_cc_comparateur.CSV", HERE / "insee_comparateur/base_cc_comparateur.CSV"
    )
    copy_lines(
        realdata / "insee_comparateur/meta_base_cc_comparateur.CSV",
        HERE / "insee_comparateur/meta_base_cc_comparateur.CSV",
        limit=40,
        wanted=lambda c: True,
    )
    copy_lines(realdata / "insee_filosofi/cc_filosofi_2021_COM.csv", HERE / "insee_filosofi/cc_filosofi_2021_COM.csv")
    # v_commune: every field quoted, key (TYPECOM, COM): filter on the second field.
    for vintage in (2025, 2026):
        target = HERE / f"insee_cog/v_commune_{vintage}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(realdata / f"insee_cog/v_commune_{vintage}.csv", "rb") as inbound, open(target, "wb") as outbound:
            for i, line in enumerate(inbound):
                if i == 0 or keep(line.split(b",")[1].decode().strip('"')):
                    outbound.write(line)
    # IGN's boundaries of Gironde (areas checked against a geodesic computation): copied whole.
    (HERE / "geo_communes").mkdir(exist_ok=True)
    shutil.copyfile(
        realdata / "geo_communes/communes-33-cog2025.geojson", HERE / "geo_communes/communes-33-cog2025.geojson"
    )
    copy_lines(realdata / "comparateur_derive/communes.csv", HERE / "comparateur_derive/communes.csv", separator=b",")
    for name, field in (("dvf2023.csv", 1), ("dvf2024.csv", 0)):  # 2023 starts with R's row index
        copy_lines(
            realdata / "dvf_indicateurs" / name,
            HERE / "dvf_indicateurs" / name,
            separator=b",",
            limit=20,
            wanted=lambda c: c.startswith(("01", "33")),
            field=field,
        )
    with (
        open(realdata / "dvf_indicateurs/dvf2024.csv", "rb") as inbound,
        open(HERE / "dvf_indicateurs/dvf2024.csv", "ab") as outbound,
    ):
        outbound.writelines(line for line in inbound if line.startswith(b"NA,"))
    copy_lines(
        realdata / "sitadel_idf/sitadel_idf_dept.csv",
        HERE / "sitadel_idf/sitadel_idf_dept.csv",
        separator=b",",
        wanted=lambda year: year in ("2022", "2023", "2024"),
    )
    table = pq.read_table(realdata / "sitadel_idf/sitadel_idf_communes.parquet").to_pandas()
    table = table[table["code_com"].isin(["75056", "75101", "75115", "93066", "91228"])]
    table.to_parquet(HERE / "sitadel_idf/sitadel_idf_communes.parquet")
    communes = json.loads((realdata / "etalab_decoupage/communes.json").read_text(encoding="utf-8"))
    chosen = [c for c in communes if keep(c["code"])]
    (HERE / "etalab_decoupage").mkdir(exist_ok=True)
    (HERE / "etalab_decoupage/communes.json").write_text(
        json.dumps(chosen, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    # EPCI with at least one member commune among those kept (all their members listed).
    epcis = json.loads((realdata / "etalab_decoupage/epci.json").read_text(encoding="utf-8"))
    chosen = [e for e in epcis if any(keep(m["code"]) for m in e["membres"])]
    (HERE / "etalab_decoupage/epci.json").write_text(
        json.dumps(chosen, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    CADASTRE.mkdir(parents=True, exist_ok=True)
    for layer in ("parcelles", "batiments"):
        source = realdata / f"cadastre/cadastre-33440-{layer}.json"
        (CADASTRE / f"cadastre-33440-{layer}.json.gz").write_bytes(
            gzip.compress(source.read_bytes(), compresslevel=9, mtime=0)
        )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Utilisation : python tools/extract_test_data.py DOSSIER (les fichiers nationaux publiés)")
    main(Path(sys.argv[1]))
