"""Callbacks that never let a traceback reach the page.

A widget callback that fails logs the traceback on the kernel side and shows a French
message through the shared state instead.
"""

from __future__ import annotations

import functools

from territoire_data.erreurs import TerritoireErreur
from widgets.etat import journal


def garde(methode):
    """Decorate a component method taking ``self`` (which has ``.etat``)."""
    @functools.wraps(methode)
    def enveloppe(self, *args, **kwargs):
        try:
            return methode(self, *args, **kwargs)
        except TerritoireErreur as e:
            self.etat.erreur = str(e)
        except Exception:
            journal.exception("erreur dans %s", methode.__qualname__)
            self.etat.erreur = ("Une erreur interne est survenue pendant l'affichage ; elle a été consignée. "
                                "Essayez une autre commune ou rechargez la page.")
        return None
    return enveloppe
