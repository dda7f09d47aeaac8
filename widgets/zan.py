"""``ZanPanel``: the commune's ZAN trajectory and a what-if on its pace of consumption.

The pace is typed in hectares per year with a French decimal comma (« 0,97 »); the 1 ha
communal guarantee is on for communes (off for those listed without a plan), with its
legal reference; the trajectories of the commune, its EPCI and its SCoT sit side by side.
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as w

from territoire_data.rendering import fragments
from territoire_data.rendering.formatting import number
from widgets.guard import guard
from widgets.state import State

_PACE = re.compile(r"^\s*(\d{1,4})(?:[,.](\d{1,3}))?\s*(?:ha(?:\s*/\s*an)?)?\s*$", re.IGNORECASE)


def parse_pace(text: str) -> float | None:
    """« 0,97 », « 0.97 », « 2 ha/an » → hectares per year; None when unreadable."""
    match = _PACE.match((text or "").replace("\u202f", "").replace("\xa0", ""))
    if not match:
        return None
    return float(f"{match.group(1)}.{match.group(2) or 0}")


class ZanPanel(w.VBox):
    """Reference, allowance, consumed, remaining, projection to 2031; what-if pace and 1 ha floor."""

    def __init__(self, state: State, **kwargs):
        self.state = state
        # A text field in French (« 0,97 »): labelled for screen readers, typed at the keyboard.
        self.pace_text = w.Text(
            value="",
            description="Rythme (ha/an)",
            placeholder="ex. 0,5",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="16em"),
        )
        self.pace_error = w.HTML()
        self.floor = w.Checkbox(
            value=True,
            description="Garantie communale de 1 ha (commune couverte par un PLU, un PLUi ou une carte communale)",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.legal = w.HTML()
        self.reset = w.Button(description="Rythme constaté", tooltip="Revenir au rythme constaté depuis 2021")
        self.output = w.HTML()
        self.t: dict = {}
        self._observed: float | None = None
        self._progress = False
        self._observe = None
        self._pace = 0.0
        self._frame: list[tuple[str, dict]] = []
        super().__init__(
            [w.HBox([self.pace_text, self.reset]), self.pace_error, self.floor, self.legal, self.output], **kwargs
        )
        self.add_class("territoire-zan")
        state.observe(self._commune, "code")
        self.pace_text.observe(self._typed, "value")
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
        self._frame = self.state.provider.zan_frame(self.state.code)
        # The 1 ha floor is a commune's guarantee (loi du 20 juillet 2023): not offered for a group.
        self.floor.layout.display = None if t.get("level", "commune") == "commune" else "none"
        self._observe = t
        self._observed = t.get("observed_pace_ha_per_year") if t.get("available") else None
        available = self._observed is not None and math.isfinite(self._observed)
        self.pace_text.disabled = self.reset.disabled = self.floor.disabled = not available
        self.legal.value = (
            f'<div class="ti-aide">{html.escape(t.get("floor_1ha_reference", ""))}.</div>'
            if t.get("level", "commune") == "commune"
            else ""
        )
        self._progress = True
        try:
            self.floor.value = bool(t.get("floor_1ha_applicable", t.get("level") == "commune"))
            self.pace_error.value = ""
            if available and self._observed is not None:
                self.pace = round(self._observed, 2)
        finally:
            self._progress = False
        self._compute()

    def _repr_mimebundle_(self, **kwargs):
        """Live panel, plus its figures and chart as static HTML (exported notebooks, reports)."""
        from widgets.html_view import static_copy
        from widgets.style import sheet

        return static_copy(super()._repr_mimebundle_(**kwargs), sheet() + self.output.value)

    @property
    def pace(self) -> float:
        """The pace of the scenario (ha/an)."""
        return self._pace

    @pace.setter
    def pace(self, value: float) -> None:
        self._pace = float(value)
        self.pace_text.value = number(self._pace, 2)

    @guard
    def _typed(self, change) -> None:
        if self._progress:
            return
        value = parse_pace(change["new"])
        if value is None or value > 10_000:
            self.pace_error.value = (
                '<div class="ti-erreur" role="alert">Rythme illisible : un nombre d\'hectares par an, '
                "par exemple 0,5.</div>"
            )
            return
        self.pace_error.value = ""
        self._pace = value
        self._compute()

    @guard
    def _scenario(self, _change=None) -> None:
        if not self._progress:
            self._compute()

    def _feedback(self) -> None:
        if self._observed is not None:
            self.pace = round(self._observed, 2)
            self.pace_error.value = ""
            self._compute()

    def _compute(self) -> None:
        if not self.state.code:
            return
        scenario = None
        if self._observed is not None and not math.isclose(self.pace, round(self._observed, 2)):
            scenario = self.pace
        observed_floor = bool(self._observe and self._observe.get("floor_1ha_applicable"))
        if scenario is None and self.floor.value == observed_floor and self._observe is not None:
            self.t = self._observe  # the observed trajectory, already computed
        else:
            self.t = self.state.provider.zan(self.state.code, pace_ha_per_year=scenario, floor_1ha=self.floor.value)
        # The table « à chaque échelle » compares observed paces: the commune's row stays the
        # observed one whatever pace is typed above (the scenario is the block's, not the table's).
        frame = [(self.state.name, self._observe or self.t), *self._frame]
        self.output.value = fragments.zan_block(self.t, self.state.name) + fragments.zan_frame(
            frame if len(frame) > 1 else []
        )
