"""``ThemeTabs``: a "Synthèse" tab with the key indicators, then one tab per theme."""

from __future__ import annotations

import ipywidgets as w

from territoire_data.catalogue import INDICATEURS, THEMES
from widgets.cartes import IndicatorCard
from widgets.etat import Etat
from widgets.garde import garde

SYNTHESE = (
    "population", "variation_annuelle_population", "emplois", "taux_chomage_15_64", "part_logements_vacants",
    "revenu_median", "taux_pauvrete", "logements_autorises_1000_hab", "part_enveloppe_zan_consommee",
    "part_voiture_domicile_travail", "puissance_renouvelable_par_habitant", "medecins_generalistes_1000_hab",
)


def _grille(cartes) -> w.GridBox:
    grille = w.GridBox(cartes, layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(250px, 1fr))",
                                               grid_gap="12px", width="100%"))
    grille.add_class("territoire-grille")
    return grille


class ThemeTabs(w.Tab):
    """Cards of the commune grouped by theme; they follow the commune and the peer group."""

    def __init__(self, etat: Etat, **kwargs):
        self.etat = etat
        self.cartes: list[IndicatorCard] = []
        groupes = [("Synthèse", list(SYNTHESE))]
        groupes += [(libelle, [i.id for i in INDICATEURS if i.theme == theme]) for theme, libelle in THEMES.items()]
        enfants = []
        for _titre, ids in groupes:
            cartes = [IndicatorCard(i) for i in ids]
            self.cartes.extend(cartes)
            enfants.append(_grille(cartes))
        super().__init__(enfants, titles=[t for t, _ in groupes], **kwargs)
        self.add_class("territoire-themes")
        etat.observe(self._rafraichir, ["code", "pairs"])
        if etat.code:
            self.rafraichir()

    @garde
    def _rafraichir(self, _change=None) -> None:
        self.rafraichir()

    def rafraichir(self) -> None:
        if not self.etat.code:
            return
        table = self.etat.fournisseur.indicateurs(self.etat.code, self.etat.pairs)
        lignes = {r["id"]: r for r in table.to_dict("records")}
        demo = bool(self.etat.fournisseur.demo)
        for carte in self.cartes:
            carte.afficher(lignes.get(carte.indicateur_id, {"id": carte.indicateur_id, "status": "missing"}), demo=demo)
