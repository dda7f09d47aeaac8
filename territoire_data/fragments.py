"""HTML fragments shared by the dashboard and the reports (plain strings, escaped).

``Fragment`` wraps one for notebooks (``_repr_html_``): a report cell shows it as static
HTML, which survives Papermill, nbconvert and a browser without network.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from territoire_data import svg
from territoire_data.compare import LIBELLES
from territoire_data.format import nombre
from territoire_data.sources import libelle as libelle_source

STATUTS = {"secret": "secret statistique", "missing": "non disponible"}
UNITES_TAUX = {"%", "%/an", "‰ hab."}


def e(texte) -> str:
    return html.escape("" if texte is None else str(texte), quote=True)


class Fragment:
    """A piece of HTML a notebook cell displays as such."""

    def __init__(self, contenu: str):
        self.contenu = contenu

    def _repr_html_(self) -> str:
        return self.contenu

    def __str__(self) -> str:
        return self.contenu


def present(valeur) -> bool:
    return valeur is not None and not (isinstance(valeur, float) and math.isnan(valeur)) and not pd.isna(valeur)


def valeur_affichee(ligne: dict) -> str:
    """``"8,46 %"`` as every card and report shows it, or the reason it is missing."""
    if ligne.get("status") == "ok" and present(ligne.get("value")):
        return f"{nombre(float(ligne['value']), int(ligne.get('decimals') or 0))} {ligne.get('unit') or ''}".strip()
    return statut_texte(ligne)


def statut_texte(ligne: dict) -> str:
    """Why there is no value, in French: « secret statistique », « non couvert par la source »…"""
    from territoire_data.statuts import libelle

    return libelle(ligne.get("status") or "missing", ligne.get("reason") if present(ligne.get("reason")) else None)


def complement(ligne: dict) -> str:
    """What qualifies a value: its coverage (« hors Mayotte »), an earlier year shown, the
    earlier value of a secret one. Empty when there is nothing to add."""
    morceaux = []
    geographie = ligne.get("reason") in ("other_geography", "included")
    if present(ligne.get("note")) and ligne.get("note") and (ligne.get("status") == "ok" or geographie):
        morceaux.append(str(ligne["note"]))
    if ligne.get("status") == "ok" and ligne.get("comparable") is False and present(ligne.get("year")):
        morceaux.append(f"valeur de {int(ligne['year'])}, plus récente disponible : non comparée aux autres communes")
    if ligne.get("status") == "secret" and present(ligne.get("previous_year")) and present(ligne.get("previous_value")):
        morceaux.append(f"en {int(ligne['previous_year'])} : "
                        f"{nombre(float(ligne['previous_value']), int(ligne.get('decimals') or 0))} {ligne.get('unit') or ''}"
                        .strip())
    return " ; ".join(morceaux)


def evolution_texte(ligne: dict) -> str:
    """Change since the first year: points for rates, annual rate for stocks."""
    if not present(ligne.get("change")) or not present(ligne.get("first_year")):
        return ""
    depuis = int(ligne["first_year"])
    if ligne.get("unit") in UNITES_TAUX:
        ecart = float(ligne["change"])
        return f"{'+' if ecart > 0 else ''}{nombre(ecart, 1)} pt depuis {depuis}"
    if present(ligne.get("annual_rate")):
        taux = float(ligne["annual_rate"])
        return f"{'+' if taux > 0 else ''}{nombre(taux, 1)} %/an depuis {depuis}"
    return ""


def source_texte(ligne: dict) -> str:
    if not ligne.get("source"):
        return "—"
    edition = f", édition {ligne['edition']}" if ligne.get("edition") else ""
    return f"{libelle_source(ligne['source'])}{edition}"


def table_indicateurs(lignes: list[dict], *, titre: str = "") -> str:
    """Indicator, value, year, change, position among peers, source: one row per indicator."""
    corps = []
    for ligne in lignes:
        pos = ""
        if ligne.get("status") == "ok" and present(ligne.get("percentile")):
            pos = (f"{nombre(ligne['percentile'], 0)}<sup>e</sup> centile / {nombre(ligne.get('peers_n'))} · "
                   f"médiane {e(nombre(ligne.get('median'), int(ligne.get('decimals') or 0)))}")
        corps.append(
            f'<tr data-indicateur="{e(ligne.get("id"))}"><th scope="row">{e(ligne.get("label"))}</th>'
            f'<td class="r-valeur">{e(valeur_affichee(ligne))}'
            f'{"<div class=r-note>" + e(complement(ligne)) + "</div>" if complement(ligne) else ""}</td>'
            f"<td>{e(int(ligne['year']) if present(ligne.get('year')) and ligne.get('status') == 'ok' else '')}</td>"
            f"<td>{e(evolution_texte(ligne))}</td><td>{pos}</td>"
            f'<td class="r-source" title="{e(ligne.get("definition"))}">{e(source_texte(ligne))}</td></tr>')
    legende = f"<caption>{e(titre)}</caption>" if titre else ""
    return ('<table class="r-table">' + legende + "<thead><tr><th>Indicateur</th><th>Valeur</th><th>Année</th>"
            "<th>Évolution</th><th>Position parmi les pairs</th><th>Source</th></tr></thead><tbody>"
            + "".join(corps) + "</tbody></table>")


def legende(classes, unite: str, decimales: int) -> str:
    """Colour classes of a map as a list (``.ti-cles``), shared by the dashboard and reports."""
    return ('<ul class="ti-cles">' + "".join(
        f'<li><span class="ti-pastille" style="background:{c}"></span>{e(texte)}</li>'
        for c, texte in classes.legende(unite, decimales)) + "</ul>")


def libelle_pairs(groupe: str) -> str:
    return LIBELLES.get(groupe, groupe)


def _ha(valeur) -> str:
    return f"{nombre(valeur, 2)} ha"


def zan(t: dict, nom: str) -> str:
    """Figures and chart of a ``zan.trajectoire`` result."""
    if not t.get("disponible"):
        return f'<div class="ti-zan ti-absent">Trajectoire ZAN non disponible : {e(t.get("raison", ""))}.</div>'
    lignes = [
        ("Référence 2011-2020 (consommation d'espaces NAF)", _ha(t["reference_2011_2020_ha"])),
        ("Enveloppe 2021-2030 (50 % de la référence"
         + (", plancher de 1 ha appliqué)" if t["plancher_1ha_applique"] else ")"), _ha(t["enveloppe_2021_2030_ha"])),
        (f"Consommé de 2021 à {t['derniere_annee']}", _ha(t["consomme_depuis_2021_ha"])),
        ("Reste à consommer d'ici 2031", _ha(t["restant_ha"])),
        ("Rythme retenu", f"{nombre(t['rythme_retenu_ha_an'], 2)} ha/an"
         + (f" (constaté : {nombre(t['rythme_constate_ha_an'], 2)} ha/an)"
            if not math.isclose(t["rythme_retenu_ha_an"], t["rythme_constate_ha_an"], abs_tol=1e-9) else " (constaté)")),
        ("Projection au 1er janvier 2031", f"{_ha(t['projection_2031_ha'])} "
         f"({nombre(t['projection_part_enveloppe'], 0)} % de l'enveloppe)"),
    ]
    if t["annee_epuisement"] is not None:
        lignes.append(("Enveloppe épuisée en", str(t["annee_epuisement"])))
    verdict = ('<div class="ti-alerte">À ce rythme, l\'enveloppe 2021-2030 est dépassée.</div>'
               if t["depassement_projete"] else
               '<div class="ti-ok">À ce rythme, la trajectoire reste dans l\'enveloppe 2021-2030.</div>')
    tableau = "".join(f'<tr><th scope="row">{e(a)}</th><td>{e(b)}</td></tr>' for a, b in lignes)
    graphique = svg.trajectoire_zan(t["serie_ha"], t["enveloppe_2021_2030_ha"], t["projection_2031_ha"],
                                    titre=f"Consommation d'espaces cumulée depuis 2021 — {nom}")
    return f'<div class="ti-zan"><table class="ti-table">{tableau}</table>{verdict}{graphique}</div>'
