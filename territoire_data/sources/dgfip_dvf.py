"""DGFiP, demandes de valeurs foncières géolocalisées (DVF, Etalab).

``id_mutation,date_mutation,nature_mutation,valeur_fonciere,code_commune,type_local,
surface_reelle_bati,…`` (``,``): one row per property of a mutation. A sale (``Vente``)
of exactly one dwelling (one ``Maison`` or one ``Appartement``, no other built property)
gives a price per m² = valeur_fonciere / surface_reelle_bati. Per commune and year: the
median (``DVF_PRIX_M2_MAISON``, ``DVF_PRIX_M2_APPART``) when there are at least
``MIN_VENTES`` sales, else missing; and the number of such sales.

The real layout has one row per (mutation × parcel × property): ``valeur_fonciere`` repeats
on every row of a mutation, and a mutation may span several parcels and communes. A mutation
is therefore counted once (``id_mutation``): ``DVF_NB_VENTES`` is the number of sales holding
at least one dwelling, placed in the commune of its first dwelling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, entiers

MIN_VENTES = 5
TYPES = {"Maison": "MAISON", "Appartement": "APPART"}
VENTES = ("Vente", "Vente en l'état futur d'achèvement", "Adjudication")
BATIS = ["Maison", "Appartement", "Dépendance", "Local industriel. commercial ou assimilé"]


class Dvf(Source):
    nom = "dgfip_dvf"
    libelle = "DGFiP, demandes de valeurs foncières (DVF)"
    producteur = "DGFiP / Etalab"

    def reconnait(self, entete):
        return a_colonnes(entete, "id_mutation", "date_mutation", "valeur_fonciere", "code_commune", "type_local")

    def lire(self, fichier, entete, utiles):
        cols = colonnes(fichier, entete, ["id_mutation", "date_mutation", "nature_mutation", "valeur_fonciere",
                                          "code_commune", "type_local", "surface_reelle_bati"])
        valeur, _ = tableau.valeurs(fichier, entete, cols["valeur_fonciere"], "valeur_fonciere")
        surface, _ = tableau.valeurs(fichier, entete, cols["surface_reelle_bati"], "surface_reelle_bati")
        types = pc.utf8_trim_whitespace(cols["type_local"])
        # Arrow aggregations: per-file overhead matters, DVF comes as one file per département and year.
        table = pa.table({
            "mutation": cols["id_mutation"], "date": cols["date_mutation"], "nature": cols["nature_mutation"],
            "valeur": valeur, "code": tableau.codes_communes(fichier, entete, cols["code_commune"], "code_commune"),
            "type": types, "surface": surface,
            "bati": pc.is_in(types, pa.array(BATIS)), "dependance": pc.equal(types, "Dépendance"),
            "logement": pc.is_in(types, pa.array(list(TYPES))),
        })
        bati = table.filter(table["bati"]).group_by("mutation").aggregate([
            ("bati", "count"), ("dependance", "sum"), ("logement", "sum")])
        logements = table.filter(table["logement"]).group_by("mutation", use_threads=False).aggregate([
            ("type", "first"), ("surface", "sum"), ("valeur", "first"), ("nature", "first"), ("date", "first"),
            ("code", "first")])
        mutations = bati.join(logements, "mutation", join_type="inner")
        garder = pc.and_(
            pc.and_(pc.equal(mutations["logement_sum"], 1),
                    pc.equal(pc.subtract(mutations["bati_count"], mutations["dependance_sum"]), 1)),
            pc.and_(pc.equal(pc.utf8_trim_whitespace(mutations["nature_first"]), "Vente"),
                    pc.and_(pc.greater(mutations["surface_sum"], 0), pc.greater(mutations["valeur_first"], 0))),
        )
        ventes = logements.filter(pc.is_in(pc.utf8_trim_whitespace(logements["nature_first"]), pa.array(VENTES)))
        ventes = ventes.append_column("annee", pc.cast(pc.utf8_slice_codeunits(ventes["date_first"], 0, 4), pa.int32()))
        ventes = ventes.group_by(["code_first", "annee"]).aggregate([("mutation", "count")]).to_pandas()
        simples = mutations.filter(garder).to_pandas()
        simples["annee"] = simples["date_first"].str[:4].astype(int)
        simples["prix_m2"] = simples["valeur_first"] / simples["surface_sum"]
        simples["code"] = simples["code_first"]
        simples["type"] = simples["type_first"]
        annees = [*simples["annee"], *ventes["annee"]]
        edition = str(max(annees)) if annees else "inconnue"
        # Medians do not add up: the département's is computed here, from the sales themselves.
        simples["departement"] = "dep:" + simples["code"].str[:2].where(~simples["code"].str.startswith("97"),
                                                                       simples["code"].str[:3])
        morceaux = [observations.tableau(ventes["code_first"], "DVF_NB_VENTES", ventes["annee"], np.nan,
                                         ventes["mutation_count"], "ok", self.nom, edition)]
        for type_local, suffixe in TYPES.items():
            bloc = simples[simples["type"] == type_local]
            stats = pd.concat([
                bloc.groupby(["code", "annee"])["prix_m2"].agg(["median", "size"]).reset_index(),
                bloc.groupby(["departement", "annee"])["prix_m2"].agg(["median", "size"]).reset_index()
                .rename(columns={"departement": "code"}),
            ], ignore_index=True)
            statut = np.where(stats["size"] >= MIN_VENTES, "ok", "missing")
            morceaux.append(observations.tableau(stats["code"], f"DVF_PRIX_M2_{suffixe}", stats["annee"], np.nan,
                                                 stats["median"], statut, self.nom, edition,
                                                 raison=np.where(statut == "ok", "", "insufficient_sample")))
            morceaux.append(observations.tableau(stats["code"], f"DVF_NB_{suffixe}", stats["annee"], np.nan,
                                                 stats["size"], "ok", self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)


class DvfIndicateursCommunes(Source):
    """« Indicateurs immobiliers par commune et par année (prix et volumes) » (data.gouv.fr),
    aggregates of DVF per commune and year.

    Two real headers: ``"","INSEE_COM","Annee","Nb_mutations","NbMaisons","NbApparts",
    "propmaison","propappart","PrixMoyen","Prixm2Moyen","SurfaceMoy"`` (2023, with an R row
    index first) and ``INSEE_COM,annee,nb_mutations,…`` (2024). In the 2024 file the shares
    ``PropMaison``/``PropAppart`` are swapped in most rows: they are not read. Read: the
    number of sales of dwellings (counted once per mutation) and the mean price per m².
    """

    nom = "dvf_indicateurs_communes"
    libelle = "DGFiP, DVF : indicateurs immobiliers par commune (prix et volumes)"
    producteur = "DGFiP / data.gouv.fr"

    def reconnait(self, entete):
        return a_colonnes(entete, "INSEE_COM", "annee", "nb_mutations", "Prixm2Moyen")

    def lire(self, fichier, entete, utiles):
        cols = colonnes(fichier, entete, ["INSEE_COM", "annee", "nb_mutations", "Prixm2Moyen"])
        codes = tableau.codes_communes(fichier, entete, cols["INSEE_COM"], "INSEE_COM")
        annees = entiers(fichier, entete, cols["annee"], "annee")
        ventes, statuts_ventes = tableau.valeurs(fichier, entete, cols["nb_mutations"], "nb_mutations")
        prix, statuts_prix = tableau.valeurs(fichier, entete, cols["Prixm2Moyen"], "Prixm2Moyen")
        # The 2024 file ends with a row without commune (``NA``): sales that could not be placed.
        localise = np.array([len(c) == 5 and c[:2].isalnum() for c in codes])
        remarques = []
        if not localise.all():
            remarques.append(f"DVF (indicateurs par commune) : {int((~localise).sum())} ligne(s) sans code commune "
                             f"écartée(s) ({int(np.nansum(ventes[~localise]))} ventes non localisées)")
        edition = str(annees.max()) if len(annees) else "inconnue"
        obs = observations.concatener([
            observations.tableau(codes[localise], "DVF_NB_VENTES", annees[localise], np.nan, ventes[localise],
                                 statuts_ventes[localise], self.nom, edition),
            observations.tableau(codes[localise], "DVF_PRIX_M2_MOYEN", annees[localise], np.nan, prix[localise],
                                 statuts_prix[localise], self.nom, edition),
        ])
        return Lecture(obs, edition, remarques)
