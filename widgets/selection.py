"""Choosing what is shown: ``CommuneSelector`` (search as you type) and ``PeerGroupPicker``."""

from __future__ import annotations

import warnings

import ipywidgets as w
from traitlets import List

from widgets.etat import Etat
from widgets.garde import garde

MAX_SUGGESTIONS = 6
LONGUEUR_RECHERCHE = 100


class CommuneSelector(w.VBox):
    """Type a name or a code: suggestions (accent- and case-insensitive) appear as buttons.

    Keyboard: Enter opens the first suggestion; Tab reaches each suggestion, Enter or Space
    opens it. The search box carries ``.territoire-recherche``.
    """

    suggestions = List()

    def __init__(self, etat: Etat, **kwargs):
        self.etat = etat
        self.saisie = w.Text(placeholder="Rechercher une commune (nom ou code INSEE)…", continuous_update=True,
                             layout=w.Layout(width="100%"))
        self.saisie.add_class("territoire-recherche")
        self.liste = w.VBox(layout=w.Layout(width="100%"))
        self.liste.add_class("territoire-suggestions")
        self.message = w.HTML()
        super().__init__([self.saisie, self.message, self.liste], **kwargs)
        self.add_class("territoire-selecteur")
        self.saisie.observe(self._saisie, "value")
        with warnings.catch_warnings():
            # Enter on a continuously updated box has no other API in ipywidgets 8.
            warnings.simplefilter("ignore", DeprecationWarning)
            self.saisie.on_submit(self._valider)

    @garde
    def _saisie(self, change) -> None:
        self.chercher(change["new"])

    def chercher(self, texte: str) -> None:
        texte = (texte or "")[:LONGUEUR_RECHERCHE]
        resultats = self.etat.fournisseur.rechercher(texte, limite=MAX_SUGGESTIONS) if texte.strip() else []
        self.suggestions = [(r.code, r.name, r.departement) for r in resultats]
        boutons = []
        for code, nom, departement in self.suggestions:
            bouton = w.Button(description=f"{nom} ({departement}) — {code}", tooltip=f"Ouvrir {nom}",
                              layout=w.Layout(width="100%"))
            bouton.add_class("territoire-suggestion")
            bouton.on_click(lambda _b, c=code: self.ouvrir(c))
            boutons.append(bouton)
        self.liste.children = boutons
        self.message.value = ('<div class="ti-aide">Aucune commune ne correspond.</div>'
                              if texte.strip() and not boutons else "")

    @garde
    def _valider(self, _texte) -> None:
        if self.suggestions:
            self.ouvrir(self.suggestions[0][0])
        elif self.saisie.value.strip():
            self.ouvrir(self.saisie.value.strip())

    @garde
    def ouvrir(self, code: str) -> None:
        if self.etat.choisir(code):
            self.saisie.value = ""
            self.liste.children = []
            self.suggestions = []


class PeerGroupPicker(w.HBox):
    """Peer group of every card and chart: densité (default), taille, département, EPCI, France, list."""

    CHOIX = (("communes de même densité", "densite"), ("communes de même taille", "taille"),
             ("communes du département", "departement"), ("communes de l'EPCI", "epci"),
             ("toutes les communes de France", "france"), ("liste personnalisée…", "liste"))

    def __init__(self, etat: Etat, **kwargs):
        self.etat = etat
        self.groupe = w.Dropdown(options=self.CHOIX, value="densite", description="Comparer aux",
                                 style={"description_width": "initial"})
        self.liste = w.Text(placeholder="codes INSEE séparés par des virgules", continuous_update=False,
                            layout=w.Layout(width="22em", display="none"))
        self.bouton = w.Button(description="Appliquer", layout=w.Layout(display="none"))
        super().__init__([self.groupe, self.liste, self.bouton], **kwargs)
        self.add_class("territoire-pairs")
        self.groupe.observe(self._groupe, "value")
        self.bouton.on_click(lambda _b: self._liste())
        self.liste.observe(lambda _c: self._liste(), "value")  # Enter or leaving the box

    @garde
    def _groupe(self, change) -> None:
        personnalise = change["new"] == "liste"
        for widget in (self.liste, self.bouton):
            widget.layout.display = None if personnalise else "none"
        if not personnalise:
            self.etat.choisir_pairs(change["new"])

    @garde
    def _liste(self) -> None:
        self.etat.choisir_pairs("liste:" + self.liste.value)
