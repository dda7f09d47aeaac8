"""ODRÉ, registre national des installations de production et de stockage d'électricité.

``codeinseecommune;…;filiere;technologie;…;puismaxinstallee;…`` (``;``): one row per
installation (or per aggregate of small ones). Renewable capacity (kW) is summed per
commune: ``PUISSANCE_ENR`` for every renewable filière, ``PUISSANCE_PV`` for solar.
Rows without a commune code (installations aggregated for confidentiality) cannot be
placed and are counted in a remark. The register is a snapshot: its year is that of the
latest commissioning date, or of the file when absent.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, texte, transformer
from territoire_data.texte import sans_accents

RENOUVELABLES = ("solaire", "eolien", "hydraulique", "bioenergies", "energies marines", "geothermie")
_ANNEE = re.compile(r"(19|20)\d\d")


class OdreRegistre(Source):
    nom = "odre_registre"
    libelle = "ODRÉ, registre national des installations de production d'électricité"
    producteur = "RTE / ODRÉ"

    def reconnait(self, entete):
        return a_colonnes(entete, "codeinseecommune", "filiere", "puismaxinstallee")

    def lire(self, fichier, entete, utiles):
        dates = [c for c in ("datemiseenservice", "dateraccordement") if c.upper() in entete.index()]
        cols = colonnes(fichier, entete, ["codeinseecommune", "filiere", "puismaxinstallee"], dates)
        codes = texte(cols["codeinseecommune"])
        filieres = transformer(texte(cols["filiere"]), lambda f: sans_accents(f).lower())
        puissance, statuts = tableau.valeurs(fichier, entete, cols["puismaxinstallee"], "puismaxinstallee")
        annee = None
        for colonne in dates:
            annees = [int(m[0]) for d in texte(cols[colonne]) if (m := _ANNEE.search(d))]
            if annees:
                annee = max(annees)
                break
        annee = annee or pd.Timestamp.now().year
        sans_code = codes == ""
        remarques = [f"ODRÉ : {int(sans_code.sum())} installation(s) sans code commune (agrégées), non localisées"] \
            if sans_code.any() else []
        renouvelable = np.array([f.startswith(RENOUVELABLES) for f in filieres])
        cadre = pd.DataFrame({"code": codes, "kw": np.nan_to_num(puissance), "enr": renouvelable,
                              "pv": np.array([f.startswith("solaire") for f in filieres])})[~sans_code]
        cadre["code"] = [c.zfill(5) if len(c) == 4 and c.isdigit() else c for c in cadre["code"]]
        enr = cadre[cadre["enr"]].groupby("code")["kw"].sum()
        pv = cadre[cadre["pv"]].groupby("code")["kw"].sum()
        edition = str(annee)
        obs = observations.concatener([
            observations.tableau(enr.index, "PUISSANCE_ENR", annee, np.nan, enr.to_numpy(), "ok", self.nom, edition),
            observations.tableau(pv.index, "PUISSANCE_PV", annee, np.nan, pv.to_numpy(), "ok", self.nom, edition),
        ])
        return Lecture(obs, edition, remarques)
