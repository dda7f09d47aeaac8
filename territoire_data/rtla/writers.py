"""The report's formats: ODT and DOCX to edit (LibreOffice, Word), HTML and PDF to publish,
JSON with every figure. All lay out the blocks of ``document.blocks``; text is always placed
as text (escaped in HTML, text nodes in ODT and DOCX), never as markup or formula."""

from __future__ import annotations

import base64
import copy
import html
import io

from territoire_data import strict_json
from territoire_data.rtla.document import Block, Chart, Heading, PageBreak, Paragraph, Table, Zone, blocks

FORMATS = ("odt", "docx", "pdf", "html", "json")
CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 50rem; margin: 2rem auto; color: #1b1b1b;
       line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 0.6rem 0 1.2rem; font-size: 0.85rem; width: 100%; }
caption { text-align: left; font-style: italic; padding-bottom: 0.3rem; }
th, td { border: 1px solid #999; padding: 0.2rem 0.4rem; vertical-align: top; } td.n { text-align: right; }
.note { color: #444; font-size: 0.9rem; } .warning { color: #8a1c1c; font-weight: bold; }
.zone { border: 1px dashed #7a6a00; background: #fffbe6; padding: 0.6rem 0.8rem; margin: 1rem 0; }
.zone h3 { margin: 0 0 0.3rem; font-size: 1rem; } figure { margin: 1rem 0; } figure img { max-width: 100%; }
@media print { .page-break { page-break-before: always; } body { margin: 0 auto; } }
"""


def to_json(report: dict, layout: list[Block] | None = None) -> bytes:
    return strict_json.text(strict_json.clean(report)).encode("utf-8")


def to_html(report: dict, layout: list[Block] | None = None) -> str:
    title = html.escape(report["territory"]["name"])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>Rapport local de suivi de l'artificialisation — {title}</title>",
        f"<style>{CSS}</style></head><body><main>",
    ]
    for block in layout if layout is not None else blocks(report):
        parts.append(_html_block(block))
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _html_block(block: Block) -> str:
    e = html.escape
    if isinstance(block, Heading):
        level = 1 if block.level == 0 else block.level + 1
        return f"<h{level}>{e(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        css = "" if block.style == "normal" else f' class="{block.style}"'
        return f"<p{css}>{e(block.text)}</p>"
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{e(c)}</th>' for c in block.columns)
        numeric = block.numeric or [False] * len(block.columns)
        right = ' class="n"'
        body = "".join(
            "<tr>"
            + "".join(f"<td{right if n else ''}>{e(v)}</td>" for v, n in zip(row, numeric, strict=False))
            + "</tr>"
            for row in block.rows
        )
        caption = f"<caption>{e(block.caption)}</caption>" if block.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, Chart):
        data = base64.b64encode(block.png).decode("ascii")
        return f'<figure><img src="data:image/png;base64,{data}" alt="{e(block.caption)}"><figcaption>{e(block.caption)}</figcaption></figure>'
    if isinstance(block, Zone):
        return f'<section class="zone"><h3>{e(block.title)} <small>(à rédiger)</small></h3><p>{e(block.text)}</p></section>'
    if isinstance(block, PageBreak):
        return '<div class="page-break"></div>'
    raise TypeError(block)


def to_pdf(report: dict, layout: list[Block] | None = None) -> bytes:
    from territoire_data.rendering.pdf import to_pdf as print_pdf

    return print_pdf(to_html(report, layout))


def to_odt(report: dict, layout: list[Block] | None = None) -> bytes:
    """An OpenDocument text: real headings (outline levels), tables, the chart as an image."""
    from odf import teletype
    from odf.draw import Frame, Image
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        GraphicProperties,
        ParagraphProperties,
        Style,
        TableCellProperties,
        TableColumnProperties,
        TableProperties,
        TextProperties,
    )
    from odf.table import Table as OdfTable
    from odf.table import TableCell, TableColumn, TableRow
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.meta.addElement(__import__("odf.dc", fromlist=["Language"]).Language(text="fr-FR"))
    default = Style(name="Standard", family="paragraph")
    default.addElement(TextProperties(fontname="DejaVu Sans", fontsize="10pt", language="fr", country="FR"))
    doc.styles.addElement(default)
    headings = {}
    for level, size in ((0, "18pt"), (1, "14pt"), (2, "12pt"), (3, "11pt")):
        style = Style(
            name=f"Heading_20_{max(level, 1)}" if level else "Title",
            displayname=f"Heading {level}" if level else "Title",
            family="paragraph",
            defaultoutlinelevel=str(max(level, 1)),
        )
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm", keepwithnext="always"))
        doc.styles.addElement(style)
        headings[level] = style
    styles = {}
    for name, props in (
        ("note", {"color": "#444444", "fontsize": "9pt"}),
        ("warning", {"color": "#8a1c1c", "fontweight": "bold"}),
        ("caption", {"fontstyle": "italic", "fontsize": "9pt"}),
        ("cell", {"fontsize": "8.5pt"}),
        ("head", {"fontsize": "8.5pt", "fontweight": "bold"}),
    ):
        style = Style(name=name, family="paragraph", parentstylename="Standard")
        style.addElement(TextProperties(**props))
        doc.automaticstyles.addElement(style)
        styles[name] = style
    zone = Style(name="zone", family="paragraph", parentstylename="Standard")
    zone.addElement(ParagraphProperties(backgroundcolor="#fffbe6", border="0.5pt dashed #7a6a00", padding="0.2cm"))
    doc.automaticstyles.addElement(zone)
    page_break = Style(name="saut", family="paragraph", parentstylename="Standard")
    page_break.addElement(ParagraphProperties(breakbefore="page"))
    doc.automaticstyles.addElement(page_break)
    cell_style = Style(name="bordure", family="table-cell")
    cell_style.addElement(TableCellProperties(border="0.5pt solid #999999", padding="0.05cm"))
    doc.automaticstyles.addElement(cell_style)
    table_style = Style(name="tableau", family="table")
    table_style.addElement(TableProperties(width="17cm", align="left"))
    doc.automaticstyles.addElement(table_style)
    frame_style = Style(name="image", family="graphic")
    frame_style.addElement(GraphicProperties(anchortype="as-char"))
    doc.automaticstyles.addElement(frame_style)

    def paragraph(text: str, style) -> P:
        element = P(stylename=style)
        teletype.addTextToElement(element, text)
        return element

    for index, block in enumerate(layout if layout is not None else blocks(report)):
        if isinstance(block, Heading):
            element = H(outlinelevel=max(block.level, 1), stylename=headings[min(block.level, 3)])
            teletype.addTextToElement(element, block.text)
            doc.text.addElement(element)
        elif isinstance(block, Paragraph):
            doc.text.addElement(paragraph(block.text, styles.get(block.style, default)))
        elif isinstance(block, Table):
            if block.caption:
                doc.text.addElement(paragraph(block.caption, styles["caption"]))
            table = OdfTable(name=f"Tableau{index}", stylename=table_style)
            column = Style(name=f"colonne{index}", family="table-column")
            column.addElement(TableColumnProperties(columnwidth=f"{17 / len(block.columns):.2f}cm"))
            doc.automaticstyles.addElement(column)
            table.addElement(TableColumn(numbercolumnsrepeated=len(block.columns), stylename=column))
            for cells, style in ([block.columns, styles["head"]], *[[row, styles["cell"]] for row in block.rows]):
                line = TableRow()
                for value in cells:
                    cell = TableCell(valuetype="string", stylename=cell_style)
                    cell.addElement(paragraph(str(value), style))
                    line.addElement(cell)
                table.addElement(line)
            doc.text.addElement(table)
        elif isinstance(block, Chart):
            href = doc.addPicture(f"Pictures/graphique{index}.png", "image/png", block.png)
            frame = Frame(
                stylename=frame_style,
                width=f"{block.width_cm}cm",
                height=f"{block.width_cm * 3.4 / 7.5:.2f}cm",
                anchortype="as-char",
            )
            frame.addElement(Image(href=href))
            holder = P(stylename=default)
            holder.addElement(frame)
            doc.text.addElement(holder)
            doc.text.addElement(paragraph(block.caption, styles["caption"]))
        elif isinstance(block, Zone):
            element = H(outlinelevel=2, stylename=headings[2])
            teletype.addTextToElement(element, f"{block.title} (à rédiger)")
            doc.text.addElement(element)
            doc.text.addElement(paragraph(block.text, zone))
        elif isinstance(block, PageBreak):
            doc.text.addElement(P(stylename=page_break))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


DOCX_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Intense Quote", "Table Grid")


def docx_base():
    """The empty Word document every draft starts from (French, 10 pt body). A batch parses it
    once and each draft copies it (``to_docx(base=…)``): parsing python-docx's template is a
    quarter of a document's time."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.language = "fr-FR"
    doc.styles["Normal"].font.size = Pt(10)
    return doc


def to_docx(report: dict, layout: list[Block] | None = None, base=None) -> bytes:
    """A Word document: built-in heading styles, bordered tables, the chart as an image;
    ``base``: a ``docx_base()`` to copy rather than parse the template again.

    Styles are set by their ids, looked up once per document: python-docx otherwise scans
    every style of the template at each styled paragraph (a third of the document's time)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = copy.deepcopy(base) if base is not None else docx_base()
    doc.core_properties.title = f"Rapport local de suivi de l'artificialisation — {report['territory']['name']}"
    ids = {name: doc.styles[name].style_id for name in DOCX_STYLES}

    def styled(text: str, style: str) -> None:
        doc.add_paragraph(text)._p.style = ids[style]

    for block in layout if layout is not None else blocks(report):
        if isinstance(block, Heading):
            styled(block.text, "Title" if block.level == 0 else f"Heading {min(block.level, 3)}")
        elif isinstance(block, Paragraph):
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(block.text)
            if block.style == "warning":
                run.bold, run.font.color.rgb = True, RGBColor(0x8A, 0x1C, 0x1C)
            elif block.style == "note":
                run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x44, 0x44, 0x44)
        elif isinstance(block, Table):
            if block.caption:
                styled(block.caption, "Caption")
            table = doc.add_table(rows=1, cols=len(block.columns))
            table._tbl.tblStyle_val = ids["Table Grid"]
            for cell, text in zip(table.rows[0].cells, block.columns, strict=True):
                cell.text = ""
                run = cell.paragraphs[0].add_run(str(text))
                run.bold, run.font.size = True, Pt(8.5)
            numeric = block.numeric or [False] * len(block.columns)
            for row in block.rows:
                cells = table.add_row().cells
                for cell, text, right in zip(cells, row, numeric, strict=False):
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(str(text))
                    run.font.size = Pt(8.5)
                    if right:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif isinstance(block, Chart):
            doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            styled(block.caption, "Caption")
        elif isinstance(block, Zone):
            styled(f"{block.title} (à rédiger)", "Heading 2")
            styled(block.text, "Intense Quote")
        elif isinstance(block, PageBreak):
            doc.add_page_break()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


WRITERS = {
    "odt": to_odt,
    "docx": to_docx,
    "pdf": to_pdf,
    "html": lambda report, layout=None: to_html(report, layout).encode("utf-8"),
    "json": to_json,
}


def render(report: dict, formats, *, docx_base=None) -> dict[str, bytes]:
    """The bytes of each format, the blocks (and their chart) laid out once for all;
    ``docx_base``: see ``docx_base()``."""
    layout = blocks(report) if set(formats) - {"json"} else []
    return {
        fmt: to_docx(report, layout, docx_base) if fmt == "docx" else WRITERS[fmt](report, layout) for fmt in formats
    }
