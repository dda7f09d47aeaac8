"""INSEE census communal bases (bases infracommunales agrégées à la commune).

Three families, each recognised by columns of its own:

- ``base-cc-evol-struct-pop``: age bands ``P22_POP0014`` … ``P22_POP90P``;
- ``base-cc-logement``: ``P22_LOG``, ``P22_MAISON``, ``P22_RP_PROP``;
- ``base-cc-emploi-pop-active``: ``P22_ACT1564``, commute modes ``C22_ACTOCC15P_VOIT``.
"""

from territoire_data.sources.base import Source, a_colonnes, lire_large

MAX_COLONNES = 300


class _Recensement(Source):
    producteur = "INSEE"
    motifs: tuple[str, ...] = ()

    def reconnait(self, entete):
        return (
            len(entete.colonnes) < MAX_COLONNES
            and a_colonnes(entete, "CODGEO", *self.motifs)
            and not a_colonnes(entete, r"NAIS\d{4}")  # the comparateur has census columns too
        )

    def lire(self, fichier, entete, utiles):
        return lire_large(self, fichier, entete, utiles, secrets=frozenset({"s"}), edition=lambda a: f"RP{a}")


class Population(_Recensement):
    nom = "insee_rp_population"
    libelle = "INSEE, recensement : évolution et structure de la population"
    motifs = (r"P\d\d_POP0014", r"P\d\d_POP65P")


class Logement(_Recensement):
    nom = "insee_rp_logement"
    libelle = "INSEE, recensement : logement"
    motifs = (r"P\d\d_LOG", r"P\d\d_MAISON", r"P\d\d_RP_PROP")


class EmploiActivite(_Recensement):
    nom = "insee_rp_emploi"
    libelle = "INSEE, recensement : emploi et population active"
    motifs = (r"P\d\d_ACT1564", r"C\d\d_ACTOCC15P_VOIT")
