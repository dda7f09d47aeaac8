"""INSEE Filosofi: disposable income, poverty, deciles.

- 2021 and earlier, wide: ``CODGEO;NBMENFISC21;NBPERSMENFISC21;MED21;PIMP21;TP6021;…;D121;D921;RD21``;
  secret ``s``, comma decimals for rates. ``PIMPOT`` (taxes, a share of income) is negative.
- 2023 on, long (SDMX-like): ``FILOSOFI_MEASURE;GEO;GEO_OBJECT;OBS_VALUE;CONF_STATUS;…;TIME_PERIOD``,
  measures such as ``MED_SL``, ``PR_MD60``, ``IR_D9_D1_SL``; ``CONF_STATUS=C`` is secret. Group
  levels (EPCI, département, région, France) are kept with prefixed codes.

The two series are not comparable (INSEE changed the method): they keep distinct variables.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from territoire_data.erreurs import ErreurFichier
from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, lire_large

NEGATIFS = frozenset({"PIMPOT"})
OBJETS = {"COM": "", "ARM": "", "EPCI": "epci:", "DEP": "dep:", "REG": "reg:"}
FRANCE = {"FRANCE", "FRA", "FR", "FRM", "FRANCE_HORS_MAYOTTE"}


class FilosofiLarge(Source):
    nom = "insee_filosofi"
    libelle = "INSEE, Filosofi (revenus disponibles, pauvreté)"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "CODGEO", r"NBMENFISC\d\d", r"MED\d\d", r"D1\d\d") and not a_colonnes(
            entete, r"P\d\d_POP"
        )

    def lire(self, fichier, entete, utiles):
        return lire_large(self, fichier, entete, utiles, secrets=frozenset({"s"}), negatifs=NEGATIFS)


class FilosofiLong(Source):
    nom = "insee_filosofi"
    libelle = "INSEE, Filosofi (revenus disponibles, pauvreté)"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "FILOSOFI_MEASURE", "GEO", "GEO_OBJECT", "OBS_VALUE", "TIME_PERIOD")

    def lire(self, fichier, entete, utiles):
        index = entete.index()
        colonnes = ["FILOSOFI_MEASURE", "GEO", "GEO_OBJECT", "OBS_VALUE", "TIME_PERIOD"]
        if "CONF_STATUS" in index:
            colonnes.append("CONF_STATUS")
        table = tableau.lire(fichier, entete, [index[c] for c in colonnes])
        mesures = pc.utf8_trim_whitespace(table.column(index["FILOSOFI_MEASURE"])).to_numpy(zero_copy_only=False)
        garder = np.ones(len(mesures), bool) if utiles is None else np.isin(mesures, list(utiles))
        table = table.filter(garder)
        mesures = mesures[garder]
        objets = pc.utf8_upper(pc.utf8_trim_whitespace(table.column(index["GEO_OBJECT"]))).to_numpy(zero_copy_only=False)
        geo = pc.utf8_trim_whitespace(table.column(index["GEO"])).to_numpy(zero_copy_only=False).astype(object)
        codes = np.empty(len(geo), dtype=object)
        for objet in np.unique(objets):
            ici = objets == objet
            if objet in FRANCE:
                codes[ici] = "france"
            elif objet in OBJETS:
                codes[ici] = OBJETS[objet] + geo[ici]
            else:
                codes[ici] = None  # other zonings (unités urbaines…) are not territories here
        valeurs, statuts = tableau.valeurs(fichier, entete, table.column(index["OBS_VALUE"]), "OBS_VALUE",
                                           secrets=frozenset({"s"}), negatif_permis=True)
        if "CONF_STATUS" in index:
            confidentiel = pc.equal(pc.utf8_trim_whitespace(table.column(index["CONF_STATUS"])), "C")
            confidentiel = confidentiel.to_numpy(zero_copy_only=False)
            statuts = np.where(confidentiel, tableau.SECRET, statuts)
        periodes = pc.utf8_trim_whitespace(table.column(index["TIME_PERIOD"])).to_numpy(zero_copy_only=False)
        try:
            annees = periodes.astype(int)
        except ValueError:
            i = next(i for i, p in enumerate(periodes) if not str(p).isdigit())
            raise ErreurFichier(fichier.chemin, None, "TIME_PERIOD", f"année « {periodes[i]} » illisible") from None
        garder = codes != None  # noqa: E711 - numpy elementwise
        edition = str(annees.max()) if len(annees) else "inconnue"
        obs = observations.tableau(codes[garder], mesures[garder], annees[garder], np.nan, valeurs[garder],
                                   statuts[garder], self.nom, edition)
        return Lecture(obs, edition)
