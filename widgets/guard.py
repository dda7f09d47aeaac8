"""Callbacks that never let a traceback reach the page.

A widget callback that fails logs the traceback on the kernel side and shows a French
message through the shared state instead. ``logs_to_server`` sends the kernel's logs (ours,
and those of the comm layer that refuses a forged widget message) to the server's log only:
in a kernel, standard error is also forwarded to the page over the websocket.
"""

from __future__ import annotations

import functools
import logging
import os
import sys

from territoire_data.errors import TerritoireError
from widgets.state import log

KERNEL_LOGGERS = ("territoire", "Comm", "ipykernel.comm")


def server_log_stream():
    """A text stream to the process's own standard error, not the one ipykernel forwards to
    the page (``OutStream`` keeps a copy of the original descriptor)."""
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if original is None:
        return sys.__stderr__
    return open(os.dup(original), "w", buffering=1, encoding="utf-8", errors="replace")


def logs_to_server() -> logging.StreamHandler:
    """Route the kernel's loggers to the server's log, never to the page; returns the handler."""
    handler = logging.StreamHandler(server_log_stream())
    handler.setFormatter(logging.Formatter("[territoire-noyau %(levelname)s %(name)s] %(message)s"))
    for name in KERNEL_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if getattr(h, "_territoire", False) is False]
        handler._territoire = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    _widget_errors_to_server_log()
    return handler


def _widget_errors_to_server_log() -> None:
    """ipywidgets shows the traceback of a widget message it could not apply (a forged state,
    say) through ``showtraceback``, which sends it to the page. In a dashboard kernel, while a
    widget message is handled, it goes to the server's log instead."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if shell is None or kernel is None or getattr(shell.showtraceback, "_territoire", False):
        return
    original = shell.showtraceback

    def showtraceback(*args, **kwargs):
        header = (kernel.get_parent() or {}).get("header") or {}
        if str(header.get("msg_type", "")).startswith("comm_"):
            log.warning("message de widget refusé (%s)", header.get("msg_type"), exc_info=True)
            return None
        return original(*args, **kwargs)

    showtraceback._territoire = True  # type: ignore[attr-defined]
    shell.showtraceback = showtraceback


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
