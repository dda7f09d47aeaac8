"""INSEE, base permanente des équipements (BPE), long format.

``GEO;GEO_OBJECT;FACILITY_TYPE;BPE_MEASURE;TIME_PERIOD;OBS_VALUE`` (``;``): counts of
facilities per commune and type (``D265`` médecin généraliste, ``D307`` pharmacie,
``C1xx`` écoles, ``B1xx``/``B2xx`` commerces alimentaires…). Summed into the variables
the catalogue uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, entiers, texte

GROUPES = {
    "BPE_D265": {"D265"},
    "BPE_D307": {"D307"},
    "BPE_ECOLES": {"C101", "C102", "C104", "C105"},
    "BPE_ALIMENTAIRE": {"B101", "B102", "B104", "B105", "B201", "B202", "B203", "B204", "B205", "B206", "B207"},
}
MESURES_COMPTE = ("FACILITIES", "NB_EQUIP", "NB", "FACILITY_NB")


class Bpe(Source):
    nom = "insee_bpe"
    libelle = "INSEE, base permanente des équipements"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "GEO", "FACILITY_TYPE", "OBS_VALUE", "TIME_PERIOD")

    def lire(self, fichier, entete, utiles):
        cols = colonnes(fichier, entete, ["GEO", "FACILITY_TYPE", "OBS_VALUE", "TIME_PERIOD"],
                        ["GEO_OBJECT", "BPE_MEASURE"])
        cadre = pd.DataFrame({
            "code": texte(cols["GEO"]), "type": texte(cols["FACILITY_TYPE"]),
            "annee": entiers(fichier, entete, cols["TIME_PERIOD"], "TIME_PERIOD"),
        })
        valeurs, statuts = tableau.valeurs(fichier, entete, cols["OBS_VALUE"], "OBS_VALUE")
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
        morceaux = []
        for variable, types in GROUPES.items():
            somme = cadre[cadre["type"].isin(types)].groupby(["code", "annee"])["valeur"].sum().reset_index()
            morceaux.append(observations.tableau(somme["code"], variable, somme["annee"], np.nan, somme["valeur"],
                                                 "ok", self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)
