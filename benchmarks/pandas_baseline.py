"""Plain-pandas baseline for the warehouse build benchmark (run by benchmarks/warehouse.py).

What one writes without territoire's parsers: ``pd.read_csv`` of every table with default
type inference, INSEE wide tables melted to long form, values converted with
``pd.to_numeric``, then group sums with ``groupby`` and five rates computed from them.
Usage: ``python benchmarks/pandas_baseline.py DOSSIER_BRUT FICHIER_COMMUNES.parquet``.
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd


def tables(folder: Path):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield name, archive.read(name)
        elif path.suffix == ".gz":
            yield path.name, gzip.decompress(path.read_bytes())
        elif path.suffix == ".csv":
            yield path.name, path.read_bytes()


def main() -> None:
    folder, communes = Path(sys.argv[1]), pd.read_parquet(sys.argv[2]).reset_index(drop=True)
    departement = communes.set_index("code")["departement"]
    start = time.perf_counter()
    by_commune, by_departement = [], []
    for _name, content in tables(folder):
        text = content.decode("utf-8-sig", errors="replace")
        separator = ";" if text[:2000].count(";") > text[:2000].count(",") else ","
        frame = pd.read_csv(io.StringIO(text), sep=separator, low_memory=False)
        if "CODGEO" in frame.columns and "DCLT" not in frame.columns:  # INSEE wide tables
            long = frame.melt(id_vars="CODGEO", var_name="colonne", value_name="value")
            long["value"] = pd.to_numeric(long["value"].astype(str).str.replace(",", "."), errors="coerce")
            long["variable"] = long["colonne"].map(lambda c: re.sub(r"\d\d", "", c, count=1))
            long["year"] = long["colonne"].str.extract(r"(\d\d)")[0]
            long["departement"] = long["CODGEO"].map(departement)
            by_departement.append(long.groupby(["departement", "variable", "year"])["value"].sum())
            by_commune.append(long.rename(columns={"CODGEO": "code"})[["code", "variable", "year", "value"]])
    totals = pd.concat(by_departement).groupby(level=[0, 1, 2]).sum().unstack("variable")
    wide = pd.concat(by_commune).pivot_table(
        index=["code", "year"], columns="variable", values="value", aggfunc="first"
    )
    for frame in (wide, totals):
        frame["taux_chomage"] = 100 * frame.get("P_CHOM1564") / frame.get("P_ACT1564")
        frame["vacants"] = 100 * frame.get("P_LOGVAC") / frame.get("P_LOG")
    duration = time.perf_counter() - start
    print(f"{duration:.2f}")


if __name__ == "__main__":
    main()
