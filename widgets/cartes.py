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

from traitlets import HasTraits, Unicode

from territoire_data.catalogue import BAISSE, HAUSSE
from territoire_data.compare import LIBELLES
from territoire_data.format import nombre
from territoire_data.fragments import UNITES_TAUX, complement, evolution_texte, statut_texte
from territoire_data.sources import libelle as libelle_source


def _e(texte) -> str:
    return html.escape("" if texte is None else str(texte), quote=True)


def _present(valeur) -> bool:
    return valeur is not None and not (isinstance(valeur, float) and math.isnan(valeur))


def evolution(ligne: dict) -> tuple[str, str] | None:
    """(text, css class) of the change since the first year, or None when unknown."""
    texte = evolution_texte(ligne)
    if not texte:
        return None
    sens = float(ligne["change"]) if ligne.get("unit") in UNITES_TAUX else float(ligne["annual_rate"])
    fleche = "▲" if sens > 0 else "▼" if sens < 0 else "▶"
    polarite = ligne.get("polarity")
    if sens == 0 or polarite not in (HAUSSE, BAISSE):
        classe = "ti-neutre"
    else:
        classe = "ti-favorable" if (sens > 0) == (polarite == HAUSSE) else "ti-defavorable"
    return f"{fleche} {texte}", classe


def position(ligne: dict) -> str:
    """The percentile bar and its caption (empty when there is no value or no peer)."""
    centile = ligne.get("percentile")
    n = int(ligne.get("peers_n") or 0)
    if not _present(centile) or n == 0:
        return ""
    groupe = LIBELLES.get(ligne.get("peers_group"), ligne.get("peers_group") or "")
    decimales = int(ligne.get("decimals") or 0)
    mediane = nombre(ligne.get("median"), decimales)
    return (
        f'<div class="ti-position" data-centile="{float(centile):.1f}">'
        f'<div class="ti-barre" role="img" aria-label="{float(centile):.0f}e centile">'
        f'<span class="ti-mediane" style="left:50%" title="médiane des pairs"></span>'
        f'<span class="ti-repere" style="left:{float(centile):.1f}%"></span></div>'
        f'<div class="ti-legende">{_e(nombre(centile, 0))}<sup>e</sup> centile parmi {_e(nombre(n))} {_e(groupe)}'
        f" · médiane {_e(mediane)} {_e(ligne.get('unit'))}</div></div>"
    )


def html_carte(ligne: dict, *, demo: bool = False, discussions: int = 0) -> str:
    """The card's inner HTML for one row of ``indicateurs.tableau``."""
    statut = ligne.get("status") or "missing"
    decimales = int(ligne.get("decimals") or 0)
    if statut == "ok" and _present(ligne.get("value")):
        valeur = (f'<span class="ti-nombre">{_e(nombre(float(ligne["value"]), decimales))}</span> '
                  f'<span class="ti-unite">{_e(ligne.get("unit"))}</span>')
        annee = f'<span class="ti-annee">{int(ligne["year"])}</span>' if _present(ligne.get("year")) else ""
    else:
        valeur = f'<span class="ti-absent">{_e(statut_texte(ligne))}</span>'
        annee = ""
    if complement(ligne):
        annee += f'<div class="ti-note">{_e(complement(ligne))}</div>'
    dyn = evolution(ligne) if statut == "ok" else None
    evol = f'<div class="ti-evolution {dyn[1]}">{_e(dyn[0])}</div>' if dyn else ""
    pos = position(ligne) if statut == "ok" else ""
    provenance = (
        "<details class=\"ti-provenance\"><summary>Provenance</summary>"
        f"<div>Source : {_e(libelle_source(ligne.get('source')) or 'aucune')}"
        f"{' — édition ' + _e(ligne['edition']) if ligne.get('edition') else ''}</div>"
        f"<div>Calcul : {_e(ligne.get('definition'))}</div></details>"
    )
    badge = '<span class="ti-badge-demo" title="données de démonstration">démo</span>' if demo else ""
    ancre = (f'<div class="ti-ancre">💬 {discussions} discussion{"s" if discussions > 1 else ""} sur cet indicateur '
             "(espace d'échange)</div>" if discussions else "")
    return (
        f'<div class="territoire-indicateur ti-carte ti-statut-{_e(statut)}" data-indicateur="{_e(ligne.get("id"))}">'
        f'<div class="ti-libelle">{_e(ligne.get("label"))}{badge}</div>'
        f'<div class="ti-valeur">{valeur} {annee}</div>{evol}{pos}{ancre}{provenance}</div>'
    )


class IndicatorCard(HasTraits):
    """One indicator card (``.territoire-indicateur``); ``afficher`` fills it from a table row."""

    indicateur_id = Unicode("")
    statut = Unicode("missing")
    html = Unicode("")

    def __init__(self, indicateur_id: str, **kwargs):
        super().__init__(indicateur_id=indicateur_id, **kwargs)
        self.html = html_carte({"id": indicateur_id, "status": "missing"})

    def afficher(self, ligne: dict, *, demo: bool = False, discussions: int = 0) -> None:
        self.statut = ligne.get("status") or "missing"
        self.html = html_carte(ligne, demo=demo, discussions=discussions)

    def _repr_html_(self) -> str:
        from widgets.style import feuille

        return feuille() + grille([self])


def grille(cartes) -> str:
    """Cards side by side (CSS grid)."""
    return '<div class="ti-grille">' + "".join(c.html for c in cartes) + "</div>"
