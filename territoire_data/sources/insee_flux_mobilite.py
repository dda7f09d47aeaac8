"""INSEE, mobilités professionnelles (flux domicile-lieu de travail).

``CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P``: employed people aged 15+ living in
``CODGEO`` and working in ``DCLT``. Summed per commune of residence into the employed
residents (``FLUX_TOTAL``) and those working in another commune (``FLUX_SORTANTS``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes


class FluxMobilite(Source):
    nom = "insee_flux_mobilite"
    libelle = "INSEE, flux domicile-lieu de travail"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "CODGEO", "DCLT", r"NBFLUX_C\d\d_ACTOCC15P")

    def lire(self, fichier, entete, utiles):
        colonne_flux = tableau.colonnes_presentes(entete, r"NBFLUX_C\d\d_ACTOCC15P")[0]
        annee = 2000 + int(re.search(r"_C(\d\d)_", colonne_flux.upper())[1])
        cols = colonnes(fichier, entete, ["CODGEO", "DCLT", colonne_flux])
        residence = tableau.codes_communes(fichier, entete, cols["CODGEO"], "CODGEO")
        travail = tableau.codes_communes(fichier, entete, cols["DCLT"], "DCLT")
        flux, statuts = tableau.valeurs(fichier, entete, cols[colonne_flux], colonne_flux)
        cadre = pd.DataFrame({"code": residence, "flux": np.where(statuts == "ok", flux, 0.0),
                              "sortant": residence != travail})
        total = cadre.groupby("code")["flux"].sum()
        sortants = cadre[cadre["sortant"]].groupby("code")["flux"].sum().reindex(total.index, fill_value=0.0)
        edition = str(annee)
        obs = observations.concatener([
            observations.tableau(total.index, "FLUX_TOTAL", annee, np.nan, total.to_numpy(), "ok", self.nom, edition),
            observations.tableau(sortants.index, "FLUX_SORTANTS", annee, np.nan, sortants.to_numpy(), "ok",
                                 self.nom, edition),
        ])
        return Lecture(obs, edition)
