"""Callbacks that never let a traceback reach the page.

A widget callback that fails logs the traceback on the kernel side and shows a French
message through the shared state instead.
"""

from __future__ import annotations

import functools

from territoire_data.errors import TerritoireError
from widgets.state import log


def guard(method):
    """Decorate a component method taking ``self`` (which has ``.etat``)."""

    @functools.wraps(method)
    def envelope(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TerritoireError as e:
            self.state.error = str(e)
        except Exception:
            log.exception("erreur dans %s", method.__qualname__)
            self.state.error = (
                "Une erreur interne est survenue pendant l'affichage ; elle a été consignée. "
                "Essayez une autre commune ou rechargez la page."
            )
        return None

    return envelope
