"""``HtmlView``: an HTML widget redrawn from the shared state.

Subclasses name the state traits they follow (``follows``) and return the HTML of the current
commune from ``render``; without a commune the view is empty, and a failure becomes a French
message through ``guard``.
"""

from __future__ import annotations

import ipywidgets as w

from widgets.guard import guard
from widgets.state import State


class HtmlView(w.HTML):
    class_: str = ""
    follows: tuple[str, ...] = ("code",)

    def __init__(self, state: State, **kwargs):
        super().__init__(**kwargs)
        self.state = state
        self.add_class(self.class_)
        state.observe(self._refresh, list(self.follows))
        self._refresh()

    @guard
    def _refresh(self, _change=None) -> None:
        self.value = self.render() if self.state.code else ""

    def render(self) -> str:
        raise NotImplementedError
