"""``RadarPanel`` (``.territoire-radar``): the radar foncier layer of the dashboard.

Shown to the users the store allows (élus, agents of the territory, admins); the run itself
checks the right again (``territoire_data.radar.executer``). Cadastre files are taken from
``$TERRITOIRE_HOME/cadastre/`` (``cadastre-CODE-parcelles.json(.gz)`` …), else downloaded.
The plots become a layer of the map and a table; the GeoPackage is offered for download.
"""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path

import ipyleaflet as L
import ipywidgets as w
import shapely
from traitlets import Unicode

from territoire_data.format import nombre
from territoire_data.home import dossier_home
from widgets.etat import Etat
from widgets.garde import garde


def fichier_cadastre(code: str, couche: str) -> Path | None:
    for dossier in (dossier_home() / "cadastre", dossier_home() / "telechargements" / "cadastre"):
        for nom in (f"cadastre-{code}-{couche}.json", f"cadastre-{code}-{couche}.json.gz"):
            if (dossier / nom).is_file():
                return dossier / nom
    return None


class RadarPanel(w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, etat: Etat, carte=None, **kwargs):
        self.etat, self.carte = etat, carte
        self.lancer = w.Button(description="Lancer le radar foncier", button_style="primary",
                               tooltip="Repérer les dents creuses de la commune")
        self.sortie = w.HTML()
        self.couche = L.GeoJSON(data={"type": "FeatureCollection", "features": []}, name="Radar foncier",
                                style={"color": "#ce0500", "fillColor": "#ff8d00", "fillOpacity": 0.75, "weight": 1.5})
        self.resultat = None
        super().__init__([w.HTML("<h2>Radar foncier</h2>"), self.lancer, self.sortie], **kwargs)
        self.add_class("territoire-radar")
        self.lancer.on_click(lambda _b: self._lancer())
        etat.observe(self._commune, "code")
        self.observe(self._commune, "login")
        self._commune()

    def _autorise(self) -> bool:
        from territoire_data.discussions import Espace

        if not self.login or not self.etat.code:
            return False
        try:
            return Espace(self.login).autorisation.peut_radar(self.etat.code)
        except Exception:  # noqa: BLE001 — no store: no radar
            return False

    @garde
    def _commune(self, _change=None) -> None:
        self.resultat = None
        self.couche.data = {"type": "FeatureCollection", "features": []}
        autorise = self._autorise()
        self.layout.display = None if autorise else "none"  # others do not even see the layer exists
        self.sortie.value = ('<div class="ti-aide">Parcelles non bâties dans l\'enveloppe urbaine, vérifiées contre la '
                             "trame verte et bleue (réservé aux élus et aux services du territoire).</div>"
                             if autorise else "")

    @garde
    def _lancer(self) -> None:
        from territoire_data.erreurs import TerritoireErreur
        from territoire_data.radar import ecrire_geopackage, executer

        code = self.etat.code
        try:
            self.resultat = executer(code, login=self.login, parcelles=fichier_cadastre(code, "parcelles"),
                                     batiments=fichier_cadastre(code, "batiments"))
        except TerritoireErreur as e:
            self.sortie.value = f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>'
            return
        plots = self.resultat["parcelles"]
        wgs = plots.to_crs(4326)
        self.couche.data = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": i, "score": float(s)},
             "geometry": shapely.geometry.mapping(shapely.transform(g, lambda xy: xy.round(6)))}
            for i, s, g in zip(wgs["id"], wgs["score"], wgs.geometry)]}
        if self.carte is not None and self.couche not in self.carte.carte.layers:
            self.carte.carte.add(self.couche)
        with tempfile.TemporaryDirectory() as dossier:
            contenu = ecrire_geopackage(self.resultat, Path(dossier) / f"radar_{code}.gpkg").read_bytes()
        s = self.resultat["synthese"]
        lignes = "".join(f"<tr><td>{html.escape(r.id)}</td><td>{nombre(r.surface_m2, 0)} m²</td><td>{nombre(r.score, 0)}</td>"
                         f"<td>{html.escape(r.raisons)}</td></tr>" for r in plots.head(30).itertuples())
        self.sortie.value = (
            f"<div><strong>{s['parcelles']} dent(s) creuse(s)</strong>, {nombre(s['hectares'], 2)} ha, ≈ "
            f"{s['logements_potentiels']} logements à {nombre(s['densite_logements_ha'], 0)} logements/ha"
            + (f", soit {nombre(s['part_besoin_couverte'], 0)} % du besoin estimé à 2031" if s["part_besoin_couverte"] else "")
            + f" ; {s['conflits_trame_verte']} en conflit avec la trame verte et bleue (couche orange sur la carte).</div>"
            f'<a class="ti-bouton" download="radar_{html.escape(code)}.gpkg" '
            f'href="data:application/geopackage+sqlite3;base64,{base64.b64encode(contenu).decode()}">GeoPackage</a>'
            f'<table class="ti-table ti-radar"><tr><th>Parcelle</th><th>Surface</th><th>Score</th><th>Raisons</th></tr>'
            f"{lignes}</table>")
