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


# The per-sector dataset (« conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune »),
# exported with field names (``consoa``, ``nombre_mailles_secretisees_a``…) or with French
# labels as header (``Consommation Agriculture (MWh)``, ``Nombre de mailles secretisées
# (agriculture)``…, CRLF, and two labels with a double space: ``Consommation Tertiaire  (MWh)``).
# Both are real. Labels and field names are normalised (accents, case, spaces) before matching.
SECTEURS_ORE = {"AGR": ("consommation agriculture", "consoa"), "IND": ("consommation industrie", "consoi"),
                "TER": ("consommation tertiaire", "consot"), "RES": ("consommation residentiel", "consor"),
                "INC": ("consommation secteur inconnu", "consona")}
MAILLES_ORE = {"AGR": ("nombre de mailles secretisees agriculture", "nombre_mailles_secretisees_a"),
               "IND": ("nombre de mailles secretisees industrie", "nombre_mailles_secretisees_i"),
               "TER": ("nombre de mailles secretisees tertiaire", "nombre_mailles_secretisees_t"),
               "RES": ("nombre de mailles secretisees residentiel", "nombre_mailles_secretisees_r"),
               "INC": ("nombre de mailles secretisees secteur inconnu", "nombre_mailles_secretisees_na")}
CHAMPS_ORE = {"annee": ("annee",), "filiere": ("filiere",), "code_commune": ("code commune", "code_commune"),
              "total": ("consommation totale", "consototale", "conso_totale")}


def _normaliser_libelle(libelle: str) -> str:
    """``Consommation Tertiaire  (MWh)`` → ``consommation tertiaire``."""
    texte = sans_accents(libelle).lower().replace("(mwh)", " ").replace("(", " ").replace(")", " ")
    return " ".join(texte.split())


class AgenceOreSecteurs(Source):
    nom = "agence_ore"
    libelle = "Agence ORE, consommations d'électricité et de gaz"
    producteur = "Agence ORE"

    @staticmethod
    def _colonnes(entete) -> dict[str, str]:
        """Our name → column as written, for every known field present."""
        normalises = {_normaliser_libelle(c): c for c in entete.colonnes}
        trouvees = {}
        for nom, variantes in [*CHAMPS_ORE.items(), *((f"conso_{s}", v) for s, v in SECTEURS_ORE.items()),
                               *((f"mailles_{s}", v) for s, v in MAILLES_ORE.items())]:
            for variante in variantes:
                if variante in normalises:
                    trouvees[nom] = normalises[variante]
                    break
        return trouvees

    def reconnait(self, entete):
        trouvees = self._colonnes(entete)
        return {"annee", "filiere", "code_commune"} <= trouvees.keys() and sum(
            k.startswith("conso_") for k in trouvees) >= 4

    def lire(self, fichier, entete, utiles):
        trouvees = self._colonnes(entete)
        cols = colonnes(fichier, entete, list(trouvees.values()))
        par_nom = {nom: cols[colonne] for nom, colonne in trouvees.items()}
        cadre = pd.DataFrame({
            "code": tableau.codes_communes(fichier, entete, par_nom["code_commune"], trouvees["code_commune"]),
            "annee": entiers(fichier, entete, par_nom["annee"], trouvees["annee"]),
            "filiere": transformer(texte(par_nom["filiere"]), lambda f: FILIERES.get(sans_accents(f).lower(), "")),
        })
        secret_total = np.zeros(len(cadre), bool)
        for secteur in SECTEURS_ORE:
            if f"conso_{secteur}" not in par_nom:
                continue
            nom = trouvees[f"conso_{secteur}"]
            valeurs, statuts = tableau.valeurs(fichier, entete, par_nom[f"conso_{secteur}"], nom, secrets=frozenset({"s"}))
            secret = statuts == "secret"
            if f"mailles_{secteur}" in par_nom:
                secret |= entiers(fichier, entete, par_nom[f"mailles_{secteur}"], trouvees[f"mailles_{secteur}"]) > 0
            cadre[secteur] = np.nan_to_num(valeurs)
            cadre[f"secret_{secteur}"] = secret
            secret_total |= secret
        secteurs = [s for s in SECTEURS_ORE if s in cadre.columns]
        if "total" in par_nom:
            total, _ = tableau.valeurs(fichier, entete, par_nom["total"], trouvees["total"], secrets=frozenset({"s"}))
            cadre["total"] = np.nan_to_num(total)
        else:
            cadre["total"] = cadre[secteurs].sum(axis=1)
        cadre["secret_total"] = secret_total
        cadre = cadre[cadre["filiere"] != ""]
        edition = str(cadre["annee"].max()) if len(cadre) else "inconnue"
        # Several operators serve a commune: their rows add up.
        somme = cadre.groupby(["code", "annee", "filiere"]).agg(
            **{c: (c, "sum") for c in ["total", *secteurs]},
            **{f"secret_{c}": (f"secret_{c}", "any") for c in ["total", *secteurs]}).reset_index()
        morceaux = []
        for filiere, bloc in somme.groupby("filiere"):
            for secteur, suffixe in (("total", ""), *((s, f"_{s}") for s in ("RES", "TER", "IND", "AGR") if s in secteurs)):
                statut = np.where(bloc[f"secret_{secteur}"], "secret", "ok")
                morceaux.append(observations.tableau(bloc["code"], f"CONSO_{filiere}{suffixe}", bloc["annee"], np.nan,
                                                     bloc[secteur], statut, self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)
