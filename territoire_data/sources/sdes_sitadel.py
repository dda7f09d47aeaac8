"""SDES SITADEL: dwellings authorised and started, by commune.

Two families of files:

- **series** (monthly or annual): ``ANNEE;MOIS;CODE_INSEE;TYPE_LGT;LOG_AUT;LOG_COM;SDP_AUT;SDP_COM``
  (UTF-8 with BOM). ``Tous Logements`` is the sum of the four types; when it is absent the
  types are summed. Months are summed into years. A year with fewer than 12 months in a
  monthly file is incomplete (provisional): its values are kept as missing, not as low
  counts. A variable whose whole year is 0 everywhere has not been published yet: missing,
  not zero. Processed copies in circulation (lower-case columns, ``code_com``, type
  ``Tous``, by département with ``dept``) are read the same.
- **the list of permits creating dwellings** (DiDo, « Liste des autorisations d'urbanisme
  créant des logements »): one row per permit, **two header lines** (long labels, then the
  codes ``REG_CODE;…;COMM;TYPE_DAU;NUM_DAU;ETAT_DAU;DATE_REELLE_AUTORISATION;
  DATE_REELLE_DOC;…;NB_LGT_TOT_CREES;…;SURF_HAB_CREEE;…``). Dwellings authorised in a year
  are the permits authorised that year (real date), started ones those whose works opened
  that year (``DATE_REELLE_DOC``). Cancelled permits (``ETAT_DAU`` 4) count in neither.
  The list only holds permits: a commune without any has zero, within the départements the
  file covers. The file's last month of updates (``DPC_*``) tells which year is still
  incomplete.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from territoire_data.erreurs import ErreurFichier
from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, entiers, texte
from territoire_data.sources.tableau import codes_communes

TOUS = ("tous logements", "tous")
MESURES = ("LOG_AUT", "LOG_COM", "SDP_AUT", "SDP_COM")
CODES = ("CODE_INSEE", "CODE_COM", "COMM", "CODGEO")
CODES_DEPARTEMENT = ("DEPT", "DEP", "CODE_DEPARTEMENT")
ANNULE = "4"  # ETAT_DAU: 2 authorised, 4 cancelled, 5 started, 6 completed


def _colonne_code(entete) -> tuple[str, bool] | None:
    """(code column, département level) of a series file."""
    index = entete.index()
    for nom in CODES:
        if nom in index:
            return nom, False
    for nom in CODES_DEPARTEMENT:
        if nom in index:
            return nom, True
    return None


def _statuts_annuels(annuel: pd.DataFrame, mesure: str, incompletes: set[int]) -> np.ndarray:
    statut = np.full(len(annuel), "ok", dtype=object)
    totaux = annuel.groupby("annee")[mesure].transform("sum").to_numpy()
    non_publie = (totaux == 0) | annuel["annee"].isin(incompletes).to_numpy()
    statut[non_publie] = "missing"
    return statut


class Sitadel(Source):
    nom = "sdes_sitadel"
    libelle = "SDES, Sitadel : logements autorisés et commencés"
    producteur = "SDES"

    def reconnait(self, entete):
        return a_colonnes(entete, "ANNEE", "LOG_AUT", "LOG_COM") and _colonne_code(entete) is not None

    def lire(self, fichier, entete, utiles):
        code, departemental = _colonne_code(entete)
        presentes = [m for m in MESURES if m in entete.index()]
        cols = colonnes(fichier, entete, ["ANNEE", code, "LOG_AUT", "LOG_COM"], ["MOIS", "TYPE_LGT", "SDP_AUT", "SDP_COM"])
        if departemental:
            codes = "dep:" + pd.Series(texte(cols[code])).str.zfill(2).to_numpy(dtype=object)
        else:
            codes = codes_communes(fichier, entete, cols[code], code)
        cadre = pd.DataFrame({
            "code": codes, "annee": entiers(fichier, entete, cols["ANNEE"], "ANNEE"),
            "mois": entiers(fichier, entete, cols["MOIS"], "MOIS") if "MOIS" in cols else 0,
        })
        for mesure in presentes:
            cadre[mesure] = entiers(fichier, entete, cols[mesure], mesure)
        if "TYPE_LGT" in cols:
            types = pd.Series(texte(cols["TYPE_LGT"])).str.lower().str.strip()
            tous = types.isin(TOUS)
            cadre = cadre[tous.to_numpy()] if tous.any() else cadre
        annuel = cadre.groupby(["code", "annee"], as_index=False)[presentes].sum()
        remarques, incompletes = [], set()
        if "MOIS" in cols:
            mois = cadre.groupby("annee")["mois"].nunique()
            incompletes = set(mois.index[mois < 12])
            if incompletes:
                remarques.append(f"Sitadel : année(s) incomplète(s) {sorted(incompletes)} (provisoires) : non disponibles")
        dernier = cadre["annee"].max()
        edition = f"{dernier}-{cadre.loc[cadre['annee'] == dernier, 'mois'].max():02d}" if "MOIS" in cols else str(dernier)
        morceaux = []
        for mesure in presentes:
            statut = _statuts_annuels(annuel, mesure, incompletes)
            raison = np.where(statut == "missing", "not_published", "")
            morceaux.append(observations.tableau(annuel["code"], mesure, annuel["annee"], np.nan,
                                                 annuel[mesure].to_numpy(dtype="float64"), statut, self.nom, edition,
                                                 raison=raison))
        return Lecture(observations.concatener(morceaux), edition, remarques)


def _annees(fichier, entete, colonne, nom: str) -> np.ndarray:
    """Year of ISO dates (``2021-01-25``); -1 where the date is empty."""
    textes = pc.utf8_trim_whitespace(colonne)
    annees = pc.utf8_slice_codeunits(textes, 0, 4).to_numpy(zero_copy_only=False)
    vides = pc.equal(textes, "").to_numpy(zero_copy_only=False)
    try:
        return np.where(vides, -1, np.where(vides, "0", annees).astype(int))
    except ValueError:
        i = int(next(i for i, a in enumerate(annees) if not vides[i] and not str(a).isdigit()))
        raise ErreurFichier(fichier.chemin, entete.ligne + 1 + i, nom, f"date « {textes[i].as_py()} » illisible") from None


class SitadelPermis(Source):
    nom = "sdes_sitadel"
    libelle = "SDES, Sitadel : logements autorisés et commencés"
    producteur = "SDES"

    def reconnait(self, entete):
        return a_colonnes(entete, "NUM_DAU", "COMM", "DATE_REELLE_AUTORISATION", "NB_LGT_TOT_CREES")

    def lire(self, fichier, entete, utiles):
        dates = [c for c in ("DPC_DERN", "DPC_AUT", "DPC_DOC", "DPC_PREM") if c in entete.index()]
        cols = colonnes(fichier, entete, ["COMM", "NUM_DAU", "DATE_REELLE_AUTORISATION", "NB_LGT_TOT_CREES"],
                        ["DATE_REELLE_DOC", "ETAT_DAU", "SURF_HAB_CREEE", *dates])
        codes = codes_communes(fichier, entete, cols["COMM"], "COMM")
        logements = entiers(fichier, entete, cols["NB_LGT_TOT_CREES"], "NB_LGT_TOT_CREES")
        surface = (tableau.valeurs(fichier, entete, cols["SURF_HAB_CREEE"], "SURF_HAB_CREEE")[0]
                   if "SURF_HAB_CREEE" in cols else np.full(len(codes), np.nan))
        valide = np.ones(len(codes), bool)
        if "ETAT_DAU" in cols:
            valide = texte(cols["ETAT_DAU"]) != ANNULE
        autorise = _annees(fichier, entete, cols["DATE_REELLE_AUTORISATION"], "DATE_REELLE_AUTORISATION")
        commence = (_annees(fichier, entete, cols["DATE_REELLE_DOC"], "DATE_REELLE_DOC") if "DATE_REELLE_DOC" in cols
                    else np.full(len(codes), -1))
        # The last month the file knows of: a year not finished by then is incomplete.
        fin = max((m for c in dates for m in texte(cols[c]) if len(m) >= 7), default="")
        incompletes = {int(fin[:4])} if fin and fin[5:7] != "12" else set()
        permis = pd.DataFrame({"code": codes, "logements": logements, "surface": np.nan_to_num(surface),
                               "autorise": autorise, "commence": commence})[valide]
        morceaux, remarques = [], []
        for variable, colonne_annee, valeur in (("LOG_AUT", "autorise", "logements"),
                                                ("SDP_AUT", "autorise", "surface"),
                                                ("LOG_COM", "commence", "logements")):
            if variable == "SDP_AUT" and "SURF_HAB_CREEE" not in cols:
                continue
            bloc = permis[permis[colonne_annee] > 0]
            annuel = bloc.groupby(["code", colonne_annee], as_index=False)[valeur].sum().rename(
                columns={colonne_annee: "annee", valeur: variable})
            statut = _statuts_annuels(annuel, variable, incompletes)
            morceaux.append(observations.tableau(annuel["code"], variable, annuel["annee"], np.nan,
                                                 annuel[variable].to_numpy(dtype="float64"), statut, self.nom,
                                                 f"liste des permis {fin or ''}".strip(),
                                                 raison=np.where(statut == "missing", "not_published", "")))
        if incompletes:
            remarques.append(f"Sitadel (liste des permis, mise à jour {fin}) : année {min(incompletes)} incomplète, "
                             "non disponible")
        return Lecture(observations.concatener(morceaux), f"liste des permis {fin}".strip(), remarques)
