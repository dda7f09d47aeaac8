"""``ThemeTabs``: a "Synthèse" tab with the key indicators, then one tab per theme."""

from __future__ import annotations

import ipywidgets as w

from territoire_data.catalogue import INDICATEURS, THEMES
from widgets.cartes import IndicatorCard, grille
from widgets.etat import Etat
from widgets.garde import garde

SYNTHESE = (
    "population", "variation_annuelle_population", "emplois", "taux_chomage_15_64", "part_logements_vacants",
    "revenu_median", "taux_pauvrete", "logements_autorises_1000_hab", "part_enveloppe_zan_consommee",
    "part_voiture_domicile_travail", "puissance_renouvelable_par_habitant", "medecins_generalistes_1000_hab",
)


class ThemeTabs(w.Tab):
    """Cards of the commune grouped by theme; they follow the commune and the peer group."""

    def __init__(self, etat: Etat, **kwargs):
        self.etat = etat
        self.cartes: list[IndicatorCard] = []
        groupes = [("Synthèse", list(SYNTHESE))]
        groupes += [(libelle, [i.id for i in INDICATEURS if i.theme == theme]) for theme, libelle in THEMES.items()]
        self.par_onglet: list[list[IndicatorCard]] = []
        self.grilles: list[w.HTML] = []
        for _titre, ids in groupes:
            cartes = [IndicatorCard(i) for i in ids]
            self.cartes.extend(cartes)
            self.par_onglet.append(cartes)
            self.grilles.append(w.HTML(grille(cartes)))
        super().__init__(self.grilles, titles=[t for t, _ in groupes], **kwargs)
        self.add_class("territoire-themes")
        etat.observe(self._rafraichir, ["code", "pairs", "ancres"])
        if etat.code:
            self.rafraichir()

    @garde
    def _rafraichir(self, _change=None) -> None:
        self.rafraichir()

    def rafraichir(self) -> None:
        if not self.etat.code:  # no commune (yet, or a forged one): nothing shown
            for html in self.grilles:
                html.value = ""
            return
        table = self.etat.fournisseur.indicateurs(self.etat.code, self.etat.pairs)
        lignes = {r["id"]: r for r in table.to_dict("records")}
        demo = bool(self.etat.fournisseur.demo)
        for carte in self.cartes:
            carte.afficher(lignes.get(carte.indicateur_id, {"id": carte.indicateur_id, "status": "missing"}), demo=demo,
                           discussions=self.etat.ancres.get(carte.indicateur_id, 0))
        for cartes, html in zip(self.par_onglet, self.grilles):
            html.value = grille(cartes)

    def carte(self, indicateur_id: str, onglet: int = 1) -> IndicatorCard:
        """The card of an indicator (by default in its theme's tab, not the synthesis)."""
        for carte in self.par_onglet[onglet] if onglet else self.par_onglet[0]:
            if carte.indicateur_id == indicateur_id:
                return carte
        for carte in self.cartes:
            if carte.indicateur_id == indicateur_id:
                return carte
        raise KeyError(indicateur_id)
