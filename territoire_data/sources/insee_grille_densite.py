"""INSEE, grille communale de densité (7 niveaux).

Published as a workbook (sheet « Maille communale », header on row 5) or CSV:
``CODGEO;LIBGEO;DENS;LIBDENS;PMUN22;…;DENS7;LIBDENS7``. ``DENS7`` gives the peer group
``densite``; its year is that of the population column (``PMUN22`` → 2022).
"""

from __future__ import annotations

import numpy as np

from territoire_data.sources import observations, tableau, variables
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes


class GrilleDensite(Source):
    nom = "insee_grille_densite"
    libelle = "INSEE, grille communale de densité"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "CODGEO", "DENS", r"PMUN\d\d") or a_colonnes(entete, "CODGEO", "DENS7")

    def lire(self, fichier, entete, utiles):
        pmun = tableau.colonnes_presentes(entete, r"PMUN\d\d")
        annee = variables.decouper(pmun[0])[1] if pmun else None
        cols = colonnes(fichier, entete, ["CODGEO"], ["DENS", "DENS7"])
        codes = tableau.codes_communes(fichier, entete, cols["CODGEO"], "CODGEO")
        tableau.verifier_doublons(fichier, entete, codes, "CODGEO")
        annee = annee or 0
        edition = str(annee)
        morceaux = []
        for variable in ("DENS", "DENS7"):
            if variable in cols:
                valeurs, statuts = tableau.valeurs(fichier, entete, cols[variable], variable)
                morceaux.append(observations.tableau(codes, variable, annee, np.nan, valeurs, statuts, self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)
