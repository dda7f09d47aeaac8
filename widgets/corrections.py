"""``CorrectionsForm`` (``.territoire-corrections``): the local corrections of the triennial
report of the territory shown, entered by its élus and agents — a national figure replaced
by an observatory's, with its source and reason; who entered it and when is recorded by the
store and printed in the report's trace.

Shown inside ``TriennialPanel`` to the same people; every call checks the right again, so a
right withdrawn while the page is open stops the next action with a French message.
"""

from __future__ import annotations

import html
from datetime import date

import ipywidgets as w
from traitlets import Unicode

from territoire_data.errors import TerritoireError
from territoire_data.rendering.formatting import number
from territoire_data.rtla.corrections import LABELS, WITHOUT_YEAR
from widgets.guard import guard
from widgets.providers import TriennialProvider, granted
from widgets.state import CheckedTraits, State

FIRST_YEAR = 2009  # the Cerema series' first year
NO_YEAR = "sans année"


class CorrectionsForm(CheckedTraits, w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, state: State, provider: TriennialProvider | None = None, **kwargs):
        self.state, self.provider = state, provider
        wide = w.Layout(width="100%", max_width="40em")
        self.listing = w.HTML()
        self.indicator = w.Dropdown(
            options=[(label, key) for key, label in LABELS.items()], description="Chiffre", layout=wide
        )
        self.year = w.Dropdown(options=self._years(), description="Année", layout=w.Layout(width="16em"))
        self.value = w.Text(description="Valeur (ha)", placeholder="1,90", layout=w.Layout(width="16em"))
        self.source = w.Text(description="Source", placeholder="Observatoire départemental, relevé 2025", layout=wide)
        self.reason = w.Textarea(
            description="Motif", placeholder="Pourquoi la valeur nationale est remplacée", layout=wide
        )
        for field in (self.indicator, self.year, self.value, self.source, self.reason):
            field.style = {"description_width": "7em"}
        self.save = w.Button(
            description="Enregistrer la correction", button_style="primary", layout=w.Layout(width="auto")
        )
        self.chosen = w.Dropdown(description="Correction", layout=wide)
        self.chosen.style = {"description_width": "7em"}
        self.remove = w.Button(description="Retirer", tooltip="La valeur nationale sera de nouveau utilisée")
        self.message = w.HTML()
        self.removal = w.HBox([self.chosen, self.remove])
        super().__init__(
            [
                w.HTML(
                    '<div class="ti-aide">Remplacer un chiffre national par celui d\'un observatoire local, '
                    "départemental ou régional (article R2231-1) : la source et le motif sont obligatoires ; "
                    "le rapport imprime la valeur nationale, la valeur retenue, qui l'a saisie et quand.</div>"
                ),
                self.listing,
                self.removal,
                self.indicator,
                self.year,
                self.value,
                self.source,
                self.reason,
                self.save,
                self.message,
            ],
            **kwargs,
        )
        self.add_class("territoire-corrections")
        self.indicator.observe(self._indicator, "value")
        self.save.on_click(lambda _b: self._save())
        self.remove.on_click(lambda _b: self._remove())
        state.observe(self._territory, "code")
        self.observe(self._territory, "login")
        self._indicator()
        self._territory()

    @staticmethod
    def _years() -> list:
        return [(str(y), y) for y in range(date.today().year - 1, FIRST_YEAR - 1, -1)]

    @guard
    def _indicator(self, _change=None) -> None:
        if self.indicator.value in WITHOUT_YEAR:
            self.year.options, self.year.disabled = [(NO_YEAR, None)], True
        else:
            self.year.options, self.year.disabled = self._years(), False

    def _say(self, text: str, ok: bool) -> None:
        css, role = ("ti-ok", "status") if ok else ("ti-erreur", "alert")
        self.message.value = f'<div class="{css}" role="{role}">{html.escape(text)}</div>'

    @guard
    def _territory(self, _change=None) -> None:
        self.message.value = ""
        if not granted(self.provider, self.login, self.state.code):
            self.layout.display = "none"
            self.listing.value, self.chosen.options = "", []
            return
        self.layout.display = None
        self._load()

    def _load(self) -> None:
        assert self.provider is not None
        try:
            found = self.provider.corrections(self.login, self.state.code)
        except TerritoireError as error:
            self.listing.value, self.chosen.options = "", []
            self._say(str(error), ok=False)
            return
        self.chosen.options = [
            (f"{c['label']}{' ' + str(c['year']) if c['year'] else ''} : {number(c['value'], 2)} ha", c["id"])
            for c in found
        ]
        self.chosen.index = 0 if found else None  # the options alone leave no value chosen
        self.removal.layout.display = None if found else "none"
        if not found:
            self.listing.value = (
                '<p class="ti-aide">Aucune correction saisie : le rapport utilise les chiffres nationaux.</p>'
            )
            return
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(cell))}</td>"
                for cell in (
                    c["label"],
                    c["year"] or "",
                    f"{number(c['value'], 2)} ha",
                    c["source"],
                    c["reason"],
                    f"{c['recorded_by'] or ''} {c['recorded_on'] or ''}".strip(),
                )
            )
            + "</tr>"
            for c in found
        )
        self.listing.value = (
            '<table class="ti-table"><caption>Corrections saisies pour ce territoire</caption><thead><tr>'
            + "".join(
                f'<th scope="col">{h}</th>' for h in ("chiffre", "année", "valeur retenue", "source", "motif", "saisie")
            )
            + f"</tr></thead><tbody>{rows}</tbody></table>"
        )

    @guard
    def _save(self) -> None:
        if self.provider is None or not granted(self.provider, self.login, self.state.code):  # withdrawn meanwhile
            self._territory()
            return
        try:
            saved = self.provider.record(
                self.login,
                self.state.code,
                indicator=self.indicator.value,
                year=self.year.value,
                value=self.value.value,
                source=self.source.value,
                reason=self.reason.value,
            )
        except TerritoireError as error:
            self._say(str(error), ok=False)
            return
        self.value.value = self.source.value = self.reason.value = ""
        self._load()
        self._say(f"Correction enregistrée : {saved['label']}, {number(saved['value'], 2)} ha.", ok=True)

    @guard
    def _remove(self) -> None:
        if self.provider is None or self.chosen.value is None:
            return
        try:
            self.provider.withdraw(self.login, self.chosen.value)
        except TerritoireError as error:
            self._say(str(error), ok=False)
            self._territory()
            return
        self._load()
        self._say("Correction retirée : la valeur nationale est de nouveau utilisée.", ok=True)
