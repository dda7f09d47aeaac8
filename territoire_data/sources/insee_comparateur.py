"""INSEE, base du comparateur de territoires (every edition).

``CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;…;MED19;TP6019;…`` (2022 edition) or
``P22_*``/``P16_*``/``MED21`` (2025 edition). Secret: ``s`` (2025), or an empty field — but in
the real 2022 file an empty field is secret only for the Filosofi columns: the census,
births and deaths and establishments columns are blank for Mayotte (no census in 2018) and
for communes created after a vintage, which is "not covered", never secret. Births and deaths
between censuses are filed under the later census of the file (``base.aligner_periodes``).
Recognised by its columns: population, vacant dwellings and births between censuses,
with fewer columns than the dossier complet.
"""

import re

import numpy as np

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, lire_large, texte

MAX_COLONNES = 200


class Comparateur(Source):
    nom = "insee_comparateur"
    libelle = "INSEE, base du comparateur de territoires"
    producteur = "INSEE"

    def reconnait(self, entete):
        return len(entete.colonnes) < MAX_COLONNES and a_colonnes(
            entete, "CODGEO", r"P\d\d_POP", r"P\d\d_LOGVAC", r"NAIS\d{4}"
        )

    def lire(self, fichier, entete, utiles):
        return lire_large(self, fichier, entete, utiles, secrets=frozenset({"", "s"}), edition=lambda a: f"RP{a}")


# A derived copy of the comparateur circulating in public repositories: one row per commune
# and postal code (the same figures repeated), commune déléguée rows repeating their parent's
# figures, lower-case names with the year at the end. The real layout wins: rows are taken
# once per commune (``COM`` and ``ARM`` rows), and each column family maps to INSEE's variable.
_DERIVE = re.compile(r"(population|menages|naissances|deces|pop_15_64_totale|pop_15_64_chomage|pop_15_64_active)_(\d{4})",
                     re.IGNORECASE)
VARIABLES_DERIVE = {"population": "P_POP", "menages": "P_MEN", "naissances": "NAISD", "deces": "DECESD",
                    "pop_15_64_totale": "P_POP1564", "pop_15_64_chomage": "P_CHOM1564",
                    "pop_15_64_active": "P_ACT1564"}


class ComparateurDerive(Source):
    nom = "insee_comparateur_derive"
    libelle = "INSEE, comparateur de territoires (copie dérivée, une ligne par code postal)"
    producteur = "INSEE"

    def reconnait(self, entete):
        return a_colonnes(entete, "insee_com", r"population_\d{4}")

    def lire(self, fichier, entete, utiles):
        familles = [(c, VARIABLES_DERIVE[m[1].lower()], int(m[2])) for c in entete.colonnes if (m := _DERIVE.fullmatch(c))]
        familles = [(c, v, a) for c, v, a in familles if utiles is None or v in utiles]
        facultatives = [c for c in ("commune_type", "superficie_km2") if c.upper() in entete.index()]
        cols = colonnes(fichier, entete, ["insee_com", *[c for c, *_ in familles]], facultatives)
        codes = tableau.codes_communes(fichier, entete, cols["insee_com"], "insee_com")
        garder = np.ones(len(codes), bool)
        if "commune_type" in cols:
            garder = np.isin(texte(cols["commune_type"]), ["COM", "ARM"])
        _, premiers = np.unique(np.where(garder, codes, ""), return_index=True)
        lignes = np.sort(premiers[garder[premiers]])
        annee_rp = max((a for _, v, a in familles if v == "P_POP"), default=0)
        edition = f"RP{annee_rp}"
        morceaux = []
        for colonne, variable, annee in familles:
            valeurs, statuts = tableau.valeurs(fichier, entete, cols[colonne], colonne, secrets=frozenset({"s"}),
                                               non_couverts=frozenset({""}))
            # This copy writes 0 where the census has no figure (Mayotte's communes): a whole
            # département at zero is not covered (a few communes with no inhabitant do exist).
            statuts = tableau.departements_non_couverts(codes, np.where(valeurs == 0, "secret", statuts),
                                                        valeurs == 0)
            statuts = np.where((statuts == "secret") & (valeurs == 0), "ok", statuts)
            morceaux.append(observations.tableau(codes[lignes], variable, annee, np.nan, valeurs[lignes],
                                                 statuts[lignes], self.nom, edition))
        if "superficie_km2" in cols:
            valeurs, statuts = tableau.valeurs(fichier, entete, cols["superficie_km2"], "superficie_km2",
                                               non_couverts=frozenset({""}))
            morceaux.append(observations.tableau(codes[lignes], "SUPERF", annee_rp, np.nan, valeurs[lignes],
                                                 statuts[lignes], self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)
