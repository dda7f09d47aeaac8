"""``TriennialPanel`` (``.territoire-rapport-triennal``, in the « Foncier et ZAN » tab): the
draft of the triennial artificialisation report of the territory shown, as ODT (to edit) and
PDF (to read), local corrections included — those of the home's file and those entered below
(``CorrectionsForm``).

Shown to the users the ``TriennialProvider`` allows — élus and agents of the territory (and
admins), the people who present the report to the council — and hidden from everyone else;
making the documents checks the right again. The files are offered as ``data:`` links, like
the exports.
"""

from __future__ import annotations

import html

import ipywidgets as w
import traitlets
from traitlets import Unicode

from territoire_data.errors import TerritoireError
from widgets.corrections import CorrectionsForm
from widgets.export import _link
from widgets.guard import guard
from widgets.providers import TriennialProvider, granted
from widgets.state import CheckedTraits, State

ODT = "application/vnd.oasis.opendocument.text"


class TriennialPanel(CheckedTraits, w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, state: State, provider: TriennialProvider | None = None, **kwargs):
        self.state, self.provider = state, provider
        self.make = w.Button(
            description="Rapport triennal (projet)",
            button_style="primary",
            tooltip="Rédiger le projet de rapport local de suivi de l'artificialisation (CGCT L2231-1)",
            layout=w.Layout(width="auto", min_width="16em"),
        )
        self.output = w.HTML()
        self.corrections = CorrectionsForm(state, provider)
        self.fold = w.Accordion([self.corrections], titles=["Corrections locales (valeurs d'un observatoire)"])
        self.fold.selected_index = None
        super().__init__(
            [
                w.HTML('<h2 class="ti-titre-rapport">Rapport triennal local de l\'artificialisation</h2>'),
                self.make,
                self.output,
                self.fold,
            ],
            **kwargs,
        )
        self.add_class("territoire-rapport-triennal")
        self.make.on_click(lambda _b: self._make())
        traitlets.dlink((self, "login"), (self.corrections, "login"))
        state.observe(self._territory, "code")
        self.observe(self._territory, "login")
        self._territory()

    @guard
    def _territory(self, _change=None) -> None:
        allowed = granted(self.provider, self.login, self.state.code)
        self.layout.display = None if allowed else "none"
        self.output.value = (
            '<div class="ti-aide">Le projet de rapport que le conseil débat au moins tous les trois ans '
            "(code général des collectivités territoriales, article L2231-1) : consommation d'espaces, "
            "trajectoire ZAN, zones à rédiger et projet de délibération, à modifier dans LibreOffice ou Word.</div>"
            if allowed
            else ""
        )

    @guard
    def _make(self) -> None:
        # The right may have been withdrawn since the page opened.
        if self.provider is None or not granted(self.provider, self.login, self.state.code):
            self.layout.display = "none"
            self.output.value = ""
            return
        self.make.disabled = True
        self.output.value = '<div class="ti-aide">Rédaction du projet…</div>'
        try:
            files = self.provider.documents(self.login, self.state.code)
        except TerritoireError as error:
            self.output.value = f'<div class="ti-erreur">{html.escape(str(error))}</div>'
            return
        finally:
            self.make.disabled = False
        base = f"rapport_triennal_{self.state.code.replace(':', '-')}"
        links = [_link(files["odt"], ODT, f"{base}.odt", "Projet à modifier (ODT)", "ti-rtla-odt")]
        if "pdf" in files:
            links.append(_link(files["pdf"], "application/pdf", f"{base}.pdf", "Version à lire (PDF)", "ti-rtla-pdf"))
        else:
            links.append(
                _link(files["html"], "text/html;charset=utf-8", f"{base}.html", "Version à lire (HTML)", "ti-rtla-html")
            )
        note = files.get("note", "")
        self.output.value = (
            '<div class="ti-export">'
            + " ".join(links)
            + "</div>"
            + (f'<div class="ti-aide">{html.escape(note)}</div>' if note else "")
        )
