"""INSEE, base permanente des équipements (BPE): facilities per commune and type.

Three real layouts:

- **long** (``DS_BPE_CSV_FR.zip``, newer editions): ``GEO;GEO_OBJECT;FACILITY_TYPE;BPE_MEASURE;
  TIME_PERIOD;OBS_VALUE``;
- **« ensemble »** (editions up to 2021): ``DEPCOM;…;TYPEQU;NB_EQUIP`` with the year in ``AN``;
- **communal files by domain** (editions up to 2021, one file per domain such as
  ``equip-serv-sante-com-2021.csv``): wide, ``CODGEO;NB_D101;…;NB_D307``. The year is only in
  the file's name (the content does not state it): taken from there, else the file is set
  aside with the reason.

Equipment codes change between nomenclatures: general practitioners are ``D201`` up to the
2021 bases and ``D265`` in the newer one. Each year's codes are mapped to the variables
the catalogue uses (a long file uses ``D265`` for a year where it holds that code, ``D201``
otherwise; the older layouts always use the older nomenclature). A commune absent from a
file has none of these facilities (zero, within the départements the file covers).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.erreurs import ErreurFichier
from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, entiers, texte

ALIMENTAIRE = {"B101", "B102", "B104", "B105", "B201", "B202", "B203", "B204", "B205", "B206", "B207"}
ECOLES = {"C101", "C102", "C104", "C105"}
NOMENCLATURES = {
    "avant_2022": {"BPE_MEDECINS": {"D201"}, "BPE_PHARMACIES": {"D307"}, "BPE_ECOLES": ECOLES,
                   "BPE_ALIMENTAIRE": ALIMENTAIRE},
    "2023": {"BPE_MEDECINS": {"D265"}, "BPE_PHARMACIES": {"D307"}, "BPE_ECOLES": ECOLES,
             "BPE_ALIMENTAIRE": ALIMENTAIRE},
}
MESURES_COMPTE = ("FACILITIES", "NB_EQUIP", "NB", "FACILITY_NB")
_ANNEE_NOM = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def sommer(cadre: pd.DataFrame, source: str, edition: str, *, recente_possible: bool = True) -> pd.DataFrame:
    """``cadre`` (code, type, annee, valeur) → the catalogue's variables, each year in its nomenclature."""
    morceaux = []
    for annee, bloc in cadre.groupby("annee"):
        nomenclature = NOMENCLATURES["2023" if recente_possible and (bloc["type"] == "D265").any() else "avant_2022"]
        for variable, types in nomenclature.items():
            somme = bloc[bloc["type"].isin(types)].groupby("code")["valeur"].sum()
            morceaux.append(observations.tableau(somme.index, variable, annee, np.nan, somme.to_numpy(), "ok",
                                                 source, edition))
    return observations.concatener(morceaux)


class Bpe(Source):
    nom = "insee_bpe"
    libelle = "INSEE, base permanente des équipements"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "GEO", "FACILITY_TYPE", "OBS_VALUE", "TIME_PERIOD") or a_colonnes(
            entete, "DEPCOM", "TYPEQU", "NB_EQUIP")

    def lire(self, fichier, entete, utiles):
        if "TYPEQU" in entete.index():
            return self._ensemble(fichier, entete)
        cols = colonnes(fichier, entete, ["GEO", "FACILITY_TYPE", "OBS_VALUE", "TIME_PERIOD"],
                        ["GEO_OBJECT", "BPE_MEASURE"])
        cadre = pd.DataFrame({
            "code": texte(cols["GEO"]), "type": texte(cols["FACILITY_TYPE"]),
            "annee": entiers(fichier, entete, cols["TIME_PERIOD"], "TIME_PERIOD"),
        })
        valeurs, _ = tableau.valeurs(fichier, entete, cols["OBS_VALUE"], "OBS_VALUE")
        cadre["valeur"] = np.nan_to_num(valeurs)
        garder = np.ones(len(cadre), bool)
        if "GEO_OBJECT" in cols:
            garder &= np.isin(texte(cols["GEO_OBJECT"]), ["COM", "ARM"])
        if "BPE_MEASURE" in cols:
            mesures = texte(cols["BPE_MEASURE"])
            compte = np.isin(mesures, MESURES_COMPTE)
            garder &= compte if compte.any() else mesures == mesures[0]
        cadre = cadre[garder]
        edition = str(cadre["annee"].max()) if len(cadre) else "inconnue"
        return Lecture(sommer(cadre, self.nom, edition), edition)

    def _ensemble(self, fichier, entete) -> Lecture:
        cols = colonnes(fichier, entete, ["DEPCOM", "TYPEQU", "NB_EQUIP"], ["AN"])
        if "AN" not in cols:
            raise ErreurFichier(fichier.chemin, entete.ligne, "AN", "année de la base (colonne AN) absente")
        valeurs, _ = tableau.valeurs(fichier, entete, cols["NB_EQUIP"], "NB_EQUIP")
        cadre = pd.DataFrame({"code": tableau.codes_communes(fichier, entete, cols["DEPCOM"], "DEPCOM"),
                              "type": texte(cols["TYPEQU"]), "annee": entiers(fichier, entete, cols["AN"], "AN"),
                              "valeur": np.nan_to_num(valeurs)})
        edition = str(cadre["annee"].max()) if len(cadre) else "inconnue"
        return Lecture(sommer(cadre, self.nom, edition, recente_possible=False), edition)


class BpeCommunalLarge(Source):
    nom = "insee_bpe"
    libelle = "INSEE, base permanente des équipements"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "CODGEO", r"NB_[A-G]\d{3}")

    def lire(self, fichier, entete, utiles):
        annees = _ANNEE_NOM.findall(fichier.chemin)
        if not annees:
            raise ErreurFichier(fichier.chemin, None, None, "fichier communal de la BPE sans année : son contenu ne "
                                "la dit pas et son nom non plus (nom d'origine : …-com-2021.csv)")
        annee = int(annees[-1])
        types = [c for c in entete.colonnes if re.fullmatch(r"NB_[A-G]\d{3}", c, re.IGNORECASE)]
        cols = colonnes(fichier, entete, ["CODGEO", *types])
        codes = tableau.codes_communes(fichier, entete, cols["CODGEO"], "CODGEO")
        tableau.verifier_doublons(fichier, entete, codes, "CODGEO")
        morceaux = []
        for colonne in types:
            valeurs, _ = tableau.valeurs(fichier, entete, cols[colonne], colonne)
            morceaux.append(pd.DataFrame({"code": codes, "type": colonne[3:].upper(), "annee": annee,
                                          "valeur": np.nan_to_num(valeurs)}))
        cadre = pd.concat(morceaux, ignore_index=True)
        edition = str(annee)
        obs = sommer(cadre, self.nom, edition, recente_possible=False)
        # A domain file says nothing of the other domains' facilities: keep only variables it covers.
        presents = {v for v, t in NOMENCLATURES["avant_2022"].items() if t & set(cadre["type"])}
        obs = obs[obs["variable"].astype(str).isin(presents)].reset_index(drop=True)
        return Lecture(observations.normaliser(obs), edition)
