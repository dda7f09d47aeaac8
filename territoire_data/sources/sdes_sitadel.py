"""SDES SITADEL: dwellings authorised and started, by commune (monthly or annual files).

Monthly: ``ANNEE;MOIS;CODE_INSEE;TYPE_LGT;LOG_AUT;LOG_COM;SDP_AUT;SDP_COM`` (UTF-8 with BOM).
``Tous Logements`` is the sum of the four types; when it is absent the types are summed.
Months are summed into years. A year with fewer than 12 months in a monthly file is
incomplete (provisional): its values are kept as missing, not as low counts. A variable
whose whole year is 0 everywhere has not been published yet: missing, not zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, entiers, texte
from territoire_data.sources.tableau import codes_communes

TOUS = "tous logements"
MESURES = {"LOG_AUT": "LOG_AUT", "LOG_COM": "LOG_COM", "SDP_AUT": "SDP_AUT", "SDP_COM": "SDP_COM"}


class Sitadel(Source):
    nom = "sdes_sitadel"
    libelle = "SDES, Sitadel : logements autorisés et commencés"
    producteur = "SDES"

    def reconnait(self, entete):
        return a_colonnes(entete, "ANNEE", "CODE_INSEE", "LOG_AUT", "LOG_COM")

    def lire(self, fichier, entete, utiles):
        presentes = [m for m in MESURES if m in entete.index()]
        cols = colonnes(fichier, entete, ["ANNEE", "CODE_INSEE", "LOG_AUT", "LOG_COM"],
                        ["MOIS", "TYPE_LGT", "SDP_AUT", "SDP_COM"])
        cadre = pd.DataFrame({
            "code": codes_communes(fichier, entete, cols["CODE_INSEE"], "CODE_INSEE"),
            "annee": entiers(fichier, entete, cols["ANNEE"], "ANNEE"),
            "mois": entiers(fichier, entete, cols["MOIS"], "MOIS") if "MOIS" in cols else 0,
        })
        for mesure in presentes:
            cadre[mesure] = entiers(fichier, entete, cols[mesure], mesure)
        if "TYPE_LGT" in cols:
            types = pd.Series(texte(cols["TYPE_LGT"])).str.lower().str.strip()
            cadre = cadre[(types == TOUS).to_numpy()] if (types == TOUS).any() else cadre
        annuel = cadre.groupby(["code", "annee"], as_index=False)[presentes].sum()
        mensuel = "MOIS" in cols
        remarques = []
        if mensuel:
            mois = cadre.groupby("annee")["mois"].nunique()
            incompletes = set(mois.index[mois < 12])
            if incompletes:
                remarques.append(f"Sitadel : année(s) incomplète(s) {sorted(incompletes)} (provisoires) : non disponibles")
        else:
            incompletes = set()
        dernier = cadre["annee"].max()
        edition = f"{dernier}-{cadre.loc[cadre['annee'] == dernier, 'mois'].max():02d}" if mensuel else str(dernier)
        morceaux = []
        for mesure in presentes:
            valeurs = annuel[mesure].to_numpy(dtype="float64")
            statut = np.full(len(annuel), "ok", dtype=object)
            totaux = annuel.groupby("annee")[mesure].transform("sum").to_numpy()
            non_publie = (totaux == 0) | annuel["annee"].isin(incompletes).to_numpy()
            statut[non_publie] = "missing"
            morceaux.append(observations.tableau(annuel["code"], MESURES[mesure], annuel["annee"], np.nan,
                                                 valeurs, statut, self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition, remarques)
