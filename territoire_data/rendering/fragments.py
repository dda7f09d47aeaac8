"""HTML fragments shared by the dashboard and the reports (plain strings, escaped).

``Fragment`` wraps one for notebooks (``_repr_html_``): a report cell shows it as static
HTML, which survives Papermill, nbconvert and a browser without network.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from territoire_data.core.catalogue import RATE_UNITS, period_of
from territoire_data.core.peer_groups import LABELS
from territoire_data.rendering import svg
from territoire_data.rendering.formatting import number
from territoire_data.rendering.reading import judgement, rank_words
from territoire_data.sources import label as libelle_source

STATUSES = {"secret": "secret statistique", "missing": "non disponible"}


def e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


class Fragment:
    """A piece of HTML a notebook cell displays as such."""

    def __init__(self, content: str):
        self.content = content

    def _repr_html_(self) -> str:
        return self.content

    def __str__(self) -> str:
        return self.content


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


def displayed_value(line: dict) -> str:
    """``"8,46 %"`` as every card and report shows it, or the reason it is missing."""
    if line.get("status") == "ok" and present(line.get("value")):
        return f"{number(float(line['value']), int(line.get('decimals') or 0))} {line.get('unit') or ''}".strip()
    return status_text(line)


def status_text(line: dict) -> str:
    """Why there is no value, in French: « secret statistique », « non couvert par la source »…"""
    from territoire_data.core.statuses import label

    return label(line.get("status") or "missing", line.get("reason") if present(line.get("reason")) else None)


def qualifier(line: dict) -> str:
    """What qualifies a value: its coverage (« hors Mayotte »), an earlier year shown, the
    earlier value of a secret one. Empty when there is nothing to add."""
    pieces = []
    geography = line.get("reason") in ("other_geography", "included")
    if present(line.get("note")) and line.get("note") and (line.get("status") == "ok" or geography):
        pieces.append(str(line["note"]))
    if line.get("status") == "ok" and line.get("comparable") is False and present(line.get("year")):
        pieces.append(f"valeur de {int(line['year'])}, plus récente disponible : non comparée aux autres communes")
    if line.get("status") == "secret" and present(line.get("previous_year")) and present(line.get("previous_value")):
        pieces.append(
            f"en {int(line['previous_year'])} : "
            f"{number(float(line['previous_value']), int(line.get('decimals') or 0))} {line.get('unit') or ''}".strip()
        )
    return " ; ".join(pieces)


def year_label(line: dict) -> str:
    """The year a value is of — or its period for the figures of a period (« 2021-2030 » for
    the ZAN allowance, « 2021-2023 » for the consumption since 2021). Empty without a year."""
    if not present(line.get("year")):
        return ""
    year = int(line["year"])
    return period_of(str(line.get("id")), year) or str(year)


def change_shown(line: dict) -> float | None:
    """The change since the first year as shown (points for rates, %/an for stocks), rounded
    to its one decimal: what the arrow and the word follow (0 is « stable »)."""
    if not present(line.get("change")) or not present(line.get("first_year")):
        return None
    if line.get("unit") in RATE_UNITS:
        return round(float(line["change"]), 1)
    if present(line.get("annual_rate")):
        return round(float(line["annual_rate"]), 1)
    return None


def trend_text(line: dict) -> str:
    """Change since the first year: points for rates (a rate per thousand in its unit), annual
    rate for stocks, « stable » when it rounds to zero."""
    shown = change_shown(line)
    if shown is None:
        return ""
    since = int(line["first_year"])
    if shown == 0:
        return f"stable depuis {since}"
    unit = line.get("unit")
    step = "pt" if unit in ("%", "%/an") else unit if unit in RATE_UNITS else "%/an"
    return f"{'+' if shown > 0 else ''}{number(shown, 1)} {step} depuis {since}"


def source_text(line: dict) -> str:
    if not present(line.get("source")) or not line.get("source"):
        return "—"
    edition = f", édition {line['edition']}" if present(line.get("edition")) and line.get("edition") else ""
    return f"{libelle_source(line['source'])}{edition}"


def indicator_table(rows: list[dict], *, title: str = "", definitions: str = "") -> str:
    """Indicator, value, year, change, position among peers, source: one row per indicator.

    ``definitions``: the address of a shared page of definitions (a national site): each
    indicator links to its entry there instead of carrying its definition."""
    body = []
    for line in rows:
        pos = ""
        if line.get("status") == "ok" and present(line.get("percentile")):
            words = rank_words(line, peers_label(str(line.get("peers_group"))))
            verdict = judgement(line)
            pos = e(f"{words[:1].upper()}{words[1:]}{' : ' + verdict if verdict else ''}") if words else ""
        meaning = ""
        if definitions:
            meaning = f' <a class="r-lien-definition" href="{e(definitions)}#{e(line.get("id"))}">définition</a>'
        elif line.get("plain_definition"):
            meaning = (
                f'<div class="r-definition">{e(line["plain_definition"])}</div>'
                f'<div class="r-importance">Pourquoi c\'est important : {e(line.get("importance"))}</div>'
            )
        body.append(
            f'<tr data-indicateur="{e(line.get("id"))}"><th scope="row">{e(line.get("label"))}{meaning}</th>'
            f'<td class="r-valeur">{e(displayed_value(line))}'
            f"{'<div class=r-note>' + e(qualifier(line)) + '</div>' if qualifier(line) else ''}</td>"
            f"<td>{e(year_label(line) if line.get('status') == 'ok' else '')}</td>"
            f"<td>{e(trend_text(line))}</td><td>{pos}</td>"
            f'<td class="r-source" title="{e(line.get("definition"))}">{e(source_text(line))}</td></tr>'
        )
    legend = f"<caption>{e(title)}</caption>" if title else ""
    return (
        '<table class="r-table">' + legend + "<thead><tr><th>Indicateur</th><th>Valeur</th><th>Année</th>"
        "<th>Évolution</th><th>Position parmi les pairs</th><th>Source</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def legend(classes, unit: str, decimals: int) -> str:
    """Colour classes of a map as a list (``.ti-cles``), shared by the dashboard and reports."""
    return (
        '<ul class="ti-cles">'
        + "".join(
            f'<li><span class="ti-pastille" style="background:{c}"></span>{e(text)}</li>'
            for c, text in classes.legend(unit, decimals)
        )
        + "</ul>"
    )


def peers_label(group: str) -> str:
    return LABELS.get(group, group)


def _ha(value) -> str:
    return f"{number(value, 2)} ha"


def zan_frame(rows: list[tuple[str, dict]]) -> str:
    """The trajectories of a commune, its EPCI and its SCoT side by side (observed pace)."""
    usable = [(name, t) for name, t in rows if t.get("available")]
    if not usable:
        return ""
    body = "".join(
        f'<tr><th scope="row">{e(name)}</th><td>{_ha(t["allowance_2021_2030_ha"])}</td>'
        f"<td>{_ha(t['consumed_since_2021_ha'])}</td>"
        f"<td>{number(t['consumed_since_2021_ha'] / t['allowance_2021_2030_ha'] * 100, 0) if t['allowance_2021_2030_ha'] > 0 else 'n.d.'} %</td>"
        f"<td>{e(t['exhaustion_year'] if t['exhaustion_year'] is not None and t['exhaustion_year'] <= 2030 else 'après 2030')}</td></tr>"
        for name, t in usable
    )
    return (
        '<table class="ti-table ti-zan-cadre"><caption>La trajectoire à chaque échelle (rythme constaté)</caption>'
        "<thead><tr><th>Territoire</th><th>Enveloppe 2021-2030</th><th>Consommé depuis 2021</th>"
        "<th>Part consommée</th><th>Enveloppe épuisée en</th></tr></thead><tbody>" + body + "</tbody></table>"
    )


def zan_block(t: dict, name: str) -> str:
    """Figures and chart of a ``zan.trajectoire`` result."""
    if not t.get("available"):
        return f'<div class="ti-zan ti-absent">Trajectoire ZAN non disponible : {e(t.get("reason", ""))}.</div>'
    rows = [
        ("Référence 2011-2020 (consommation d'espaces NAF)", _ha(t["reference_2011_2020_ha"])),
        (
            "Enveloppe 2021-2030 (50 % de la référence"
            + (", garantie communale de 1 ha appliquée)" if t["floor_1ha_applied"] else ")"),
            _ha(t["allowance_2021_2030_ha"]),
        ),
        (f"Consommé de 2021 à {t['last_year']}", _ha(t["consumed_since_2021_ha"])),
        ("Reste à consommer d'ici 2031", _ha(t["remaining_ha"])),
        (
            "Rythme retenu",
            f"{number(t['pace_ha_per_year'], 2)} ha/an"
            + (
                f" (constaté : {number(t['observed_pace_ha_per_year'], 2)} ha/an)"
                if not math.isclose(t["pace_ha_per_year"], t["observed_pace_ha_per_year"], abs_tol=1e-9)
                else " (constaté)"
            ),
        ),
        (
            "Projection au 1er janvier 2031",
            f"{_ha(t['projection_2031_ha'])} ({number(t['projection_share_of_allowance'], 0)} % de l'enveloppe)",
        ),
    ]
    if t["exhaustion_year"] is not None:
        rows.append(("Enveloppe épuisée en", str(t["exhaustion_year"])))
    verdict = (
        '<div class="ti-alerte">À ce rythme, l\'enveloppe 2021-2030 est dépassée.</div>'
        if t["overshoot_projected"]
        else '<div class="ti-ok">À ce rythme, la trajectoire reste dans l\'enveloppe 2021-2030.</div>'
    )
    table = "".join(f'<tr><th scope="row">{e(a)}</th><td>{e(b)}</td></tr>' for a, b in rows)
    chart = svg.zan_chart(
        t["series_ha"],
        t["allowance_2021_2030_ha"],
        t["projection_2031_ha"],
        title=f"Consommation d'espaces cumulée depuis 2021 — {name}",
    )
    return f'<div class="ti-zan"><table class="ti-table">{table}</table>{verdict}{chart}</div>'
