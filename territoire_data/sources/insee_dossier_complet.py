"""INSEE, dossier complet: ~1,900 columns per commune (``P22_*``, ``C22_*``, ``MED_SL23``…).

Recognised by ``CODGEO`` and its width. Only the variables the catalogue uses are read.
"""

from territoire_data.sources.base import Source, a_colonnes, lire_large

MIN_COLONNES = 300


class DossierComplet(Source):
    nom = "insee_dossier_complet"
    libelle = "INSEE, dossier complet"
    producteur = "INSEE"

    def reconnait(self, entete):
        return len(entete.colonnes) >= MIN_COLONNES and a_colonnes(entete, "CODGEO", r"P\d\d_POP")

    def lire(self, fichier, entete, utiles):
        return lire_large(self, fichier, entete, utiles, secrets=frozenset({"s"}), edition=lambda a: f"RP{a}",
                          negatifs=frozenset({"PIMPOT", "PR_PIMPOT"}))
