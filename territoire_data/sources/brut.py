"""Raw files as published: folders walked, zip archives (also zip in zip) and gzip opened.

A ``FichierBrut`` is one file to parse, wherever it sits: ``dossier/base.zip!base.CSV``
names a member of an archive. Content is read lazily, once.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

IGNORES = {".ds_store", "thumbs.db", "telechargements.json"}
SUFFIXES_IGNORES = (".pdf", ".html", ".htm", ".md", ".json.sha256", ".xml", ".xls~", ".part", ".lock")


@dataclass
class FichierBrut:
    chemin: str  # for messages: "dossier/a.zip!b.csv"
    nom: str  # base name of the innermost file
    _lire: Callable[[], bytes] = field(repr=False)
    _contenu: bytes | None = field(default=None, repr=False)

    def contenu(self) -> bytes:
        if self._contenu is None:
            self._contenu = self._lire()
        return self._contenu

    def liberer(self) -> None:
        self._contenu = None

    def sha256(self) -> str:
        return hashlib.sha256(self.contenu()).hexdigest()


def parcourir(chemins: list[Path | str]) -> Iterator[FichierBrut]:
    """Every file under the given paths, archives expanded, in a stable order."""
    for chemin in chemins:
        chemin = Path(chemin)
        if chemin.is_dir():
            for fichier in sorted(p for p in chemin.rglob("*") if p.is_file()):
                yield from _ouvrir(str(fichier), fichier.name, fichier.read_bytes)
        elif chemin.is_file():
            yield from _ouvrir(str(chemin), chemin.name, chemin.read_bytes)


def _ouvrir(chemin: str, nom: str, lire: Callable[[], bytes]) -> Iterator[FichierBrut]:
    minuscule = nom.lower()
    if minuscule in IGNORES or minuscule.startswith(".") or minuscule.endswith(SUFFIXES_IGNORES):
        return
    if minuscule.endswith(".zip"):
        contenu = lire()
        try:
            archive = zipfile.ZipFile(io.BytesIO(contenu))
        except zipfile.BadZipFile:
            yield FichierBrut(chemin, nom, lambda c=contenu: c)  # reported as unreadable later
            return
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            interne = info.filename.rsplit("/", 1)[-1]
            yield from _ouvrir(f"{chemin}!{info.filename}", interne, lambda a=archive, i=info: a.read(i))
    elif minuscule.endswith((".xlsx", ".xlsm")):
        yield from _feuilles(chemin, nom, lire())
    elif minuscule.endswith(".parquet"):
        yield from _parquet(chemin, nom, lire)
    elif minuscule.endswith(".gz"):
        yield from _ouvrir(chemin, nom[:-3], lambda: gzip.decompress(lire()))
    else:
        yield FichierBrut(chemin, nom, lire)


def _cellule(valeur) -> str:
    """A workbook cell as text: whole floats without ``.0``, no lost digits, one line."""
    if valeur is None or valeur == "":
        return ""
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else repr(valeur)
    if hasattr(valeur, "isoformat"):
        return valeur.isoformat()
    # Column labels of INSEE workbooks hold line breaks: a table line stays one line.
    return " ".join(str(valeur).split())


def _feuilles(chemin: str, nom: str, contenu: bytes) -> Iterator[FichierBrut]:
    """Each sheet of a workbook as a ``;``-separated text table (INSEE publishes some so).

    Read with calamine (≈ 15× faster than openpyxl on the 35,000 rows of the density grid),
    openpyxl as a fallback.
    """
    import csv

    try:
        from python_calamine import CalamineWorkbook

        classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        feuilles = [(nom_feuille, classeur.get_sheet_by_name(nom_feuille).to_python(skip_empty_area=False))
                    for nom_feuille in classeur.sheet_names]
    except Exception:  # noqa: BLE001 - calamine absent or refusing the file: openpyxl
        try:
            import openpyxl

            classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
            feuilles = [(f.title, f.iter_rows(values_only=True)) for f in classeur.worksheets]
        except Exception:  # noqa: BLE001 - not a workbook after all: reported as unreadable later
            yield FichierBrut(chemin, nom, lambda: contenu)
            return
    for titre, lignes in feuilles:
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\n")
        for ligne in lignes:
            ecrivain.writerow([_cellule(v) for v in ligne])
        texte = tampon.getvalue().encode("utf-8")
        yield FichierBrut(f"{chemin}!{titre}", f"{nom}!{titre}", lambda t=texte: t)


def _parquet(chemin: str, nom: str, lire: Callable[[], bytes]) -> Iterator[FichierBrut]:
    """A Parquet table as a ``;``-separated text table (the same readers then apply)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    contenu = lire()
    try:
        table = pq.read_table(pa.py_buffer(contenu))
    except (pa.ArrowException, OSError):
        yield FichierBrut(chemin, nom, lambda: contenu)  # reported as unreadable later
        return
    table = table.select([c for c in table.column_names if not c.startswith("__index_level_")])
    tampon = pa.BufferOutputStream()
    pacsv.write_csv(table, tampon, pacsv.WriteOptions(delimiter=";", quoting_style="needed"))
    texte = tampon.getvalue().to_pybytes()
    yield FichierBrut(chemin, nom, lambda: texte)
