"""Cerema, consommation d'espaces naturels, agricoles et forestiers (fichiers fonciers).

``idcom;idcomtxt;…;scot;…;naf09art10;…;naf23art24;art09hab10;…;naf09art24;pop14;pop20;surfcom2023``:
yearly flows in m² from 1 January of year ``yy`` to 1 January of ``yy+1`` (``naf11art12`` is
the consumption of 2011), by destination (``artYY{act,hab,mix,rou,fer,inc}ZZ``), and totals
over several years (ignored: they are sums of the yearly flows). A flow may be negative (land
returned to natural use, or a correction: ``art10inc11 = -1`` for Ambérieu-en-Bugey in the real
file). The SCoT of each commune is kept for ZAN figures by SCoT.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, texte

_FLUX = re.compile(r"(naf|art)(\d\d)(art|hab|act|mix|rou|fer|inc)(\d\d)", re.IGNORECASE)
VARIABLES = {("naf", "art"): "NAF_ART", ("art", "hab"): "NAF_HAB", ("art", "act"): "NAF_ACT",
             ("art", "mix"): "NAF_MIX", ("art", "rou"): "NAF_ROU", ("art", "fer"): "NAF_FER",
             ("art", "inc"): "NAF_INC"}


class CeremaNaf(Source):
    nom = "cerema_naf"
    libelle = "Cerema, consommation d'espaces NAF (fichiers fonciers)"
    producteur = "Cerema"

    def reconnait(self, entete):
        return a_colonnes(entete, "idcom", r"naf\d\dart\d\d")

    def lire(self, fichier, entete, utiles):
        flux = []
        for colonne in entete.colonnes:
            if (m := _FLUX.fullmatch(colonne)) and int(m[4]) == int(m[2]) + 1:
                variable = VARIABLES.get((m[1].lower(), m[3].lower()))
                if variable and (utiles is None or variable in utiles):
                    flux.append((colonne, variable, 2000 + int(m[2])))
        cols = colonnes(fichier, entete, ["idcom", *[c for c, *_ in flux]], ["scot"])
        codes = tableau.codes_communes(fichier, entete, cols["idcom"], "idcom")
        tableau.verifier_doublons(fichier, entete, codes, "idcom")
        dernier = max(a for *_, a in flux)
        edition = f"{dernier + 1}"
        morceaux = []
        for colonne, variable, annee in flux:
            # Flows may be negative: land returned to natural use, or corrections (real file, 01004).
            valeurs, statuts = tableau.valeurs(fichier, entete, cols[colonne], colonne, secrets=frozenset({"s"}),
                                               negatif_permis=True)
            morceaux.append(observations.tableau(codes, variable, annee, np.nan, valeurs, statuts, self.nom, edition))
        lecture = Lecture(observations.concatener(morceaux), edition)
        if "scot" in cols:
            lecture.scot = pd.DataFrame({"code": codes, "scot": texte(cols["scot"])})
        return lecture
