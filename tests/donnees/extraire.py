"""Rebuild the small real extracts of ``tests/donnees`` from ``../shared/realdata``.

Run from the repository root: ``python tests/donnees/extraire.py [REALDATA]``. Text files are
copied line by line, as published (encoding, separators, quotes and line endings kept):
the header line(s), then the lines of the communes the tests need. The Etalab JSON and the
Sitadel Parquet table are re-serialised after filtering (see README.md).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq

ICI = Path(__file__).resolve().parent
DEPARTEMENTS = ("15", "33", "72", "976")
AUTRES = {"27058", "27676", "60054", "60694", "85084", "85165", "85212", "14666", "14712", "75056", "69123",
          "13055", "13201", "75115", "69383"}


def garder(code: str) -> bool:
    code = code.strip('"')
    return code.startswith(DEPARTEMENTS) or code in AUTRES or code.startswith(("751", "6938", "132"))


def lignes(source: Path, cible: Path, *, entetes: int = 1, separateur: bytes = b";", limite: int | None = None,
           filtre=garder, champ: int = 0) -> None:
    cible.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as entree, open(cible, "wb") as sortie:
        n = 0
        for i, ligne in enumerate(entree):
            if i < entetes:
                sortie.write(ligne)
                continue
            if filtre(ligne.split(separateur)[champ].decode("utf-8", "replace").strip('"')):
                sortie.write(ligne)
                n += 1
                if limite is not None and n >= limite:
                    break


def main(realdata: Path) -> None:
    shutil.copytree(realdata / "formats_reels", ICI / "formats_reels", dirs_exist_ok=True)
    lignes(realdata / "insee_comparateur/base_cc_comparateur.CSV", ICI / "insee_comparateur/base_cc_comparateur.CSV")
    lignes(realdata / "insee_comparateur/meta_base_cc_comparateur.CSV",
           ICI / "insee_comparateur/meta_base_cc_comparateur.CSV", limite=40, filtre=lambda c: True)
    lignes(realdata / "insee_filosofi/cc_filosofi_2021_COM.csv", ICI / "insee_filosofi/cc_filosofi_2021_COM.csv")
    # v_commune: every field quoted, key (TYPECOM, COM): filter on the second field.
    cible = ICI / "insee_cog/v_commune_2026.csv"
    cible.parent.mkdir(parents=True, exist_ok=True)
    with open(realdata / "insee_cog/v_commune_2026.csv", "rb") as entree, open(cible, "wb") as sortie:
        for i, ligne in enumerate(entree):
            if i == 0 or garder(ligne.split(b",")[1].decode().strip('"')):
                sortie.write(ligne)
    lignes(realdata / "comparateur_derive/communes.csv", ICI / "comparateur_derive/communes.csv", separateur=b",")
    for nom, champ in (("dvf2023.csv", 1), ("dvf2024.csv", 0)):  # 2023 starts with R's row index
        lignes(realdata / "dvf_indicateurs" / nom, ICI / "dvf_indicateurs" / nom, separateur=b",", limite=20,
               filtre=lambda c: c.startswith(("01", "33")), champ=champ)
    with open(realdata / "dvf_indicateurs/dvf2024.csv", "rb") as entree, \
            open(ICI / "dvf_indicateurs/dvf2024.csv", "ab") as sortie:
        sortie.writelines(l for l in entree if l.startswith(b"NA,"))
    lignes(realdata / "sitadel_idf/sitadel_idf_dept.csv", ICI / "sitadel_idf/sitadel_idf_dept.csv", separateur=b",",
           filtre=lambda a: a in ("2022", "2023", "2024"))
    table = pq.read_table(realdata / "sitadel_idf/sitadel_idf_communes.parquet").to_pandas()
    table = table[table["code_com"].isin(["75056", "75101", "75115", "93066", "91228"])]
    table.to_parquet(ICI / "sitadel_idf/sitadel_idf_communes.parquet")
    communes = json.loads((realdata / "etalab_decoupage/communes.json").read_text(encoding="utf-8"))
    choisies = [c for c in communes if garder(c["code"])]
    (ICI / "etalab_decoupage").mkdir(exist_ok=True)
    (ICI / "etalab_decoupage/communes.json").write_text(json.dumps(choisies, ensure_ascii=False, separators=(",", ":")),
                                                       encoding="utf-8")
    (ICI / "cadastre").mkdir(exist_ok=True)
    for couche in ("parcelles", "batiments"):
        source = realdata / f"cadastre/cadastre-33440-{couche}.json"
        (ICI / f"cadastre/cadastre-33440-{couche}.json.gz").write_bytes(
            gzip.compress(source.read_bytes(), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ICI.parents[2] / "shared" / "realdata")
