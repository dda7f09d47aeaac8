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

CSS = """
body { font-family: Marianne, "Helvetica Neue", Arial, sans-serif; color: #161616; margin: 0; background: #f6f6f6; }
main { max-width: 1100px; margin: 0 auto; background: #ffffff; padding: 24px 40px 48px; }
.r-entete { border-top: 5px solid #000091; padding-top: 12px; }
.r-marque { color: #000091; font-weight: 700; }
.r-titre { font-size: 34px; margin: 8px 0 4px; }
.r-sous-titre, .r-note { color: #3a3a3a; font-size: 14px; }
.r-demo { background: #fff4f3; border-left: 5px solid #ce0500; padding: 8px 12px; margin: 12px 0; }
.r-section h2 { font-size: 22px; border-bottom: 1px solid #dddddd; padding-bottom: 4px; margin-top: 32px; }
.r-section h3 { font-size: 17px; margin: 18px 0 6px; color: #000091; }
.r-table, .r-fiche, .ti-table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
.r-table th, .r-table td, .r-fiche th, .r-fiche td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.r-table thead th { background: #f0f0f8; }
.r-fiche { width: auto; } .r-fiche th { font-weight: 400; color: #3a3a3a; } .r-fiche td { font-weight: 700; }
.r-valeur { font-weight: 700; white-space: nowrap; } .r-source { color: #3a3a3a; font-size: 12.5px; }
.r-defile { overflow-x: auto; }
.r-grille { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; }
.r-figure, .r-carte { margin: 0; } figcaption { font-weight: 700; font-size: 14px; margin-bottom: 4px; }
.ti-cles { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; }
.ti-pastille { display: inline-block; width: 14px; height: 14px; margin-right: 5px; vertical-align: -2px;
  border: 1px solid #929292; }
.ti-table th { font-weight: 400; color: #3a3a3a; text-align: left; padding: 3px 16px 3px 0; } .ti-table td { font-weight: 700; }
.ti-alerte { color: #ce0500; font-weight: 700; } .ti-ok { color: #18753c; font-weight: 700; }
.jp-OutputArea-output pre, .output_stream pre { white-space: pre-wrap; font-size: 13px; }
.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] { background: #fff4f3; }
@media print { body { background: #ffffff; } main { padding: 0; } .r-section { break-inside: avoid-page; } }
"""


_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


class _Exporter(HTMLExporter):
    """``HTMLExporter`` without its BeautifulSoup pass (half the conversion time of a report).

    That pass adds ``alt`` to images and ``tabindex`` to JupyterLab cells; the ``basic``
    template has no such cells and the ``alt`` is added here with a regular expression.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        content, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _IMAGE_WITHOUT_ALT.sub('<img alt="Figure produite par le carnet" ', content), resources


def exporter() -> HTMLExporter:
    """The HTML exporter (templates compiled on first use: build it once per process)."""
    exporter = _Exporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                               exclude_output_prompt=True)
    removal = TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"},
                                    remove_input_tags={"remove_input"}, enabled=True)
    exporter.register_preprocessor(removal, enabled=True)
    return exporter


def page(nb, title: str, html_exporter: HTMLExporter | None = None) -> str:
    body, _ = (html_exporter or exporter()).from_notebook_node(nb)
    return ("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>")
