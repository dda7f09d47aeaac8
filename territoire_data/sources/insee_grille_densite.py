"""INSEE, grille communale de densité (7 niveaux), the peer group ``densite``.

Real layouts differ between editions:

- 2024 (« grille_densite_7_niveaux_2024.xlsx », sheet ``Grille_Densite``): three title rows, a
  row of long labels, then the codes ``CODGEO;LIBGEO;DENS;LIBDENS;PMUN21;P1;…;P7``. Here
  ``DENS`` is already the 7-level typology (1 grands centres urbains … 7 rural à habitat très
  dispersé) and ``P1``…``P7`` the shares of population in each level;
- 2025 (« fichier_diffusion_2025.xlsx », sheet « Maille communale »): ``DENS`` the 3-level
  degree and ``DENS7`` the 7 levels.

``DENS7`` is therefore ``DENS7`` when the file has it, else ``DENS`` when ``DENS`` has 7
levels (values above 3, or the ``P1``…``P7`` shares). Its year is that of the population
column (``PMUN21`` → 2021).
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
        annee = (variables.decouper(pmun[0])[1] if pmun else None) or 0
        cols = colonnes(fichier, entete, ["CODGEO"], ["DENS", "DENS7"])
        codes = tableau.codes_communes(fichier, entete, cols["CODGEO"], "CODGEO")
        tableau.verifier_doublons(fichier, entete, codes, "CODGEO")
        edition = str(annee)
        lues = {nom: tableau.valeurs(fichier, entete, cols[nom], nom) for nom in ("DENS", "DENS7") if nom in cols}
        if "DENS7" not in lues and "DENS" in lues:
            valeurs = lues["DENS"][0]
            sept_niveaux = np.nanmax(valeurs, initial=0) > 3 or a_colonnes(entete, "P7")
            if sept_niveaux:
                lues = {"DENS7": lues["DENS"]}
        morceaux = [observations.tableau(codes, nom, annee, np.nan, valeurs, statuts, self.nom, edition)
                    for nom, (valeurs, statuts) in lues.items()]
        return Lecture(observations.concatener(morceaux), edition)
