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
    retablissements: pd.DataFrame | None = None  # COG: date, parent, retablie (restored communes)
    role: str | None = None  # recognised files that carry no observation: what they are


class Source:
    """A publisher's file family. Subclasses say how to recognise and read it."""

    nom: str = ""
    libelle: str = ""
    producteur: str = ""

    def reconnait(self, entete: Entete) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def lire(self, fichier: FichierBrut, entete: Entete, utiles: set[str] | None) -> Lecture:  # pragma: no cover
        raise NotImplementedError

    # JSON files (Etalab's découpage, GeoJSON layers): recognised by their parsed structure.
    def reconnait_json(self, objet) -> bool:
        return False

    def lire_json(self, fichier: FichierBrut, objet, utiles: set[str] | None) -> Lecture:  # pragma: no cover
        raise NotImplementedError


def a_colonnes(entete: Entete, *motifs: str) -> bool:
    """True when every regex motif matches at least one column (case-insensitive)."""
    return all(tableau.colonnes_presentes(entete, motif) for motif in motifs)


# Filosofi variables: INSEE leaves the cell blank where the figure is secret. Every other
# variable of INSEE's wide tables (census counts, births and deaths, establishments, area)
# is never secret: a blank there is a territory the vintage does not cover.
FILOSOFI = frozenset({"NBMENFISC", "NBPERSMENFISC", "MED", "PIMP", "D1", "D9", "RD", "PACT", "PTSA", "PCHO", "PBEN",
                      "PPEN", "PPAT", "PPSOC", "PPFAM", "PPMINI", "PPLOGT", "PIMPOT", "MED_SL", "PR_MD60",
                      "IR_D9_D1_SL", "PR_PIMPOT"})


def vide_est_secret(variable: str) -> bool:
    return variable in FILOSOFI or variable.startswith("TP60")


def aligner_periodes(retenues: list[tuple[str, str, int | None, int | None]]) -> list[tuple]:
    """Births and deaths between two censuses filed under the later census of the file.

    INSEE names them after the period (``NAIS1318``: 1 January 2013 to 1 January 2018, with
    ``P13_POP``/``P18_POP``), but newer editions name the last year included (``NAIS1621``:
    2016 to 2021 included, with ``P16_POP``/``P22_POP``). Either way the components of the
    population change must cover the period of that change: a period starting at a census
    year of the file ends at the next census year of the file.
    """
    recensements = sorted({a for _, v, a, _ in retenues if v == "P_POP" and a})
    sortie = []
    for colonne, variable, annee, debut in retenues:
        if debut is not None and debut in recensements:
            suivants = [a for a in recensements if a > debut]
            if suivants and abs(suivants[0] - annee) <= 1:
                annee = suivants[0]
        sortie.append((colonne, variable, annee, debut))
    return sortie


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
    ~1,900 columns and the catalogue needs a few dozen. A blank cell is secret for
    Filosofi variables (when ``""`` is among ``secrets``), else not covered; a département
    whose communes are all blank is not covered either (``tableau.departements_non_couverts``).
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
    retenues = aligner_periodes(retenues)
    annees_rp = [a for c, v, a, d in retenues if re.match(r"[PC]\d\d_", c.upper()) and a]
    toutes = [a for *_, a, _ in retenues if a]
    annee_fichier = max(annees_rp or toutes or [0])
    table = tableau.lire(fichier, entete, [index[colonne_code.upper()]] + [c for c, *_ in retenues])
    codes = tableau.codes_communes(fichier, entete, table.column(index[colonne_code.upper()]), colonne_code)
    tableau.verifier_doublons(fichier, entete, codes, colonne_code)
    nom_edition = edition(annee_fichier) if callable(edition) else f"{annee_fichier}"
    morceaux = []
    vide_secret = "" in secrets
    for colonne, variable, annee, debut in retenues:
        secret_ici = vide_secret and vide_est_secret(variable)
        valeurs, statuts = tableau.valeurs(
            fichier, entete, table.column(colonne), colonne, secrets=secrets if secret_ici else secrets - {""},
            non_couverts=frozenset() if secret_ici else frozenset({""}), negatif_permis=variable in negatifs,
        )
        if secret_ici:
            vides = pc.equal(pc.utf8_trim_whitespace(table.column(colonne)), "").to_numpy(zero_copy_only=False)
            statuts = tableau.departements_non_couverts(codes, statuts, vides)
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
