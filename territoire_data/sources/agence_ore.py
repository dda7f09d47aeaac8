"""Agence ORE, consommation annuelle d'électricité et de gaz par commune.

``annee;filiere;code_commune;code_categorie_consommation;code_secteur_naf2;conso_totale_mwh;
nombre_de_mailles_secretisees`` (``;`` or ``,``). Rows are summed per commune, year and
energy into the total and the residential / tertiary / industry / agriculture sectors
(category ``RES`` is residential; otherwise the NAF division gives the sector). A total
that includes secret meshes is secret: the published 0 is not a zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, entiers, texte, transformer
from territoire_data.texte import sans_accents

FILIERES = {"electricite": "ELEC", "elec": "ELEC", "e": "ELEC", "gaz": "GAZ", "g": "GAZ"}


def secteur(categorie: str, naf: str) -> str:
    if categorie.upper() == "RES":
        return "RES"
    division = naf[:2]
    if not division.isdigit():
        return "TER" if categorie.upper() == "PRO" else "INC"
    numero = int(division)
    return "AGR" if numero <= 3 else "IND" if numero <= 43 else "TER"


def secteurs(categories: np.ndarray, naf: np.ndarray) -> np.ndarray:
    """Vectorised ``secteur`` over whole columns."""
    categories = pd.Series(categories, dtype=object).str.upper()
    division = pd.to_numeric(pd.Series(naf, dtype=object).str[:2], errors="coerce")
    return np.select(
        [categories == "RES", division.isna() & (categories == "PRO"), division.isna(), division <= 3, division <= 43],
        ["RES", "TER", "INC", "AGR", "IND"], "TER",
    )


class AgenceOre(Source):
    nom = "agence_ore"
    libelle = "Agence ORE, consommations d'électricité et de gaz"
    producteur = "Agence ORE"

    def reconnait(self, entete):
        return a_colonnes(entete, "annee", "filiere", "code_commune", "conso_totale_mwh")

    def lire(self, fichier, entete, utiles):
        cols = colonnes(fichier, entete, ["annee", "filiere", "code_commune", "conso_totale_mwh"],
                        ["code_categorie_consommation", "code_secteur_naf2", "nombre_de_mailles_secretisees"])
        n = len(cols["annee"])
        conso, statuts = tableau.valeurs(fichier, entete, cols["conso_totale_mwh"], "conso_totale_mwh",
                                         secrets=frozenset({"s"}))
        mailles = (entiers(fichier, entete, cols["nombre_de_mailles_secretisees"], "nombre_de_mailles_secretisees")
                   if "nombre_de_mailles_secretisees" in cols else np.zeros(n, int))
        categories = texte(cols["code_categorie_consommation"]) if "code_categorie_consommation" in cols else np.full(n, "", object)
        naf = texte(cols["code_secteur_naf2"]) if "code_secteur_naf2" in cols else np.full(n, "", object)
        cadre = pd.DataFrame({
            "code": tableau.codes_communes(fichier, entete, cols["code_commune"], "code_commune"),
            "annee": entiers(fichier, entete, cols["annee"], "annee"),
            "filiere": transformer(texte(cols["filiere"]), lambda f: FILIERES.get(sans_accents(f).lower(), "")),
            "secteur": secteurs(categories, naf),
            "conso": np.nan_to_num(conso),
            "secret": (mailles > 0) | (statuts == "secret"),
        })
        cadre = cadre[cadre["filiere"] != ""]
        edition = str(cadre["annee"].max()) if len(cadre) else "inconnue"
        morceaux = []
        for cle, sous in (("", cadre), *((f"_{s}", cadre[cadre["secteur"] == s]) for s in ("RES", "TER", "IND", "AGR"))):
            somme = sous.groupby(["code", "annee", "filiere"]).agg(conso=("conso", "sum"), secret=("secret", "any"))
            somme = somme.reset_index()
            for filiere, bloc in somme.groupby("filiere"):
                statut = np.where(bloc["secret"], "secret", "ok")
                morceaux.append(observations.tableau(bloc["code"], f"CONSO_{filiere}{cle}", bloc["annee"], np.nan,
                                                     bloc["conso"], statut, self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)
