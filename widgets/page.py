"""``PageSync``: the browser tab's title and address follow the territory shown.

An invisible widget (anywidget: a few lines of JavaScript shipped inline, nothing fetched):
``title`` becomes ``document.title``; ``query`` replaces the address's query string
(``?territoire=epci:243300316``) without reloading, so the address can be copied and shared.
"""

from __future__ import annotations

import anywidget
import traitlets

_ESM = """
function apply(model) {
  const title = model.get("title");
  if (title) { document.title = title; }
  const query = model.get("query");
  if (query) {
    const url = new URL(window.location.href);
    url.search = query;
    window.history.replaceState(window.history.state, "", url.toString());
  }
}
export default {
  render({ model, el }) {
    el.style.display = "none";
    apply(model);
    model.on("change:title", () => apply(model));
    model.on("change:query", () => apply(model));
  },
};
"""


class PageSync(anywidget.AnyWidget):
    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)


def query_of(code: str) -> str:
    """The query string of a territory's dashboard, ``?territoire=CODE`` at every level (the
    architecture's contract; ``?commune=CODE`` stays accepted as its alias)."""
    from urllib.parse import urlencode

    return "?" + urlencode({"territoire": code}, safe=":")
