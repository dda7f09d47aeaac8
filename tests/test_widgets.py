"""Dashboard components in plain pytest, against the small fake of ``tests/faux.py``."""

from __future__ import annotations

import base64
import io
import re

import openpyxl
import pandas as pd
import pytest

from faux import COMMUNES, FauxFournisseur, valeur
from territoire_data.catalogue import INDICATEURS, THEMES
from widgets import (ChoroplethMap, CommuneSelector, Etat, ExportButton, IndicatorCard, PeerDistributionChart,
                     PeerGroupPicker, TableauDeBord, ThemeTabs, TrendChart, ZanPanel)
from widgets.cartes import html_carte


@pytest.fixture
def etat():
    e = Etat(FauxFournisseur())
    assert e.choisir("99001")
    return e


def ligne(**modifs):
    base = {"id": "taux_chomage_15_64", "label": "Taux de chômage", "value": 8.456, "unit": "%", "year": 2022,
            "status": "ok", "decimals": 2, "polarity": "baisse_favorable", "first_year": 2016, "first_value": 9.0,
            "change": -0.544, "annual_rate": -1.0, "peers_group": "densite", "peers_n": 1234, "percentile": 73.0,
            "median": 7.1, "source": "insee_comparateur", "edition": "2025", "definition": "CHOM1564 / ACT1564"}
    return {**base, **modifs}


def test_carte_valeur_annee_centile_et_mediane():
    texte = html_carte(ligne())
    assert "8,46" in texte and "2022" in texte and "%" in texte
    assert 'class="ti-repere" style="left:73.0%"' in texte
    assert "73<sup>e</sup> centile parmi 1\u202f234 communes de même densité" in texte
    assert "médiane 7,10 %" in texte
    # A fall of unemployment is favourable: green down arrow, in points for a rate.
    assert 'ti-evolution ti-favorable">▼ -0,5 pt depuis 2016' in texte
    assert "INSEE, base du comparateur de territoires" in texte and "édition 2025" in texte
    assert "CHOM1564 / ACT1564" in texte and "<details" in texte
    assert "ti-badge-demo" not in texte and "ti-badge-demo" in html_carte(ligne(), demo=True)


def test_carte_taux_annuel_pour_un_stock():
    texte = html_carte(ligne(id="population", unit="hab.", value=1000.0, decimals=0, change=100.0, annual_rate=1.6,
                             polarity="neutre"))
    assert "▲ +1,6 %/an depuis 2016" in texte and "ti-neutre" in texte


@pytest.mark.parametrize("statut, texte", [("secret", "secret statistique"), ("missing", "non disponible")])
def test_carte_etats_sans_valeur(statut, texte):
    contenu = html_carte(ligne(status=statut, value=None, percentile=None))
    assert texte in contenu and f"ti-statut-{statut}" in contenu
    assert "ti-repere" not in contenu and "ti-nombre" not in contenu


def test_carte_echappe_le_texte():
    contenu = html_carte(ligne(label="<img src=x onerror=alert(1)>"))
    assert "<img" not in contenu and "&lt;img" in contenu


def test_indicatorcard_porte_la_classe_du_contrat():
    carte = IndicatorCard("population")
    carte.afficher(ligne(status="secret", value=None))
    assert carte.html.startswith('<div class="territoire-indicateur ') and carte.statut == "secret"
    assert "territoire-indicateur" in carte._repr_html_()


def test_etat_refuse_un_code_forge_sans_changer_de_commune(etat):
    for code in ("<script>alert(1)</script>", "00000", "", None, "9" * 10_000):
        assert not etat.choisir(code)
        assert etat.erreur and etat.code == "99001"
    assert etat.choisir(" 99002 ") and etat.code == "99002" and etat.nom == COMMUNES["99002"] and not etat.erreur


def test_etat_valide_les_pairs(etat):
    assert etat.choisir_pairs("taille") and etat.pairs == "taille"
    assert not etat.choisir_pairs("liste:99001,<b>") and etat.pairs == "taille"
    assert not etat.choisir_pairs("liste:99001,12345") and "12345" in etat.erreur
    assert etat.choisir_pairs("liste:99001, 99003,99001") and etat.pairs == "liste:99001,99003"
    assert not etat.choisir_pairs("n'importe quoi") and etat.pairs == "liste:99001,99003"


def test_selecteur_suggestions_sans_accents_et_entree(etat):
    selecteur = CommuneSelector(etat)
    assert "territoire-recherche" in selecteur.saisie._dom_classes
    selecteur.saisie.value = "merignac"  # typed without accent
    assert [s[0] for s in selecteur.suggestions] == ["99002"]
    assert "Mérignac-sur-Faux" in selecteur.liste.children[0].description
    selecteur._valider(selecteur.saisie.value)  # Enter opens the first suggestion
    assert etat.code == "99002" and selecteur.saisie.value == "" and not selecteur.liste.children
    selecteur.saisie.value = "ECLUSES"
    selecteur.liste.children[0].click()  # or a click / Enter on a suggestion button
    assert etat.code == "99004"
    selecteur.saisie.value = "zzzz"
    assert not selecteur.suggestions and "Aucune commune" in selecteur.message.value


def test_onglets_synthese_et_neuf_themes(etat):
    onglets = ThemeTabs(etat)
    assert onglets.titles[0] == "Synthèse" and list(onglets.titles[1:]) == list(THEMES.values())
    assert sum(len(c) for c in onglets.par_onglet[1:]) == len(INDICATEURS)
    assert onglets.children[1].value.count('class="territoire-indicateur') == 8  # démographie
    assert onglets.children[0].value.count('class="territoire-indicateur') == 12  # synthèse
    assert "12\u202f000" in onglets.carte("population").html
    assert onglets.carte("population").html in onglets.children[1].value  # what the tab displays
    etat.choisir("99002")
    assert "3\u202f000" in onglets.carte("population").html and "3\u202f000" in onglets.children[1].value
    assert "secret statistique" in onglets.carte("taux_pauvrete").html


def test_les_cartes_suivent_le_groupe_de_pairs(etat):
    onglets = ThemeTabs(etat)
    picker = PeerGroupPicker(etat)
    carte = onglets.carte("population")
    assert "parmi 4 communes de même densité" in carte.html
    picker.groupe.value = "departement"
    assert etat.pairs == "departement" and "parmi 3 communes du département" in carte.html
    picker.groupe.value = "liste"
    assert picker.liste.layout.display is None  # the custom list box appears
    picker.liste.value = "99001,99004"
    picker._liste()
    assert etat.pairs == "liste:99001,99004" and "parmi 2 liste choisie" in carte.html


def test_carte_choroplethe(etat):
    carte = ChoroplethMap(etat, fond_de_plan=False)
    assert carte.carte.layers == (carte.couche, carte.surlignage)  # offline: no basemap layer
    entites = carte.couche.data["features"]
    assert [e["properties"]["code"] for e in entites] == list(COMMUNES)
    couleurs = {e["properties"]["code"]: e["properties"]["style"]["fillColor"] for e in entites}
    assert couleurs["99004"] == "#000091" and couleurs["99003"] == "#e8edff"  # largest / smallest population
    assert carte.surlignage.data["features"][0]["properties"]["code"] == "99001"
    assert "Population municipale" in carte.legende.value and "non disponible" in carte.legende.value
    donnees = carte.couche.data
    carte._clic(feature=entites[1], properties=entites[1]["properties"])  # a click opens the commune
    assert etat.code == "99002"
    assert carte.couche.data is donnees  # same scope: only the outline layer changed
    assert carte.surlignage.data["features"][0]["properties"]["code"] == "99002"
    carte._clic(properties={"code": "<forged>"})
    assert etat.code == "99002" and etat.erreur
    carte.choix_indicateur.value = "revenu_median"
    assert etat.indicateur == "revenu_median" and "Revenu disponible" in carte.legende.value
    nd = {e["properties"]["code"]: e["properties"]["style"]["fillColor"] for e in carte.couche.data["features"]}
    assert nd["99003"] == "#d9d9d9"  # missing value: grey, not the colour of zero
    carte.choix_portee.value = "epci"
    assert len(carte.couche.data["features"]) == 2 and etat.fournisseur.formes_lues[-1] == "epci:200000001"


def test_graphiques_suivent_indicateur_et_pairs(etat):
    evolution, distribution = TrendChart(etat), PeerDistributionChart(etat)
    assert "<svg" in evolution.value and "2016" in evolution.value and "Population municipale" in evolution.value
    assert "parmi les communes de même densité (4)" in distribution.value
    etat.choisir_indicateur("taux_chomage_15_64")
    assert "chômage" in evolution.value and "chômage" in distribution.value
    etat.choisir_pairs("departement")
    assert "(3)" in distribution.value


def test_panneau_zan_et_scenario(etat):
    panneau = ZanPanel(etat)
    t = panneau.t
    assert t["reference_2011_2020_ha"] == pytest.approx(20.0) and t["enveloppe_2021_2030_ha"] == pytest.approx(10.0)
    assert t["consomme_depuis_2021_ha"] == pytest.approx(6.0) and panneau.rythme.value == pytest.approx(2.0)
    assert "20,00 ha" in panneau.sortie.value and "2031" in panneau.sortie.value
    panneau.rythme.value = 0.5  # what-if: a slower pace
    assert panneau.t["projection_2031_ha"] == pytest.approx(6.0 + 0.5 * 7)
    assert not panneau.t["depassement_projete"] and "reste dans l'enveloppe" in panneau.sortie.value
    etat.choisir("99003")  # 1 ha of reference: the floor matters
    assert panneau.rythme.value == pytest.approx(0.1)
    panneau.plancher.value = True
    assert panneau.t["enveloppe_2021_2030_ha"] == pytest.approx(1.0) and "plancher de 1 ha" in panneau.sortie.value


def _lien(html_export: str, extension: str) -> bytes:
    donnees = re.search(rf'download="[^"]+\.{extension}" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"',
                        html_export).group(1)
    return base64.b64decode(donnees)


def test_export_csv_et_xlsx_avec_provenance(etat):
    export = ExportButton(etat)
    csv = pd.read_csv(io.BytesIO(_lien(export.value, "csv")), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(csv) == len(INDICATEURS)
    assert {"source", "edition", "annee", "statut", "formule", "centile", "mediane_des_pairs"} <= set(csv.columns)
    population = csv.set_index("indicateur").loc["population"]
    assert population["valeur"] == 12_000 and population["source"] == "insee_comparateur"
    assert population["donnees_de_demonstration"] == "oui"
    classeur = openpyxl.load_workbook(io.BytesIO(_lien(export.value, "xlsx")))
    feuille = classeur.active
    entetes = [c.value for c in feuille[1]]
    assert feuille.max_row == len(INDICATEURS) + 1 and "edition" in entetes
    etat.choisir("99002")
    csv = pd.read_csv(io.BytesIO(_lien(export.value, "csv")), sep=";", decimal=",", encoding="utf-8-sig")
    assert csv.set_index("indicateur").loc["taux_pauvrete", "statut"] == "secret statistique"
    assert csv["code_territoire"].astype(str).eq("99002").all()


def test_tableau_de_bord_complet_et_code_forge():
    tableau = TableauDeBord(FauxFournisseur(), "99001")
    assert "territoire-dashboard" in tableau._dom_classes
    assert "Saint-Éloi-la-Forêt" in tableau.titre.value and "Communauté fictive" in tableau.titre.value
    assert any("territoire-bandeau-demo" in e._dom_classes for e in tableau.children)
    assert not tableau.erreur.value
    tableau.etat.choisir("<script>alert(1)</script>")
    assert "ti-erreur" in tableau.erreur.value and "<script>" not in tableau.erreur.value
    assert "Saint-Éloi-la-Forêt" in tableau.titre.value  # the commune shown did not change

    forge = TableauDeBord(FauxFournisseur(), "12345")
    assert "ti-erreur" in forge.erreur.value and forge.titre.value == ""


def test_une_erreur_interne_devient_un_message(etat, caplog):
    class Casse(FauxFournisseur):
        def serie(self, code, indicateur):
            raise RuntimeError("panne de disque")

    etat_casse = Etat(Casse())
    etat_casse.choisir("99001")
    graphique = TrendChart(etat_casse)
    assert "erreur interne" in etat_casse.erreur and "panne" not in etat_casse.erreur
    assert "panne de disque" in caplog.text  # logged in the kernel, not shown on the page
    assert graphique.value == ""


def test_valeurs_du_faux_sont_celles_affichees(etat):
    # Guards the fake itself: the cards show the fake's values, not constants.
    onglets = ThemeTabs(etat)
    carte = onglets.carte("emplois")
    assert f"{valeur('99001', 'emplois'):.0f}" in carte.html.replace("\u202f", "")


def test_cadrage_contient_le_perimetre():
    import math

    from widgets.carte import _y_mercator, cadrage

    bornes = (-1.27, 44.19, 0.32, 45.58)  # Gironde
    (lat, lon), zoom = cadrage(bornes, 680, 440)
    assert 44.8 < lat < 45.0 and -0.5 < lon < -0.4

    def visible(z):  # (degrees of longitude, Mercator height) shown at zoom z
        return 680 / 256 / 2 ** z * 360, 440 / 256 / 2 ** z * 2 * math.pi

    hauteur = _y_mercator(45.58) - _y_mercator(44.19)
    assert visible(zoom)[0] >= 1.59 and visible(zoom)[1] >= hauteur  # the whole département shows
    assert visible(zoom + 0.25)[0] < 1.59 or visible(zoom + 0.25)[1] < hauteur  # and no more than needed
    petit = cadrage((-0.60, 44.83, -0.55, 44.86))[1]
    assert petit > zoom and petit == int(petit * 4) / 4
