"""``HtmlView``: an HTML widget redrawn from the shared state.

Subclasses name the state traits they follow (``follows``) and return the HTML of the current
commune from ``render``; without a commune the view is empty, and a failure becomes a French
message through ``guard``.
"""

from __future__ import annotations

import ipywidgets as w

from widgets.guard import guard
from widgets.state import State
from widgets.style import sheet


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

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus its HTML as a static copy: a notebook exported by nbconvert,
        shown on GitHub or turned into a report keeps the chart (it has no widget state)."""
        return static_copy(super()._repr_mimebundle_(**kwargs), sheet() + self.value)


def static_copy(bundle, html: str):
    """A widget's mime bundle with a ``text/html`` copy (front ends with a widget manager
    still show the live widget, which ranks above HTML)."""
    if isinstance(bundle, tuple):  # (data, metadata)
        data, metadata = bundle
        return {**data, "text/html": html}, metadata
    return {**(bundle or {}), "text/html": html}
