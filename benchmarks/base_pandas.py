"""Plain-pandas baseline for the warehouse build benchmark (run by benchmarks/entrepot.py).

What one writes without territoire's parsers: ``pd.read_csv`` of every table with default
type inference, INSEE wide tables melted to long form, values converted with
``pd.to_numeric``, then group sums with ``groupby`` and five rates computed from them.
Usage: ``python benchmarks/base_pandas.py DOSSIER_BRUT FICHIER_COMMUNES.parquet``.
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


def tables(dossier: Path):
    for chemin in sorted(p for p in dossier.rglob("*") if p.is_file()):
        if chemin.suffix == ".zip":
            with zipfile.ZipFile(chemin) as archive:
                for nom in archive.namelist():
                    yield nom, archive.read(nom)
        elif chemin.suffix == ".gz":
            yield chemin.name, gzip.decompress(chemin.read_bytes())
        elif chemin.suffix == ".csv":
            yield chemin.name, chemin.read_bytes()


def main() -> None:
    dossier, communes = Path(sys.argv[1]), pd.read_parquet(sys.argv[2]).reset_index(drop=True)
    departement = communes.set_index("code")["departement"]
    debut = time.perf_counter()
    par_commune, par_departement = [], []
    for nom, contenu in tables(dossier):
        texte = contenu.decode("utf-8-sig", errors="replace")
        separateur = ";" if texte[:2000].count(";") > texte[:2000].count(",") else ","
        cadre = pd.read_csv(io.StringIO(texte), sep=separateur, low_memory=False)
        if "CODGEO" in cadre.columns and "DCLT" not in cadre.columns:  # INSEE wide tables
            long = cadre.melt(id_vars="CODGEO", var_name="colonne", value_name="valeur")
            long["valeur"] = pd.to_numeric(long["valeur"].astype(str).str.replace(",", "."), errors="coerce")
            long["variable"] = long["colonne"].map(lambda c: re.sub(r"\d\d", "", c, count=1))
            long["annee"] = long["colonne"].str.extract(r"(\d\d)")[0]
            long["departement"] = long["CODGEO"].map(departement)
            par_departement.append(long.groupby(["departement", "variable", "annee"])["valeur"].sum())
            par_commune.append(long.rename(columns={"CODGEO": "code"})[["code", "variable", "annee", "valeur"]])
    sommes = pd.concat(par_departement).groupby(level=[0, 1, 2]).sum().unstack("variable")
    larges = pd.concat(par_commune).pivot_table(index=["code", "annee"], columns="variable", values="valeur",
                                                 aggfunc="first")
    for cadre in (larges, sommes):
        cadre["taux_chomage"] = 100 * cadre.get("P_CHOM1564") / cadre.get("P_ACT1564")
        cadre["vacants"] = 100 * cadre.get("P_LOGVAC") / cadre.get("P_LOG")
    duree = time.perf_counter() - debut
    print(f"{duree:.2f}")


if __name__ == "__main__":
    main()
