"""``IndicatorCard``: one indicator of the commune, with its position among peers.

A card is a plain traitlets model whose ``html`` a grid shows (the dashboard puts a whole
theme's cards in one HTML widget: a handful of widget models instead of hundreds, which is
what keeps the first render fast). It shows: label, value,
unit and year; change since the first year (annual rate for stocks, points for rates) with
an arrow coloured by the indicator's polarity; a bar placing the commune's percentile among
its peers with the peers' median; provenance on demand (``<details>``); the secret / not
available states; a badge when the data are demo data.
"""

from __future__ import annotations

import html
import math
from typing import Any

from traitlets import HasTraits, Unicode

from territoire_data.core.catalogue import DOWN_GOOD, POLARITY_LABELS, UP_GOOD
from territoire_data.core.peer_groups import LABELS
from territoire_data.rendering.formatting import number
from territoire_data.rendering.fragments import change_shown, qualifier, status_text, trend_text, year_label
from territoire_data.rendering.reading import judgement, rank_words
from territoire_data.sources import label as libelle_source


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def trend(line: dict) -> tuple[str, str] | None:
    """(text, css class) of the change since the first year, or None when unknown."""
    text = trend_text(line)
    if not text:
        return None
    direction = change_shown(line) or 0.0  # what the text says: « stable » has no arrow up or down
    arrow = "▲" if direction > 0 else "▼" if direction < 0 else "▶"
    polarity = line.get("polarity")
    if direction == 0 or polarity not in (UP_GOOD, DOWN_GOOD):
        class_ = "ti-neutre"
    else:
        class_ = "ti-favorable" if (direction > 0) == (polarity == UP_GOOD) else "ti-defavorable"
    # The colour is never the only signal: the word says it too (RGAA 3.1).
    word = {"ti-favorable": " · favorable", "ti-defavorable": " · défavorable"}.get(class_, "")
    return f"{arrow} {text}{word}", class_


def position(line: dict[str, Any]) -> str:
    """The percentile bar and its caption (empty when there is no value or no peer)."""
    n = int(line.get("peers_n") or 0)
    if not _present(line.get("percentile")) or n == 0:
        return ""
    percentile = float(line["percentile"])
    group = LABELS.get(str(line.get("peers_group")), line.get("peers_group") or "")
    decimals = int(line.get("decimals") or 0)
    median = number(line.get("median"), decimals)
    words = rank_words(line, group)
    verdict = judgement(line)
    # « Dans la moyenne … (médiane 1,02) » already gives the median: never written twice.
    median_words = "" if "(médiane " in words else f" · médiane {_e(median)} {_e(line.get('unit'))}"
    return (
        f'<div class="ti-position" data-centile="{float(percentile):.1f}">'
        f'<div class="ti-barre" role="img" aria-label="{_e(words)}">'
        f'<span class="ti-mediane" style="left:50%" title="médiane des pairs"></span>'
        f'<span class="ti-repere" style="left:{float(percentile):.1f}%"></span></div>'
        f'<div class="ti-legende">{_e(words[:1].upper() + words[1:])}'
        f"{' : ' + _e(verdict) if verdict else ''}{median_words}</div></div>"
    )


def card_html(line: dict, *, demo: bool = False, discussions: int = 0) -> str:
    """The card's inner HTML for one row of ``indicateurs.tableau``."""
    status = line.get("status") or "missing"
    decimals = int(line.get("decimals") or 0)
    if status == "ok" and _present(line.get("value")):
        value = (
            f'<span class="ti-nombre">{_e(number(float(line["value"]), decimals))}</span> '
            f'<span class="ti-unite">{_e(line.get("unit"))}</span>'
        )
        year = f'<span class="ti-annee">{_e(year_label(line))}</span>' if _present(line.get("year")) else ""
    else:
        value = f'<span class="ti-absent">{_e(status_text(line))}</span>'
        year = ""
    if qualifier(line):
        year += f'<div class="ti-note">{_e(qualifier(line))}</div>'
    dyn = trend(line) if status == "ok" else None
    trend_html = f'<div class="ti-evolution {dyn[1]}">{_e(dyn[0])}</div>' if dyn else ""
    pos = position(line) if status == "ok" else ""
    provenance = (
        '<details class="ti-provenance"><summary>Provenance</summary>'
        f"<div>Source : {_e(libelle_source(line.get('source')) or 'aucune')}"
        f"{' — édition ' + _e(line['edition']) if line.get('edition') else ''}</div>"
        f"<div>Calcul : {_e(line.get('definition'))}</div></details>"
    )
    badge = '<span class="ti-badge-demo" title="données de démonstration">démo</span>' if demo else ""
    meaning = ""
    if line.get("plain_definition"):
        meaning = (
            '<details class="ti-definition"><summary>Définition</summary>'
            f"<p>{_e(line['plain_definition'])}</p>"
            f"<p><strong>Pourquoi c'est important :</strong> {_e(line.get('importance'))}</p>"
            f"<p>Lecture : {_e(POLARITY_LABELS.get(str(line.get('polarity')), ''))}.</p></details>"
        )
    anchor = (
        f'<div class="ti-ancre">💬 {discussions} discussion{"s" if discussions > 1 else ""} sur cet indicateur '
        "(espace d'échange)</div>"
        if discussions
        else ""
    )
    return (
        f'<div class="territoire-indicateur ti-carte ti-statut-{_e(status)}" data-indicateur="{_e(line.get("id"))}">'
        f'<div class="ti-libelle">{_e(line.get("label"))}{badge}</div>'
        f'<div class="ti-valeur">{value} {year}</div>{trend_html}{pos}{anchor}{meaning}{provenance}</div>'
    )


class IndicatorCard(HasTraits):
    """One indicator card (``.territoire-indicateur``); ``show`` fills it from a table row."""

    indicator_id = Unicode("")
    status = Unicode("missing")
    html = Unicode("")

    def __init__(self, indicator_id: str, **kwargs):
        super().__init__(indicator_id=indicator_id, **kwargs)
        self.html = card_html({"id": indicator_id, "status": "missing"})

    def show(self, line: dict, *, demo: bool = False, discussions: int = 0) -> None:
        self.status = line.get("status") or "missing"
        self.html = card_html(line, demo=demo, discussions=discussions)

    def _repr_html_(self) -> str:
        from widgets.style import sheet

        return sheet() + grid([self])


def grid(cards) -> str:
    """Cards side by side (CSS grid)."""
    return '<div class="ti-grille">' + "".join(c.html for c in cards) + "</div>"
