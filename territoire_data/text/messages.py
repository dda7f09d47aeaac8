"""User text: checked, then Markdown rendered to HTML and sanitised with nh3.

The stored ``html`` is the only form ever displayed. Markdown is rendered with raw HTML
disabled (typed tags come out as text); nh3 then keeps an allow-list of tags, only
``href``/``title`` on links, only absolute http(s) addresses with a host and mailto
(protocol-relative ``//host`` and relative links are dropped: they would resolve against
the dashboard's own server), adds ``rel="noopener noreferrer nofollow"``, and drops images,
SVG, styles, scripts and event handlers whatever their spelling.
"""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from territoire_data.errors import TerritoireError

MAX_SIZE = 20_000  # bytes of UTF-8 in a message
MAX_TITLE = 200
TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATES = re.compile(r"[\ud800-\udc7f\udd00-\udfff]")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


class TextRefused(TerritoireError):
    pass


def clean(text, *, maximum: int = MAX_SIZE, what: str = "Le message") -> str:
    """Valid UTF-8, NFC, without control or bidi-override characters; refused if empty or too long."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    # Invalid bytes arrive as surrogate escapes (command line, files): back to bytes, then decoded
    # with replacement characters; any other lone surrogate is replaced too.
    text = _SURROGATES.sub("\ufffd", str(text))
    text = text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))).strip()
    if not text:
        raise TextRefused(f"{what} est vide.")
    size = len(text.encode("utf-8"))
    if size > maximum:
        raise TextRefused(f"{what} est trop long : {size:,} octets pour {maximum:,} au plus.".replace(",", " "))
    return text


def title(text) -> str:
    return clean(text, maximum=MAX_TITLE, what="Le titre").replace("\n", " ")


_WEB = re.compile(r"^https?://([^/\\\s?#@]+)(?:[/?#]|$)", re.IGNORECASE)
_MAILTO = re.compile(r"^mailto:[^\s]+$", re.IGNORECASE)


def web_host(address: str) -> str | None:
    """The host of an absolute http(s) address (no user part, no relative or ``//host`` form);
    None for anything else."""
    found = _WEB.match(address.strip())
    return found.group(1) if found else None


def _links(tag: str, attribute: str, value: str) -> str | None:
    """Keep a link only when it is absolute (scheme and host) or a mailto."""
    if attribute == "href" and web_host(value) is None and not _MAILTO.match(value.strip()):
        return None
    return value


_BARE_ADDRESS = re.compile(r"(?<![\w(<\[/\"'=])(https?://[^\s<>()\[\]`\"']+)", re.IGNORECASE)


def _linked(text: str) -> str:
    """Bare web addresses (``https://…``) written as autolinks, outside code spans and outside
    addresses already linked; a trailing full stop or comma stays text."""
    pieces = text.split("`")
    for i in range(0, len(pieces), 2):  # even pieces are outside code spans
        pieces[i] = _BARE_ADDRESS.sub(_autolink, pieces[i])
    return "`".join(pieces)


def _autolink(match: re.Match) -> str:
    address = match.group(1)
    trailing = ""
    while address and address[-1] in ".,;:!?":
        address, trailing = address[:-1], address[-1] + trailing
    return f"<{address}>{trailing}"


def to_html(text: str) -> str:
    """Markdown → sanitised HTML; bare web addresses become links (checked like any link)."""
    return nh3.clean(
        _markdown.render(_linked(text)),
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_links,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def to_plain(text: str) -> str:
    """Markdown → plain text as a reader sees it (emphasis and list marks gone, one line per
    paragraph), for a terminal."""
    import html

    rendered = _markdown.render(text).replace("</p>", "\n").replace("<br>", "\n").replace("</li>", "\n")
    stripped = html.unescape(nh3.clean(rendered, tags=set()))
    return "\n".join(line.strip() for line in stripped.splitlines() if line.strip())
