"""Source modules (one per publisher's file family) and recognition of raw files by content.

``lire_tout(chemins)`` walks folders and archives, recognises each file by its header
(never by its name), parses it and reports every file it skipped with the reason.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from territoire_data.erreurs import ErreurFichier
from territoire_data.progression import barre_desactivee
from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source
from territoire_data.sources.brut import FichierBrut, parcourir
from territoire_data.sources.agence_ore import AgenceOre, AgenceOreSecteurs
from territoire_data.sources.cerema_naf import CeremaNaf
from territoire_data.sources.dgfip_dvf import Dvf, DvfIndicateursCommunes
from territoire_data.sources.etalab_decoupage import EtalabCommunes, EtalabReferentiel
from territoire_data.sources.references import CoucheGeographique, DictionnaireInsee
from territoire_data.sources.insee_bpe import Bpe, BpeCommunalLarge
from territoire_data.sources.insee_cog import CogCommunes, CogMouvements
from territoire_data.sources.insee_comparateur import Comparateur, ComparateurDerive
from territoire_data.sources.insee_dossier_complet import DossierComplet
from territoire_data.sources.insee_filosofi import FilosofiLarge, FilosofiLong
from territoire_data.sources.insee_flux_mobilite import FluxMobilite
from territoire_data.sources.insee_grille_densite import GrilleDensite
from territoire_data.sources.insee_recensement import EmploiActivite, Logement, Population
from territoire_data.sources.odre_registre import OdreRegistre
from territoire_data.sources.sdes_sitadel import Sitadel, SitadelPermis

# Order matters where families overlap: the most specific first.
SOURCES: list[Source] = [
    DossierComplet(),
    Comparateur(),
    ComparateurDerive(),
    Population(),
    Logement(),
    EmploiActivite(),
    FilosofiLarge(),
    FilosofiLong(),
    FluxMobilite(),
    GrilleDensite(),
    SitadelPermis(),
    Sitadel(),
    CeremaNaf(),
    AgenceOre(),
    AgenceOreSecteurs(),
    OdreRegistre(),
    Bpe(),
    BpeCommunalLarge(),
    Dvf(),
    DvfIndicateursCommunes(),
    CogCommunes(),
    CogMouvements(),
    DictionnaireInsee(),
]
# JSON files: recognised by their structure.
SOURCES_JSON: list[Source] = [EtalabCommunes(), EtalabReferentiel(), CoucheGeographique()]


def libelle(nom: str | None) -> str:
    """French label of a source id (``insee_comparateur`` → ``INSEE, base du comparateur…``)."""
    for source in [*SOURCES, *SOURCES_JSON]:
        if source.nom == nom:
            return source.libelle or nom
    return nom or ""


@dataclass
class FichierLu:
    chemin: str
    source: str
    edition: str
    sha256: str
    lignes: int


@dataclass
class Collecte:
    observations: pd.DataFrame
    lus: list[FichierLu] = field(default_factory=list)
    ignores: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    references: list[tuple[str, str]] = field(default_factory=list)  # (file, role): recognised, no observation
    remarques: list[str] = field(default_factory=list)
    mouvements: pd.DataFrame | None = None  # COG movements (old code → new code), when loaded
    retablissements: pd.DataFrame | None = None  # restored communes (COG movements of type 21), when loaded
    scot: pd.DataFrame | None = None  # SCoT of each commune (Cerema), when loaded

    def ajouter(self, autre: "Collecte | Lecture", chemin: str | None = None) -> None:
        """Take in another collection (or one reading) except its observations."""
        for nom in ("mouvements", "retablissements"):
            table = getattr(autre, nom)
            if table is not None:
                setattr(self, nom, pd.concat([getattr(self, nom), table], ignore_index=True))
        if autre.scot is not None:
            self.scot = (autre.scot if self.scot is None
                         else pd.concat([self.scot, autre.scot]).drop_duplicates("code", keep="last"))
        self.remarques += autre.remarques
        if isinstance(autre, Collecte):
            self.lus += autre.lus
            self.ignores += autre.ignores
            self.references += autre.references


def _json(fichier: FichierBrut):
    """The parsed JSON of a file that starts like JSON, else None."""
    import json

    debut = fichier.contenu()[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not debut[:1] in (b"[", b"{"):
        return None
    try:
        return json.loads(fichier.contenu())
    except (ValueError, UnicodeDecodeError):
        return None


def reconnaitre(fichier: FichierBrut) -> tuple[Source, object] | None:
    """(source, header or parsed JSON) of a file, or None when no source recognises it."""
    objet = _json(fichier)
    if objet is not None:
        for source in SOURCES_JSON:
            if source.reconnait_json(objet):
                return source, objet
        return None
    entete = tableau.lire_entete(fichier)
    if entete is None:
        return None
    for source in SOURCES:
        if source.reconnait(entete):
            return source, entete
    return None


def _lister(chemins: list[Path | str]) -> list[Path]:
    fichiers = []
    for chemin in map(Path, chemins):
        if chemin.is_dir():
            fichiers += sorted(p for p in chemin.rglob("*") if p.is_file())
        elif chemin.is_file():
            fichiers.append(chemin)
    return fichiers


def _lire_fichier(chemin: Path, utiles: set[str] | None, strict: bool) -> Collecte:
    """Parse one file as found on disk (every member, when it is an archive)."""
    morceaux, collecte = [], Collecte(observations.vide())
    for fichier in parcourir([chemin]):
        reconnu = reconnaitre(fichier)
        if reconnu is None:
            collecte.ignores.append((fichier.chemin, "format non reconnu (aucune source ne correspond à son en-tête)"))
            fichier.liberer()
            continue
        source, entete = reconnu
        try:
            lecture = (source.lire(fichier, entete, utiles) if isinstance(entete, tableau.Entete)
                       else source.lire_json(fichier, entete, utiles))
        except ErreurFichier as erreur:
            if strict:
                raise
            collecte.ignores.append((fichier.chemin, str(erreur)))
            fichier.liberer()
            continue
        if lecture.role is not None:
            collecte.references.append((fichier.chemin, lecture.role))
        else:
            morceaux.append(lecture.observations)
            collecte.lus.append(FichierLu(fichier.chemin, source.nom, lecture.edition, fichier.sha256(),
                                          len(lecture.observations)))
        collecte.ajouter(lecture)
        fichier.liberer()
    collecte.observations = observations.concatener(morceaux)
    return collecte


def lire_tout(chemins: list[Path | str], utiles: set[str] | None = None, *, strict: bool = True) -> Collecte:
    """Parse every recognised file; unrecognised ones are listed in ``ignores``.

    With ``strict`` a file that is recognised but faulty raises ``ErreurFichier``;
    otherwise it is skipped with the error as reason. Files are parsed one after the
    other: threads gave no speed-up (the pandas steps hold the GIL) and processes would
    require an ``if __name__ == "__main__"`` guard in users' scripts and notebooks.
    Files recognised as references without observations (dictionaries of variables,
    boundaries, cadastre layers, COG tables) are listed in ``references`` with their role.
    """
    collecte = Collecte(observations.vide())
    morceaux = []
    fichiers = _lister(chemins)
    for chemin in tqdm(fichiers, desc="Lecture des fichiers", unit="fichier", file=sys.stderr,
                       disable=barre_desactivee() or len(fichiers) < 2, leave=False):
        partielle = _lire_fichier(chemin, utiles, strict)
        morceaux.append(partielle.observations)
        collecte.ajouter(partielle)
    collecte.observations = observations.concatener(morceaux)
    return collecte
