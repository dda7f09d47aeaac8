"""``ZanPanel``: the commune's ZAN trajectory and a what-if on its pace of consumption."""

from __future__ import annotations

import math

import ipywidgets as w

from territoire_data import fragments
from widgets.etat import Etat
from widgets.garde import garde


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
        self.sortie.value = fragments.zan(self.t, self.etat.nom)
