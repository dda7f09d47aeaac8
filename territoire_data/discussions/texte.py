"""User text: checked, then Markdown rendered to HTML and sanitised with nh3.

The stored ``html`` is the only form ever displayed. Markdown is rendered with raw HTML
disabled (typed tags come out as text); nh3 then keeps an allow-list of tags, only
``href``/``title`` on links, only http, https and mailto URLs, adds
``rel="noopener noreferrer nofollow"``, and drops images, SVG, styles, scripts and event
handlers whatever their spelling.
"""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from territoire_data.erreurs import TerritoireErreur

TAILLE_MAX = 20_000  # bytes of UTF-8 in a message
TITRE_MAX = 200
BALISES = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a", "h3", "h4", "hr",
           "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTS = {"a": {"href", "title"}}
SCHEMAS = {"http", "https", "mailto"}
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SUBSTITUTS = re.compile(r"[\ud800-\udc7f\udd00-\udfff]")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


class TexteRefuse(TerritoireErreur):
    pass


def nettoyer(texte, *, maximum: int = TAILLE_MAX, quoi: str = "Le message") -> str:
    """Valid UTF-8, NFC, without control or bidi-override characters; refused if empty or too long."""
    if isinstance(texte, bytes):
        texte = texte.decode("utf-8", errors="replace")
    # Invalid bytes arrive as surrogate escapes (command line, files): back to bytes, then decoded
    # with replacement characters; any other lone surrogate is replaced too.
    texte = _SUBSTITUTS.sub("\ufffd", str(texte))
    texte = texte.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    texte = unicodedata.normalize("NFC", _CONTROLE.sub("", texte.replace("\r\n", "\n").replace("\r", "\n"))).strip()
    if not texte:
        raise TexteRefuse(f"{quoi} est vide.")
    taille = len(texte.encode("utf-8"))
    if taille > maximum:
        raise TexteRefuse(f"{quoi} est trop long : {taille:,} octets pour {maximum:,} au plus.".replace(",", " "))
    return texte


def titre(texte) -> str:
    return nettoyer(texte, maximum=TITRE_MAX, quoi="Le titre").replace("\n", " ")


def en_html(texte: str) -> str:
    """Markdown → sanitised HTML."""
    return nh3.clean(_markdown.render(texte), tags=BALISES, attributes=ATTRIBUTS, url_schemes=SCHEMAS,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)
