"""INSEE, base du comparateur de territoires (every edition).

``CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;…;MED19;TP6019;…`` (2022 edition) or
``P22_*``/``P16_*``/``MED21`` (2025 edition). Secret: empty field (2022) or ``s`` (2025).
Recognised by its columns: population, vacant dwellings and births between censuses,
with fewer columns than the dossier complet.
"""

from territoire_data.sources.base import Source, a_colonnes, lire_large

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
