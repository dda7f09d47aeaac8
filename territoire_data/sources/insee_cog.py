"""INSEE, code officiel géographique: communes and movements, used to harmonise codes.

- ``v_commune_YYYY.csv``: ``TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT``
  (the key is (TYPECOM, COM)); a COMD/COMA row maps its code to ``COMPARENT``.
- ``v_mvt_commune_YYYY.csv``: ``MOD,DATE_EFF,TYPECOM_AV,COM_AV,…,TYPECOM_AP,COM_AP,…``: mergers
  (MOD 31–35) and code changes (41, 50) map the old code to the new commune; restorations
  (MOD 21: a commune ``COM_AP`` separated from ``COM_AV``) tell which former figures cover
  several of today's communes.

These files carry no observations; they feed the harmonisation table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, texte

MODS_PASSAGE = {"31", "32", "33", "34", "35", "41", "50"}


class CogCommunes(Source):
    nom = "insee_cog"
    libelle = "INSEE, code officiel géographique (communes)"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "TYPECOM", "COM", "COMPARENT", "LIBELLE")

    def lire(self, fichier, entete, utiles):
        cols = colonnes(fichier, entete, ["TYPECOM", "COM", "COMPARENT"])
        types, codes, parents = texte(cols["TYPECOM"]), texte(cols["COM"]), texte(cols["COMPARENT"])
        rattachees = np.isin(types, ["COMD", "COMA"]) & (parents != "") & (codes != parents)
        mouvements = pd.DataFrame({"ancien": codes[rattachees], "nouveau": parents[rattachees],
                                   "date": pd.Timestamp("1900-01-01")})
        return Lecture(observations.vide(), f"COG{fichier.nom[-8:-4] if fichier.nom[-8:-4].isdigit() else ''}",
                       mouvements=mouvements,
                       role=f"COG : {len(mouvements)} communes déléguées ou associées rattachées à leur commune")


class CogMouvements(Source):
    nom = "insee_cog"
    libelle = "INSEE, code officiel géographique (mouvements)"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "MOD", "DATE_EFF", "COM_AV", "COM_AP")

    def lire(self, fichier, entete, utiles):
        cols = colonnes(fichier, entete, ["MOD", "DATE_EFF", "COM_AV", "COM_AP"], ["TYPECOM_AP"])
        mods, avant, apres = texte(cols["MOD"]), texte(cols["COM_AV"]), texte(cols["COM_AP"])
        garder = np.isin(mods, list(MODS_PASSAGE)) & (avant != apres)
        if "TYPECOM_AP" in cols:
            garder &= texte(cols["TYPECOM_AP"]) == "COM"
        dates = pd.to_datetime(pd.Series(texte(cols["DATE_EFF"])), errors="coerce")
        mouvements = pd.DataFrame({"ancien": avant[garder], "nouveau": apres[garder], "date": dates[garder].to_numpy()})
        retabli = (mods == "21") & (avant != apres)
        if "TYPECOM_AP" in cols:
            retabli &= texte(cols["TYPECOM_AP"]) == "COM"
        if "TYPECOM_AV" in cols:
            retabli &= texte(cols["TYPECOM_AV"]) == "COM"
        retablissements = pd.DataFrame({"date": dates[retabli].to_numpy(), "parent": avant[retabli],
                                        "retablie": apres[retabli]})
        edition = str(dates.max().year) if dates.notna().any() else "inconnue"
        return Lecture(observations.vide(), f"MVT{edition}", mouvements=mouvements, retablissements=retablissements,
                       role=f"COG : {len(mouvements)} mouvements de communes, {len(retablissements)} rétablissements")
