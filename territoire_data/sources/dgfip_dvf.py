"""DGFiP, demandes de valeurs foncières géolocalisées (DVF, Etalab).

``id_mutation,date_mutation,nature_mutation,valeur_fonciere,code_commune,type_local,
surface_reelle_bati,…`` (``,``): one row per property of a mutation. A sale (``Vente``)
of exactly one dwelling (one ``Maison`` or one ``Appartement``, no other built property)
gives a price per m² = valeur_fonciere / surface_reelle_bati. Per commune and year: the
median (``DVF_PRIX_M2_MAISON``, ``DVF_PRIX_M2_APPART``) when there are at least
``MIN_VENTES`` sales, else missing; and the number of such sales.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tableau
from territoire_data.sources.base import Lecture, Source, a_colonnes, colonnes, texte

MIN_VENTES = 5
TYPES = {"Maison": "MAISON", "Appartement": "APPART"}


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
        cadre = pd.DataFrame({
            "mutation": texte(cols["id_mutation"]), "date": texte(cols["date_mutation"]),
            "nature": texte(cols["nature_mutation"]), "valeur": valeur,
            "code": tableau.codes_communes(fichier, entete, cols["code_commune"], "code_commune"),
            "type": texte(cols["type_local"]), "surface": surface,
        })
        bati = cadre[cadre["type"].isin(["Maison", "Appartement", "Dépendance",
                                         "Local industriel. commercial ou assimilé"])]
        bati = bati.assign(dependance=(bati["type"] == "Dépendance").to_numpy(),
                           logement=bati["type"].isin(TYPES).to_numpy())
        par_mutation = bati.groupby("mutation", sort=False).agg(
            n_bati=("type", "size"), n_dependances=("dependance", "sum"), n_logements=("logement", "sum"))
        logements = bati[bati["logement"]].groupby("mutation", sort=False).agg(
            type=("type", "first"), surface=("surface", "sum"), valeur=("valeur", "first"),
            nature=("nature", "first"), date=("date", "first"), code=("code", "first"))
        par_mutation = par_mutation.join(logements, how="inner")
        simples = par_mutation[(par_mutation["n_logements"] == 1)
                               & (par_mutation["n_bati"] - par_mutation["n_dependances"] == 1)
                               & (par_mutation["nature"] == "Vente") & (par_mutation["surface"] > 0)
                               & (par_mutation["valeur"] > 0)].copy()
        simples["annee"] = simples["date"].str[:4].astype(int)
        simples["prix_m2"] = simples["valeur"] / simples["surface"]
        edition = str(simples["annee"].max()) if len(simples) else "inconnue"
        morceaux = []
        # Medians do not add up: the département's is computed here, from the sales themselves.
        simples["departement"] = "dep:" + simples["code"].str[:2].where(~simples["code"].str.startswith("97"),
                                                                       simples["code"].str[:3])
        for type_local, suffixe in TYPES.items():
            bloc = simples[simples["type"] == type_local]
            stats = pd.concat([
                bloc.groupby(["code", "annee"])["prix_m2"].agg(["median", "size"]).reset_index(),
                bloc.groupby(["departement", "annee"])["prix_m2"].agg(["median", "size"]).reset_index()
                .rename(columns={"departement": "code"}),
            ], ignore_index=True)
            statut = np.where(stats["size"] >= MIN_VENTES, "ok", "missing")
            morceaux.append(observations.tableau(stats["code"], f"DVF_PRIX_M2_{suffixe}", stats["annee"], np.nan,
                                                 stats["median"], statut, self.nom, edition))
            morceaux.append(observations.tableau(stats["code"], f"DVF_NB_{suffixe}", stats["annee"], np.nan,
                                                 stats["size"], "ok", self.nom, edition))
        return Lecture(observations.concatener(morceaux), edition)
