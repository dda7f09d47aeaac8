"""Source modules (one per publisher's file family) and recognition of raw files by content.

``lire_tout(chemins)`` walks folders and archives, recognises each file by its header
(never by its name), parses it and reports every file it skipped with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from territoire_data.archives import ArchiveLimits
from territoire_data.errors import FileError
from territoire_data.progress import bar
from territoire_data.sources import observations, tabular
from territoire_data.sources.agence_ore import AgenceOre, AgenceOreSectors
from territoire_data.sources.base import Reading, Source
from territoire_data.sources.cerema_naf import CeremaNaf
from territoire_data.sources.dgaln_scot import ScotPerimeters
from territoire_data.sources.dgfip_dvf import Dvf, DvfCommuneIndicators
from territoire_data.sources.etalab_decoupage import EtalabCommunes, EtalabReferential
from territoire_data.sources.insee_bpe import Bpe, BpeWideCommunal
from territoire_data.sources.insee_census import EmploymentCensus, HousingCensus, PopulationCensus
from territoire_data.sources.insee_cog import CogCommunes, CogMovements
from territoire_data.sources.insee_commute_flows import CommuteFlows
from territoire_data.sources.insee_comparateur import Comparateur, ComparateurCopy
from territoire_data.sources.insee_density_grid import DensityGrid
from territoire_data.sources.insee_dossier_complet import DossierComplet
from territoire_data.sources.insee_filosofi import FilosofiLong, FilosofiWide
from territoire_data.sources.ocsge_communes import OcsgeCommunes
from territoire_data.sources.odre_register import OdreRegister
from territoire_data.sources.raw import RawFile, walk
from territoire_data.sources.references import GeoLayer, InseeDictionary
from territoire_data.sources.sdes_sitadel import Sitadel, SitadelPermits

# Order matters where families overlap: the most specific first.
SOURCES: list[Source] = [
    DossierComplet(),
    Comparateur(),
    ComparateurCopy(),
    PopulationCensus(),
    HousingCensus(),
    EmploymentCensus(),
    FilosofiWide(),
    FilosofiLong(),
    CommuteFlows(),
    DensityGrid(),
    SitadelPermits(),
    Sitadel(),
    CeremaNaf(),
    OcsgeCommunes(),
    AgenceOre(),
    AgenceOreSectors(),
    OdreRegister(),
    Bpe(),
    BpeWideCommunal(),
    Dvf(),
    DvfCommuneIndicators(),
    ScotPerimeters(),
    CogCommunes(),
    CogMovements(),
    InseeDictionary(),
]
# JSON files: recognised by their structure.
JSON_SOURCES: list[Source] = [EtalabCommunes(), EtalabReferential(), GeoLayer()]


def label(name: str | None) -> str:
    """French label of a source id (``insee_comparateur`` → ``INSEE, base du comparateur…``)."""
    for source in [*SOURCES, *JSON_SOURCES]:
        if source.name == name:
            return source.label or name
    return name or ""


@dataclass
class FileRead:
    path: str
    source: str
    edition: str
    sha256: str
    rows: int


@dataclass
class Harvest:
    observations: pd.DataFrame
    files_read: list[FileRead] = field(default_factory=list)
    ignores: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    references: list[tuple[str, str]] = field(default_factory=list)  # (file, role): recognised, no observation
    remarks: list[str] = field(default_factory=list)
    movements: pd.DataFrame | None = None  # COG movements (old code → new code), when loaded
    restorations: pd.DataFrame | None = None  # restored communes (COG movements of type 21), when loaded
    # SCoT of each commune (``code``, ``scot``, ``official``): the official list's, else the Cerema file's.
    scot: pd.DataFrame | None = None
    postal_codes: pd.DataFrame | None = None  # code (commune), postal; from a file that carries them

    def add(self, other: Harvest | Reading, path: str | None = None) -> None:
        """Take in another collection (or one reading) except its observations."""
        for name in ("movements", "restorations"):
            table = getattr(other, name)
            if table is not None:
                setattr(self, name, pd.concat([getattr(self, name), table], ignore_index=True))
        if other.postal_codes is not None:
            tables = [t for t in (self.postal_codes, other.postal_codes) if t is not None]
            self.postal_codes = pd.concat(tables, ignore_index=True).drop_duplicates(ignore_index=True)
        if other.scot is not None:
            combined = pd.concat([t for t in (self.scot, other.scot) if t is not None], ignore_index=True)
            combined["official"] = combined.get("official", pd.Series(False, index=combined.index))
            combined["official"] = combined["official"].fillna(False).astype(bool)
            # The official list wins over the Cerema file's column, whatever the order files are read in.
            self.scot = combined.sort_values("official", kind="stable").drop_duplicates("code", keep="last")
        self.remarks += other.remarks
        if isinstance(other, Harvest):
            self.files_read += other.files_read
            self.ignores += other.ignores
            self.references += other.references


def _json(file: RawFile):
    """The parsed JSON of a file that starts like JSON, else None."""
    import json

    start = file.content()[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] not in (b"[", b"{"):
        return None
    try:
        return json.loads(file.content())
    except (ValueError, UnicodeDecodeError):
        return None


def recognise(file: RawFile) -> tuple[Source, object] | None:
    """(source, header or parsed JSON) of a file, or None when no source recognises it."""
    obj = _json(file)
    if obj is not None:
        for source in JSON_SOURCES:
            if source.recognises_json(obj):
                return source, obj
        return None
    header = tabular.read_header(file)
    if header is None:
        return None
    for source in SOURCES:
        if source.recognises(header):
            return source, header
    return None


def _list(paths: list[Path | str]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.append(path)
    return files


def _read_file(path: Path, useful: set[str] | None, strict: bool, limits: ArchiveLimits | None) -> Harvest:
    """Parse one file as found on disk (every member, when it is an archive)."""
    pieces, collection = [], Harvest(observations.empty())
    for file in walk([path], limits):
        recognised = recognise(file)
        if recognised is None:
            collection.ignores.append((file.path, "format non reconnu (aucune source ne correspond à son en-tête)"))
            file.release()
            continue
        source, header = recognised
        try:
            reading = (
                source.read(file, header, useful)
                if isinstance(header, tabular.Header)
                else source.read_json(file, header, useful)
            )
        except FileError as error:
            if strict:
                raise
            collection.ignores.append((file.path, str(error)))
            file.release()
            continue
        if reading.role is not None:
            collection.references.append((file.path, reading.role))
        else:
            pieces.append(reading.observations)
            collection.files_read.append(
                FileRead(file.path, source.name, reading.edition, file.sha256(), len(reading.observations))
            )
        collection.add(reading)
        file.release()
    collection.observations = observations.concatenate(pieces)
    return collection


def read_all(
    paths: list[Path | str],
    useful: set[str] | None = None,
    *,
    strict: bool = True,
    progress: bool = True,
    limits: ArchiveLimits | None = None,
) -> Harvest:
    """Parse every recognised file; unrecognised ones are listed in ``ignored``.

    With ``strict`` a file that is recognised but faulty raises ``FileError``;
    otherwise it is skipped with the error as reason. Files are parsed one after the
    other: threads gave no speed-up (the pandas steps hold the GIL) and processes would
    require an ``if __name__ == "__main__"`` guard in users' scripts and notebooks.
    Files recognised as references without observations (dictionaries of variables,
    boundaries, cadastre layers, COG tables) are listed in ``references`` with their role.
    Archives beyond ``limits`` (size, ratio, depth) raise ``ArchiveRefused``, whatever ``strict``.
    """
    collection = Harvest(observations.empty())
    pieces = []
    files = _list(paths)
    for path in bar(
        files, desc="Lecture des fichiers", unit=" fichier", enabled=progress and len(files) >= 2, leave=False
    ):
        partial = _read_file(path, useful, strict, limits)
        pieces.append(partial.observations)
        collection.add(partial)
    collection.observations = observations.concatenate(pieces)
    return collection
