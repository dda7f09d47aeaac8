"""``ZanPanel``: the commune's ZAN trajectory and a what-if on its pace of consumption."""

from __future__ import annotations

import math

import ipywidgets as w

from territoire_data.rendering import fragments
from widgets.guard import guard
from widgets.state import State


class ZanPanel(w.VBox):
    """Reference, allowance, consumed, remaining, projection to 2031; what-if pace and 1 ha floor."""

    def __init__(self, state: State, **kwargs):
        self.state = state
        # A number field rather than a slider: labelled for screen readers, typed at the keyboard.
        self.pace = w.BoundedFloatText(
            value=0.0,
            min=0.0,
            max=1000.0,
            step=0.05,
            description="Rythme (ha/an)",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="16em"),
        )
        self.floor = w.Checkbox(
            value=False,
            description="Plancher de 1 ha (commune couverte par un document d'urbanisme)",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.reset = w.Button(description="Rythme constaté", tooltip="Revenir au rythme constaté depuis 2021")
        self.output = w.HTML()
        self.t: dict = {}
        self._observed: float | None = None
        self._progress = False
        self._observe = None
        super().__init__([w.HBox([self.pace, self.reset]), self.floor, self.output], **kwargs)
        self.add_class("territoire-zan")
        state.observe(self._commune, "code")
        self.pace.observe(self._scenario, "value")
        self.floor.observe(self._scenario, "value")
        self.reset.on_click(lambda _b: self._feedback())
        self._commune()

    @guard
    def _commune(self, _change=None) -> None:
        if not self.state.code:
            self.output.value = ""
            self._observe = self._observed = None
            return
        t = self.state.provider.zan(self.state.code)
        # The 1 ha floor is a commune's guarantee (loi du 20 juillet 2023): not offered for a group.
        self.floor.layout.display = None if t.get("level", "commune") == "commune" else "none"
        self._observe = t
        self._observed = t.get("observed_pace_ha_per_year") if t.get("available") else None
        available = self._observed is not None and math.isfinite(self._observed)
        self.pace.disabled = self.reset.disabled = self.floor.disabled = not available
        self._progress = True
        try:
            self.floor.value = False
            if available and self._observed is not None:
                self.pace.max = max(10.0, round(self._observed * 3, 1))
                self.pace.value = round(self._observed, 2)
        finally:
            self._progress = False
        self._compute()

    @guard
    def _scenario(self, _change=None) -> None:
        if not self._progress:
            self._compute()

    def _feedback(self) -> None:
        if self._observed is not None:
            self.pace.value = round(self._observed, 2)

    def _compute(self) -> None:
        if not self.state.code:
            return
        scenario = None
        if self._observed is not None and not math.isclose(self.pace.value, round(self._observed, 2)):
            scenario = self.pace.value
        if scenario is None and not self.floor.value and self._observe is not None:
            self.t = self._observe  # the observed trajectory, already computed
        else:
            self.t = self.state.provider.zan(self.state.code, pace_ha_per_year=scenario, floor_1ha=self.floor.value)
        self.output.value = fragments.zan_block(self.t, self.state.name)
