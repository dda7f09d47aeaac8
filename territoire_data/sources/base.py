"""What every source module provides, and the shared reader of INSEE's wide tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from territoire_data.erreurs import ErreurFichier
from territoire_data.sources import observations, tableau, variables
from territoire_data.sources.brut import FichierBrut
from territoire_data.sources.tableau import Entete


@dataclass
class Lecture:
    observations: pd.DataFrame
    edition: str
    remarques: list[str] = field(default_factory=list)
    mouvements: pd.DataFrame | None = None  # COG: ancien, nouveau, date
    scot: pd.DataFrame | None = None  # Cerema: code, scot


class Source:
    """A publisher's file family. Subclasses say how to recognise and read it."""

    nom: str = ""
    libelle: str = ""
    producteur: str = ""

    def reconnait(self, entete: Entete) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def lire(self, fichier: FichierBrut, entete: Entete, utiles: set[str] | None) -> Lecture:  # pragma: no cover
        raise NotImplementedError


def a_colonnes(entete: Entete, *motifs: str) -> bool:
    """True when every regex motif matches at least one column (case-insensitive)."""
    return all(tableau.colonnes_presentes(entete, motif) for motif in motifs)


def lire_large(
    source: Source,
    fichier: FichierBrut,
    entete: Entete,
    utiles: set[str] | None,
    *,
    secrets: frozenset[str],
    colonne_code: str = "CODGEO",
    negatifs: frozenset[str] = frozenset(),
    edition=None,
) -> Lecture:
    """An INSEE wide table (one row per commune, one column per variable and year).

    Only the variables in ``utiles`` are kept (all when None): the dossier complet has
    ~1,900 columns and the catalogue needs a few dozen.
    """
    index = entete.index()
    if colonne_code.upper() not in index:
        raise ErreurFichier(fichier.chemin, entete.ligne, colonne_code, "colonne de code géographique absente")
    retenues = []
    for colonne in entete.colonnes:
        variable, annee, debut = variables.decouper(colonne)
        if colonne.upper() == colonne_code.upper() or annee is None and variable != "SUPERF":
            continue
        if utiles is None or variable in utiles:
            retenues.append((colonne, variable, annee, debut))
    annees_rp = [a for c, v, a, d in retenues if re.match(r"[PC]\d\d_", c.upper()) and a]
    toutes = [a for *_, a, _ in retenues if a]
    annee_fichier = max(annees_rp or toutes or [0])
    table = tableau.lire(fichier, entete, [index[colonne_code.upper()]] + [c for c, *_ in retenues])
    codes = tableau.codes_communes(fichier, entete, table.column(index[colonne_code.upper()]), colonne_code)
    tableau.verifier_doublons(fichier, entete, codes, colonne_code)
    nom_edition = edition(annee_fichier) if callable(edition) else f"{annee_fichier}"
    morceaux = []
    for colonne, variable, annee, debut in retenues:
        valeurs, statuts = tableau.valeurs(
            fichier, entete, table.column(colonne), colonne, secrets=secrets, negatif_permis=variable in negatifs
        )
        morceaux.append(observations.tableau(
            codes, variable, annee or annee_fichier, debut if debut else float("nan"), valeurs, statuts,
            source.nom, nom_edition,
        ))
    return Lecture(observations.concatener(morceaux), nom_edition)


def colonnes(fichier: FichierBrut, entete: Entete, requises: list[str], facultatives: list[str] = ()):
    """Read the named columns (case-insensitive); a missing required one names the file."""
    index = entete.index()
    absentes = [c for c in requises if c.upper() not in index]
    if absentes:
        raise ErreurFichier(fichier.chemin, entete.ligne, absentes[0], "colonne attendue absente")
    noms = [c for c in [*requises, *facultatives] if c.upper() in index]
    table = tableau.lire(fichier, entete, [index[c.upper()] for c in noms])
    return {c: table.column(index[c.upper()]) for c in noms}


def texte(colonne) -> np.ndarray:
    return np.asarray(pc.utf8_trim_whitespace(colonne).to_numpy(zero_copy_only=False), dtype=object)


def entiers(fichier: FichierBrut, entete: Entete, colonne, nom: str) -> np.ndarray:
    valeurs, statuts = tableau.valeurs(fichier, entete, colonne, nom)
    if (statuts != tableau.OK).any() or (valeurs != valeurs.round()).any():
        i = int(next(i for i in range(len(valeurs)) if statuts[i] != tableau.OK or valeurs[i] != round(valeurs[i])))
        raise ErreurFichier(fichier.chemin, entete.ligne + 1 + i, nom, "entier attendu")
    return valeurs.astype("int64")


def transformer(valeurs: np.ndarray, fonction) -> np.ndarray:
    """Apply ``fonction`` once per distinct value of a long column (labels, categories)."""
    uniques, inverse = np.unique(np.asarray(valeurs, dtype=object).astype(str), return_inverse=True)
    return np.array([fonction(u) for u in uniques], dtype=object)[inverse]
