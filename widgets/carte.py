"""``ChoroplethMap``: the commune among the communes of its département (or EPCI).

Colours: quantile classes of the selected indicator over the communes drawn (legend
below the map); the commune read is outlined in red; a click on a commune opens it.
Geometry is the referential's département-level simplification (250 m), limited to the
scope and rounded to 4 decimals (≈ 10 m), so a département weighs a few hundred kB.
Switching to another commune of the same scope only moves the outline (a tiny layer);
the polygons are sent again only when the scope or the indicator changes.

No basemap is needed (the polygons carry the map); an OpenStreetMap basemap is added when
``fond_de_plan`` is true (default unless ``TERRITOIRE_HORS_LIGNE=1``).
"""

from __future__ import annotations

import html
import math
import os

import ipyleaflet as L
import ipywidgets as w
import numpy as np
import shapely

from territoire_data import couleurs
from territoire_data.catalogue import INDICATEURS, PAR_ID, THEMES
from territoire_data.format import nombre
from territoire_data.fragments import legende
from widgets.etat import Etat
from widgets.garde import garde

PRECISION = 4


def _y_mercator(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def cadrage(bornes, largeur_px: int = 680, hauteur_px: int = 440) -> tuple[tuple[float, float], float]:
    """Centre and zoom (Web Mercator, quarter steps) showing the bounds in a map of that size.

    Computed here rather than with ``Map.fit_bounds``, which needs the browser to answer
    and so cannot run before the page is connected (preheated kernels).
    """
    ouest, sud, est, nord = (float(b) for b in bornes)
    if not all(map(math.isfinite, (ouest, sud, est, nord))):
        return (46.6, 2.4), 6.0
    largeur = max(est - ouest, 1e-6) / 360.0
    hauteur = max(_y_mercator(nord) - _y_mercator(sud), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(largeur_px / 256 / largeur), math.log2(hauteur_px / 256 / hauteur))
    centre_y = (_y_mercator(nord) + _y_mercator(sud)) / 2
    centre = (math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2), (ouest + est) / 2)
    return centre, max(1.0, min(18.0, math.floor(zoom * 4) / 4))


def squelette(fournisseur, cle: str) -> tuple:
    """(shapes, GeoJSON geometries rounded to ``PRECISION``) of a scope, cached by the provider."""
    cache = fournisseur.__dict__.setdefault("_squelettes", {})
    if cle not in cache:
        formes = fournisseur.formes(cle)
        arrondies = shapely.transform(formes.geometry.to_numpy(), lambda xy: np.round(xy, PRECISION))
        cache[cle] = (formes, [None if g is None or g.is_empty else shapely.geometry.mapping(g) for g in arrondies])
    return cache[cle]


def collection(formes, geometries, valeurs, classes, indicateur) -> dict:
    """GeoJSON FeatureCollection with each feature's style and tooltip text."""
    entites = []
    for code, nom, geometrie, valeur in zip(formes["code"], formes["nom"], geometries, valeurs):
        if geometrie is None:
            continue
        valeur = None if valeur is None or not np.isfinite(valeur) else float(valeur)
        entites.append({
            "type": "Feature", "id": code, "geometry": geometrie,
            "properties": {
                "code": code, "nom": nom,
                "valeur": f"{nombre(valeur, indicateur.decimales)} {indicateur.unite}" if valeur is not None else "n.d.",
                "style": {"fillColor": classes.couleur(valeur), "fillOpacity": 0.85, "color": "#ffffff",
                          "weight": 0.7, "opacity": 1},
            },
        })
    return {"type": "FeatureCollection", "features": entites}


def html_legende(classes, indicateur, libelle_portee: str) -> str:
    return (f'<div class="ti-legende-carte"><strong>{html.escape(indicateur.libelle)}</strong> — '
            f"{html.escape(libelle_portee)}{legende(classes, indicateur.unite, indicateur.decimales)}</div>")


class ChoroplethMap(w.VBox):
    def __init__(self, etat: Etat, *, portee: str = "departement", fond_de_plan: bool | None = None, **kwargs):
        self.etat = etat
        if fond_de_plan is None:
            fond_de_plan = os.environ.get("TERRITOIRE_HORS_LIGNE") != "1"
        self.carte = L.Map(center=(46.6, 2.4), zoom=6, scroll_wheel_zoom=True, zoom_snap=0.25,
                           layout=w.Layout(height="460px", width="100%"),
                           attribution_control=fond_de_plan)
        if not fond_de_plan:
            self.carte.layers = ()
        self.carte.add_class("territoire-carte")
        self.couche = L.GeoJSON(data={"type": "FeatureCollection", "features": []}, name="communes",
                                hover_style={"weight": 2, "color": "#161616"})
        self.surlignage = L.GeoJSON(data={"type": "FeatureCollection", "features": []}, name="commune",
                                    style={"fill": False, "color": couleurs.SURLIGNAGE, "weight": 3.5})
        self.carte.add(self.couche)
        self.carte.add(self.surlignage)
        self.couche.on_click(self._clic)
        self.couche.on_hover(self._survol)
        options = [(f"{THEMES[i.theme]} — {i.libelle}", i.id) for i in INDICATEURS]
        self.choix_indicateur = w.Dropdown(options=options, value=etat.indicateur, description="Indicateur",
                                           layout=w.Layout(width="100%"))
        self.choix_portee = w.ToggleButtons(options=[("Département", "departement"), ("EPCI", "epci")],
                                            value=portee, description="Communes", style={"button_width": "auto"})
        self.info = w.HTML('<div class="ti-aide">Survolez une commune pour sa valeur ; cliquez pour l\'ouvrir.</div>')
        self.legende = w.HTML()
        super().__init__([self.choix_indicateur, self.choix_portee, self.carte, self.info, self.legende], **kwargs)
        self.add_class("territoire-choroplethe")
        self.cle = None
        self.cle_donnees = None
        self.codes: list[str] = []
        self.choix_indicateur.observe(self._indicateur, "value")
        self.choix_portee.observe(self._rafraichir, "value")
        etat.observe(self._rafraichir, ["code"])
        etat.observe(self._indicateur_etat, ["indicateur"])
        self._rafraichir()

    @garde
    def _indicateur(self, change) -> None:
        self.etat.choisir_indicateur(change["new"])

    @garde
    def _indicateur_etat(self, change) -> None:
        self.choix_indicateur.value = change["new"]
        self._rafraichir()

    @garde
    def _clic(self, feature=None, properties=None, **_kwargs) -> None:
        code = (properties or (feature or {}).get("properties") or {}).get("code")
        self.etat.choisir(code)

    @garde
    def _survol(self, feature=None, **_kwargs) -> None:
        p = (feature or {}).get("properties") or {}
        self.info.value = (f'<div class="ti-aide"><strong>{html.escape(str(p.get("nom", "")))}</strong> '
                           f'({html.escape(str(p.get("code", "")))}) : {html.escape(str(p.get("valeur", "")))}</div>')

    @garde
    def _rafraichir(self, _change=None) -> None:
        self.rafraichir()

    def rafraichir(self) -> None:
        if not self.etat.code:
            self.couche.data = self.surlignage.data = {"type": "FeatureCollection", "features": []}
            self.legende.value = ""
            self.cle_donnees = None
            return
        fournisseur = self.etat.fournisseur
        cle, libelle = fournisseur.perimetre(self.etat.code, self.choix_portee.value)
        formes, geometries = squelette(fournisseur, cle)
        indicateur = PAR_ID[self.etat.indicateur]
        if (cle, indicateur.id) != self.cle_donnees:
            valeurs = fournisseur.valeurs(formes["code"].tolist(), indicateur.id).to_numpy(dtype="float64")
            classes = couleurs.quantiles(valeurs)
            self.couche.data = collection(formes, geometries, valeurs, classes, indicateur)
            self.legende.value = html_legende(classes, indicateur, libelle)
            self.codes = formes["code"].tolist()
            self.cle_donnees = (cle, indicateur.id)
        if cle != self.cle:
            self.carte.center, self.carte.zoom = cadrage(shapely.total_bounds(formes.geometry.to_numpy()))
            self.cle = cle
        self.surlignage.data = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": code}, "geometry": g}
            for code, g in zip(formes["code"], geometries) if code == self.etat.code and g is not None]}
