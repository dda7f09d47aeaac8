"""Executed notebook → one self-contained HTML page (no script, no external resource).

nbconvert's ``basic`` template gives the cells' outputs only; code inputs and the
parameter cells are removed by tag; the page around them and its stylesheet are ours.
"""

from __future__ import annotations

import html
import re

from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor

from territoire_data.reports.style import CSS

_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


class _Exporter(HTMLExporter):
    """``HTMLExporter`` without its BeautifulSoup pass (half the conversion time of a report).

    That pass adds ``alt`` to images and ``tabindex`` to JupyterLab cells; the ``basic``
    template has no such cells and the ``alt`` is added here with a regular expression.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter(
            "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        )
        resources = self._init_resources(resources)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        content, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _IMAGE_WITHOUT_ALT.sub('<img alt="Figure produite par le carnet" ', content), resources


def exporter() -> HTMLExporter:
    """The HTML exporter (templates compiled on first use: build it once per process)."""
    exporter = _Exporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    removal = TagRemovePreprocessor(
        remove_cell_tags={"parameters", "injected-parameters"}, remove_input_tags={"remove_input"}, enabled=True
    )
    exporter.register_preprocessor(removal, enabled=True)
    return exporter


def page(nb, title: str, html_exporter: HTMLExporter | None = None) -> str:
    body, _ = (html_exporter or exporter()).from_notebook_node(nb)
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>"
    )
