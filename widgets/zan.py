"""``ZanPanel``: the commune's ZAN trajectory and a what-if on its pace of consumption."""

from __future__ import annotations

import html
import math

import ipywidgets as w

from territoire_data import svg
from territoire_data.format import nombre
from widgets.etat import Etat
from widgets.garde import garde


def _ha(valeur) -> str:
    return f"{nombre(valeur, 2)} ha"


def html_zan(t: dict, nom: str) -> str:
    """Figures and chart of a ``zan.trajectoire`` result."""
    if not t.get("disponible"):
        return f'<div class="ti-zan ti-absent">Trajectoire ZAN non disponible : {html.escape(t.get("raison", ""))}.</div>'
    lignes = [
        ("Référence 2011-2020 (consommation d'espaces NAF)", _ha(t["reference_2011_2020_ha"])),
        ("Enveloppe 2021-2030 (50 % de la référence"
         + (", plancher de 1 ha appliqué)" if t["plancher_1ha_applique"] else ")"), _ha(t["enveloppe_2021_2030_ha"])),
        (f"Consommé de 2021 à {t['derniere_annee']}", _ha(t["consomme_depuis_2021_ha"])),
        ("Reste à consommer d'ici 2031", _ha(t["restant_ha"])),
        ("Rythme retenu", f"{nombre(t['rythme_retenu_ha_an'], 2)} ha/an"
         + (f" (constaté : {nombre(t['rythme_constate_ha_an'], 2)} ha/an)"
            if not math.isclose(t["rythme_retenu_ha_an"], t["rythme_constate_ha_an"], abs_tol=1e-9) else " (constaté)")),
        ("Projection au 1er janvier 2031", f"{_ha(t['projection_2031_ha'])} "
         f"({nombre(t['projection_part_enveloppe'], 0)} % de l'enveloppe)"),
    ]
    if t["annee_epuisement"] is not None:
        lignes.append(("Enveloppe épuisée en", str(t["annee_epuisement"])))
    verdict = ('<div class="ti-alerte">À ce rythme, l\'enveloppe 2021-2030 est dépassée.</div>'
               if t["depassement_projete"] else
               '<div class="ti-ok">À ce rythme, la trajectoire reste dans l\'enveloppe 2021-2030.</div>')
    tableau = "".join(f"<tr><th scope=\"row\">{html.escape(a)}</th><td>{html.escape(b)}</td></tr>" for a, b in lignes)
    graphique = svg.trajectoire_zan(t["serie_ha"], t["enveloppe_2021_2030_ha"], t["projection_2031_ha"],
                                    titre=f"Consommation d'espaces cumulée depuis 2021 — {nom}")
    return f'<div class="ti-zan"><table class="ti-table">{tableau}</table>{verdict}{graphique}</div>'


class ZanPanel(w.VBox):
    """Reference, allowance, consumed, remaining, projection to 2031; what-if pace and 1 ha floor."""

    def __init__(self, etat: Etat, **kwargs):
        self.etat = etat
        self.rythme = w.FloatSlider(value=0.0, min=0.0, max=10.0, step=0.05, description="Rythme (ha/an)",
                                    continuous_update=False, readout_format=".2f",
                                    style={"description_width": "initial"}, layout=w.Layout(width="28em"))
        self.plancher = w.Checkbox(value=False, description="Plancher de 1 ha (commune couverte par un document d'urbanisme)",
                                   indent=False, layout=w.Layout(width="auto"))
        self.reinitialiser = w.Button(description="Rythme constaté", tooltip="Revenir au rythme constaté depuis 2021")
        self.sortie = w.HTML()
        self.t: dict = {}
        self._constate = None
        self._en_cours = False
        self._observe = None
        super().__init__([w.HBox([self.rythme, self.reinitialiser]), self.plancher, self.sortie], **kwargs)
        self.add_class("territoire-zan")
        etat.observe(self._commune, "code")
        self.rythme.observe(self._scenario, "value")
        self.plancher.observe(self._scenario, "value")
        self.reinitialiser.on_click(lambda _b: self._retour())
        self._commune()

    @garde
    def _commune(self, _change=None) -> None:
        if not self.etat.code:
            self.sortie.value = ""
            self._observe = self._constate = None
            return
        t = self.etat.fournisseur.zan(self.etat.code)
        self._observe = t
        self._constate = t.get("rythme_constate_ha_an") if t.get("disponible") else None
        disponible = self._constate is not None and math.isfinite(self._constate)
        self.rythme.disabled = self.reinitialiser.disabled = self.plancher.disabled = not disponible
        self._en_cours = True
        try:
            self.plancher.value = False
            if disponible:
                self.rythme.max = max(10.0, round(self._constate * 3, 1))
                self.rythme.value = round(self._constate, 2)
        finally:
            self._en_cours = False
        self._calculer()

    @garde
    def _scenario(self, _change=None) -> None:
        if not self._en_cours:
            self._calculer()

    def _retour(self) -> None:
        if self._constate is not None:
            self.rythme.value = round(self._constate, 2)

    def _calculer(self) -> None:
        if not self.etat.code:
            return
        scenario = None
        if self._constate is not None and not math.isclose(self.rythme.value, round(self._constate, 2)):
            scenario = self.rythme.value
        if scenario is None and not self.plancher.value and self._observe is not None:
            self.t = self._observe  # the observed trajectory, already computed
        else:
            self.t = self.etat.fournisseur.zan(self.etat.code, rythme_ha_an=scenario, plancher_1ha=self.plancher.value)
        self.sortie.value = html_zan(self.t, self.etat.nom)
