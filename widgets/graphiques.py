"""``TrendChart`` (the indicator over the years) and ``PeerDistributionChart`` (among peers).

Both are HTML widgets holding a self-contained SVG (``territoire_data.svg``): nothing to
download, readable without JavaScript, identical in reports.
"""

from __future__ import annotations

import html

import numpy as np

from territoire_data import svg
from territoire_data.catalogue import PAR_ID
from territoire_data.compare import LIBELLES
from widgets.vue import VueHTML


class TrendChart(VueHTML):
    classe = "territoire-evolution"
    suit = ("code", "indicateur")

    def rendu(self) -> str:
        indicateur = PAR_ID[self.etat.indicateur]
        serie = self.etat.fournisseur.serie(self.etat.code, indicateur.id)
        valeurs = np.where(serie["statut"].astype(str) == "ok", serie["valeur"].astype("float64"), np.nan)
        titre = f"{indicateur.libelle} ({indicateur.unite}) — {self.etat.nom}, évolution"
        return (f'<div class="ti-graphique"><h4>Évolution : {html.escape(indicateur.libelle)}</h4>'
                + svg.courbe(serie["annee"].to_numpy(), valeurs, titre=titre, unite=indicateur.unite,
                             decimales=indicateur.decimales) + "</div>")


class PeerDistributionChart(VueHTML):
    classe = "territoire-distribution"
    suit = ("code", "indicateur", "pairs")

    def rendu(self) -> str:
        fournisseur = self.etat.fournisseur
        indicateur = PAR_ID[self.etat.indicateur]
        ligne = fournisseur.indicateurs(self.etat.code, self.etat.pairs).set_index("id").loc[indicateur.id]
        valeurs = fournisseur.valeurs_pairs(self.etat.code, self.etat.pairs, indicateur.id)
        valeur = ligne["value"] if ligne["status"] == "ok" else None
        groupe = LIBELLES.get(ligne["peers_group"], ligne["peers_group"])
        titre = f"{indicateur.libelle} : {self.etat.nom} parmi {len(valeurs)} {groupe}"
        return (f'<div class="ti-graphique"><h4>Position parmi les {html.escape(groupe)} ({len(valeurs)})</h4>'
                + svg.distribution(valeurs, valeur, ligne["median"], titre=titre, unite=indicateur.unite,
                                   decimales=indicateur.decimales) + "</div>")
