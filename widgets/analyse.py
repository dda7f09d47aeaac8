"""Building blocks for analysis notebooks (thematic notebooks and the consultant's template).

A notebook opens a ``Contexte`` for its ``code`` parameter and shows the same cards, charts
and ZAN panel as the dashboard, plus plain tables to work from::

    ctx = analyse.contexte(code, pairs)
    analyse.entete(ctx)
    analyse.cartes(ctx, "logement")
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from IPython.display import HTML
import pandas as pd

from territoire_data.catalogue import PAR_ID, THEMES
from widgets.cartes import IndicatorCard, grille
from widgets.etat import Etat
from widgets.fournisseur import Fournisseur
from widgets.graphiques import PeerDistributionChart, TrendChart
from widgets.style import feuille
from widgets.zan import ZanPanel


@dataclass
class Contexte:
    etat: Etat

    @property
    def fournisseur(self):
        return self.etat.fournisseur

    @property
    def code(self) -> str:
        return self.etat.code

    @property
    def nom(self) -> str:
        return self.etat.nom

    def indicateurs(self, theme: str | None = None) -> pd.DataFrame:
        """The indicator table (``indicateurs.tableau`` columns), optionally one theme."""
        table = self.fournisseur.indicateurs(self.code, self.etat.pairs)
        return table if theme is None else table[table["theme"] == theme].reset_index(drop=True)

    def resume(self, theme: str) -> pd.DataFrame:
        """Label, value, unit, year, percentile and peers' median of a theme, for reading."""
        table = self.indicateurs(theme)
        return table[["label", "value", "unit", "year", "status", "percentile", "median", "source"]].rename(columns={
            "label": "indicateur", "value": "valeur", "unit": "unité", "year": "année", "status": "statut",
            "percentile": "centile", "median": "médiane des pairs"})

    def serie(self, indicateur: str) -> pd.DataFrame:
        return self.fournisseur.serie(self.code, indicateur)


def contexte(code: str, pairs: str = "densite", home=None, fournisseur=None) -> Contexte:
    """Open a commune for analysis; a wrong code or peer group raises a French error."""
    from territoire_data.erreurs import TerritoireErreur

    etat = Etat(fournisseur or Fournisseur(home))
    if not etat.choisir(code) or not etat.choisir_pairs(pairs):
        raise TerritoireErreur(etat.erreur)
    return Contexte(etat)


def entete(ctx: Contexte, titre: str = "") -> HTML:
    """Static header (name, attachment, demo notice): readable in saved and exported notebooks too."""
    fiche = ctx.fournisseur.territoire(ctx.code).fiche()
    dep = fiche.get("departement") or {}
    epci = fiche.get("epci") or {}
    demo = ('<div class="territoire-bandeau-demo"><strong>Données de démonstration</strong> : valeurs '
            "synthétiques, à ne pas citer.</div>" if ctx.fournisseur.demo else "")
    return HTML(
        f"{feuille()}<div class=\"territoire-titre\"><h1>{html.escape(ctx.nom)}"
        f"{' — ' + html.escape(titre) if titre else ''}</h1><div class=\"ti-rattachement\">"
        f"{html.escape(dep.get('name', ''))} ({html.escape(dep.get('code', ''))}) · {html.escape(epci.get('name', '') or 'hors EPCI')}"
        f" · code INSEE {html.escape(ctx.code)}</div></div>{demo}")


def cartes(ctx: Contexte, theme: str) -> HTML:
    """The theme's indicator cards, as on the dashboard (static HTML: kept in saved notebooks)."""
    if theme not in THEMES:
        raise KeyError(f"Thème inconnu : {theme}")
    lignes = ctx.indicateurs(theme).to_dict("records")
    liste = []
    for ligne in lignes:
        carte = IndicatorCard(ligne["id"])
        carte.afficher(ligne, demo=bool(ctx.fournisseur.demo))
        liste.append(carte)
    return HTML(feuille() + grille(liste))


def evolution(ctx: Contexte, indicateur: str) -> TrendChart:
    ctx.etat.choisir_indicateur(PAR_ID[indicateur].id)
    return TrendChart(ctx.etat)


def position(ctx: Contexte, indicateur: str) -> PeerDistributionChart:
    ctx.etat.choisir_indicateur(PAR_ID[indicateur].id)
    return PeerDistributionChart(ctx.etat)


def zan(ctx: Contexte) -> ZanPanel:
    return ZanPanel(ctx.etat)
