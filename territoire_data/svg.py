"""Small self-contained SVG charts (no JavaScript, no network) for dashboards and reports.

Every function returns an ``<svg>`` string with a ``role="img"`` and a French ``aria-label``;
all text is escaped. Charts are drawn in a fixed viewBox and scale with their container.
"""

from __future__ import annotations

import html
import math

import numpy as np
import shapely

from territoire_data.couleurs import NON_DISPONIBLE, SURLIGNAGE
from territoire_data.format import nombre

ENCRE, GRIS, BLEU, ROUGE = "#161616", "#666666", "#000091", "#e1000f"
POLICE = 'font-family="Marianne, Arial, sans-serif"'


def _e(texte) -> str:
    return html.escape(str(texte), quote=True)


def _svg(largeur: int, hauteur: int, titre: str, corps: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {largeur} {hauteur}" role="img" '
            f'aria-label="{_e(titre)}" {POLICE} font-size="12" style="width:100%;height:auto;max-width:{largeur}px">'
            f"<title>{_e(titre)}</title>{''.join(corps)}</svg>")


def vide(message: str, largeur: int = 480, hauteur: int = 60) -> str:
    return _svg(largeur, hauteur, message, [
        f'<text x="{largeur / 2}" y="{hauteur / 2}" text-anchor="middle" fill="{GRIS}">{_e(message)}</text>'])


def _echelle(bas: float, haut: float):
    if not math.isfinite(bas) or not math.isfinite(haut):
        bas, haut = 0.0, 1.0
    if haut == bas:
        marge = abs(bas) * 0.1 or 1.0
        bas, haut = bas - marge, haut + marge
    return bas, haut


def courbe(annees, valeurs, *, titre: str, unite: str = "", decimales: int = 1,
           largeur: int = 480, hauteur: int = 200) -> str:
    """Line chart of a yearly series; missing years break the line."""
    annees = np.asarray(list(annees), dtype="float64")
    valeurs = np.asarray(list(valeurs), dtype="float64")
    ok = np.isfinite(valeurs)
    if ok.sum() == 0:
        return vide("Pas de série disponible pour cet indicateur", largeur)
    g, d, h, b = 64, 16, 14, 30
    x0, x1 = float(annees.min()), float(annees.max())
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    y0, y1 = _echelle(float(valeurs[ok].min()), float(valeurs[ok].max()))
    if y0 > 0 and y0 < 0.35 * y1:
        y0 = 0.0  # start at zero when it costs little room: honest slopes
    px = lambda a: g + (a - x0) / (x1 - x0) * (largeur - g - d)
    py = lambda v: h + (1 - (v - y0) / (y1 - y0)) * (hauteur - h - b)
    corps = [f'<line x1="{g}" y1="{hauteur - b}" x2="{largeur - d}" y2="{hauteur - b}" stroke="{GRIS}"/>']
    for v in (y0, (y0 + y1) / 2, y1):
        corps.append(f'<line x1="{g}" y1="{py(v):.1f}" x2="{largeur - d}" y2="{py(v):.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{g - 6}" y="{py(v) + 4:.1f}" text-anchor="end" fill="{GRIS}">{_e(nombre(v, decimales))}</text>')
    etiquettes = sorted({int(x0), int(x1)} | ({int(annees[len(annees) // 2])} if len(annees) > 4 else set()))
    for a in etiquettes:
        corps.append(f'<text x="{px(a):.1f}" y="{hauteur - 10}" text-anchor="middle" fill="{GRIS}">{a}</text>')
    segments, courant = [], []
    for a, v in zip(annees, valeurs):
        if np.isfinite(v):
            courant.append(f"{px(a):.1f},{py(v):.1f}")
        elif courant:
            segments.append(courant)
            courant = []
    if courant:
        segments.append(courant)
    for segment in segments:
        corps.append(f'<polyline fill="none" stroke="{BLEU}" stroke-width="2.5" points="{" ".join(segment)}"/>')
    for a, v in zip(annees, valeurs):
        if np.isfinite(v):
            corps.append(f'<circle cx="{px(a):.1f}" cy="{py(v):.1f}" r="3" fill="{BLEU}">'
                         f"<title>{int(a)} : {_e(nombre(v, decimales))} {_e(unite)}</title></circle>")
    return _svg(largeur, hauteur, titre, corps)


def distribution(valeurs_pairs, valeur: float | None, mediane: float | None, *, titre: str, unite: str = "",
                 decimales: int = 1, largeur: int = 480, hauteur: int = 150, classes: int = 24) -> str:
    """Histogram of the peers' values with the territory's value and the peers' median."""
    pairs = np.asarray(valeurs_pairs, dtype="float64")
    pairs = pairs[np.isfinite(pairs)]
    if pairs.size == 0:
        return vide("Aucune valeur de comparaison disponible", largeur)
    # Extreme peers would crush the chart: the axis covers the 2nd–98th percentiles,
    # widened to include the territory itself.
    bas, haut = (float(q) for q in np.quantile(pairs, [0.02, 0.98]))
    if valeur is not None and math.isfinite(valeur):
        bas, haut = min(bas, valeur), max(haut, valeur)
    bas, haut = _echelle(bas, haut)
    comptes, bords = np.histogram(np.clip(pairs, bas, haut), bins=classes, range=(bas, haut))
    g, d, h, b = 16, 16, 22, 30
    px = lambda v: g + (v - bas) / (haut - bas) * (largeur - g - d)
    hmax = comptes.max() or 1
    corps = []
    for n, gauche, droite in zip(comptes, bords[:-1], bords[1:]):
        hauteur_barre = (hauteur - h - b) * n / hmax
        corps.append(f'<rect x="{px(gauche) + 0.5:.1f}" y="{hauteur - b - hauteur_barre:.1f}" '
                     f'width="{max(px(droite) - px(gauche) - 1, 0.5):.1f}" height="{hauteur_barre:.1f}" fill="#b1c0f6"/>')
    corps.append(f'<line x1="{g}" y1="{hauteur - b}" x2="{largeur - d}" y2="{hauteur - b}" stroke="{GRIS}"/>')
    corps.append(f'<text x="{g}" y="{hauteur - 10}" fill="{GRIS}">{_e(nombre(bas, decimales))}</text>'
                 f'<text x="{largeur - d}" y="{hauteur - 10}" text-anchor="end" fill="{GRIS}">{_e(nombre(haut, decimales))}</text>')
    if mediane is not None and math.isfinite(mediane):
        x = px(min(max(mediane, bas), haut))
        corps.append(f'<line x1="{x:.1f}" y1="{h - 4}" x2="{x:.1f}" y2="{hauteur - b}" stroke="{ENCRE}" stroke-dasharray="4 3"/>'
                     f'<text x="{x:.1f}" y="{h - 8}" text-anchor="middle" fill="{ENCRE}">médiane {_e(nombre(mediane, decimales))}</text>')
    if valeur is not None and math.isfinite(valeur):
        x = px(valeur)
        corps.append(f'<line x1="{x:.1f}" y1="{h}" x2="{x:.1f}" y2="{hauteur - b + 6}" stroke="{ROUGE}" stroke-width="3"/>'
                     f'<text x="{x:.1f}" y="{hauteur - 10}" text-anchor="middle" fill="{ROUGE}" font-weight="bold">'
                     f'{_e(nombre(valeur, decimales))} {_e(unite)}</text>')
    return _svg(largeur, hauteur, titre, corps)


def trajectoire_zan(serie_ha: dict[int, float], enveloppe: float, projection: float | None, *, titre: str,
                    largeur: int = 480, hauteur: int = 200) -> str:
    """Cumulated NAF consumption since 2021 against the 2021-2030 allowance."""
    annees = [a for a in sorted(serie_ha) if 2021 <= a <= 2030]
    cumul = np.cumsum([serie_ha[a] for a in annees]) if annees else np.array([])
    haut = max([enveloppe, *(cumul.tolist() or [0.0]), projection or 0.0]) * 1.1 or 1.0
    g, d, h, b = 56, 16, 14, 30
    px = lambda a: g + (a - 2020.5) / 10.5 * (largeur - g - d)
    py = lambda v: h + (1 - v / haut) * (hauteur - h - b)
    largeur_barre = (largeur - g - d) / 10.5 * 0.7
    corps = [f'<line x1="{g}" y1="{hauteur - b}" x2="{largeur - d}" y2="{hauteur - b}" stroke="{GRIS}"/>']
    for v in (0, haut / 2 / 1.1, haut / 1.1):
        corps.append(f'<text x="{g - 6}" y="{py(v) + 4:.1f}" text-anchor="end" fill="{GRIS}">{_e(nombre(v, 1))} ha</text>')
    for a, v in zip(annees, cumul):
        corps.append(f'<rect x="{px(a) - largeur_barre / 2:.1f}" y="{py(v):.1f}" width="{largeur_barre:.1f}" '
                     f'height="{py(0) - py(v):.1f}" fill="#7a8fe6"><title>{a} : {_e(nombre(v, 2))} ha cumulés</title></rect>')
    for a in (2021, 2025, 2030):
        corps.append(f'<text x="{px(a):.1f}" y="{hauteur - 10}" text-anchor="middle" fill="{GRIS}">{a}</text>')
    if projection is not None and math.isfinite(projection) and annees:
        corps.append(f'<line x1="{px(annees[-1]):.1f}" y1="{py(cumul[-1]):.1f}" x2="{px(2030):.1f}" y2="{py(projection):.1f}" '
                     f'stroke="{ENCRE}" stroke-dasharray="5 4" stroke-width="2"/>')
    corps.append(f'<line x1="{g}" y1="{py(enveloppe):.1f}" x2="{largeur - d}" y2="{py(enveloppe):.1f}" stroke="{ROUGE}" stroke-width="2"/>'
                 f'<text x="{largeur - d}" y="{py(enveloppe) - 5:.1f}" text-anchor="end" fill="{ROUGE}">'
                 f'enveloppe {_e(nombre(enveloppe, 2))} ha</text>')
    return _svg(largeur, hauteur, titre, corps)


class Carte:
    """Static map of projected polygons (metres), coloured; drawn once, outlined on demand.

    The polygons of a département are the same for each of its communes' reports: ``rendu``
    only adds the red outline of one of them.
    """

    def __init__(self, geometries, couleurs, *, titre: str, largeur: int = 520):
        self.geometries = list(geometries)
        self.couleurs = list(couleurs)
        self.titre, self.largeur = titre, largeur
        valides = [g for g in self.geometries if g is not None and not g.is_empty]
        self.vide = not valides
        if self.vide:
            return
        self.xmin, _, xmax, self.ymax = shapely.total_bounds(valides)
        ymin = shapely.total_bounds(valides)[1]
        self.echelle = largeur / max(xmax - self.xmin, 1.0)
        self.hauteur = max(int((self.ymax - ymin) * self.echelle), 40)
        self.chemins = [None if g is None or g.is_empty else self._chemin(g) for g in self.geometries]
        self.fond = "".join(
            f'<path d="{d}" fill="{_e(c or NON_DISPONIBLE)}" stroke="#ffffff" stroke-width="0.6"/>'
            for d, c in zip(self.chemins, self.couleurs) if d is not None)

    def _chemin(self, geometrie) -> str:
        morceaux = []
        for polygone in getattr(geometrie, "geoms", [geometrie]):
            for anneau in (polygone.exterior, *polygone.interiors):
                xy = np.asarray(anneau.coords)
                x = (xy[:, 0] - self.xmin) * self.echelle
                y = (self.ymax - xy[:, 1]) * self.echelle
                morceaux.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y)) + "Z")
        return "".join(morceaux)

    def rendu(self, surligne: int | None = None) -> str:
        if self.vide:
            return vide("Pas de contour disponible", self.largeur)
        contour = ""
        if surligne is not None and self.chemins[surligne] is not None:
            contour = (f'<path d="{self.chemins[surligne]}" fill="none" stroke="{SURLIGNAGE}" stroke-width="2.5"/>')
        return _svg(self.largeur, self.hauteur, self.titre, [self.fond, contour])


def carte(geometries, couleurs, *, titre: str, surligne: int | None = None, largeur: int = 520) -> str:
    """Static map of projected polygons (metres), coloured; ``surligne``: index outlined in red."""
    return Carte(geometries, couleurs, titre=titre, largeur=largeur).rendu(surligne)
