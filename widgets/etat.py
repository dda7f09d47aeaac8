"""The dashboard's shared state: which commune, which peers, which indicator.

Every component observes one ``Etat``. Values arriving from the browser (URL, search box,
map click, custom peer list) go through ``choisir``/``choisir_pairs``, which validate them
on the kernel side: a forged value sets ``erreur`` (a French message shown in an error card)
and never changes the displayed commune.
"""

from __future__ import annotations

import logging
import re

from traitlets import Any, Dict, HasTraits, Unicode

from territoire_data.compare import GROUPES
from territoire_data.erreurs import TerritoireErreur

journal = logging.getLogger("territoire.tableau_de_bord")

LONGUEUR_MAX = 2_000  # longest custom peer list accepted, in characters
_LISTE = re.compile(r"^[0-9AB,\s]+$", re.IGNORECASE)


class Etat(HasTraits):
    """``code``: INSEE code of the commune shown; ``pairs``: peer group; ``indicateur``: map/chart id."""

    code = Unicode("")
    nom = Unicode("")
    pairs = Unicode("densite")
    indicateur = Unicode("population")
    erreur = Unicode("")
    ancres = Dict()  # indicator id → number of discussions anchored to it (set by the discussion panel)
    fournisseur = Any()

    def __init__(self, fournisseur, **kwargs):
        super().__init__(fournisseur=fournisseur, **kwargs)

    def choisir(self, code) -> bool:
        """Open a commune; returns False (and sets ``erreur``) if the code is not a commune."""
        texte = str(code if code is not None else "").strip()[:64]
        if not texte:
            self.erreur = "Aucune commune demandée : recherchez une commune par son nom ou son code."
            return False
        try:
            commune = self.fournisseur.territoire(texte)
        except TerritoireErreur as e:
            self.erreur = str(e)
            return False
        except Exception:  # the page must never show a traceback
            journal.exception("validation du code %r", texte)
            self.erreur = "Ce code de commune n'a pas pu être lu."
            return False
        self.erreur = ""
        self.nom = commune.name
        self.code = commune.code
        return True

    def choisir_pairs(self, groupe: str) -> bool:
        texte = str(groupe or "").strip()
        if texte in GROUPES:
            self.erreur = ""
            self.pairs = texte
            return True
        if texte.startswith("liste:") and len(texte) <= LONGUEUR_MAX and _LISTE.match(texte[6:] or "x"):
            codes = [c.strip().upper() for c in texte[6:].split(",") if c.strip()]
            inconnus = self.fournisseur.codes_inconnus(codes)
            if codes and not inconnus:
                self.erreur = ""
                self.pairs = "liste:" + ",".join(dict.fromkeys(codes))
                return True
            if inconnus:
                self.erreur = f"Codes de commune inconnus dans la liste : {', '.join(inconnus[:5])}."
                return False
        self.erreur = ("Liste de comparaison invalide : saisissez des codes INSEE de communes séparés par des "
                       "virgules (par exemple 33063,33281).")
        return False

    def choisir_indicateur(self, identifiant: str) -> bool:
        from territoire_data.catalogue import PAR_ID

        if identifiant in PAR_ID:
            self.indicateur = identifiant
            return True
        self.erreur = "Indicateur inconnu."
        return False
