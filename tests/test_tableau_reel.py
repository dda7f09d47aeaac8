"""The dashboard on the real provider and a demo warehouse, without a browser."""

from __future__ import annotations

import json
import re

from conftest import lancer
from territoire_data.catalogue import PAR_ID
from territoire_data.format import nombre
from territoire_data.statuts import libelle as libelle_statut
from widgets import Fournisseur, TableauDeBord


def test_cartes_egales_au_json_du_cli(home_demo, dans):
    dans(home_demo)
    tableau = TableauDeBord(Fournisseur(home_demo), "33063")
    attendu = json.loads(lancer("indicateurs", "33063", "--json", home=home_demo).stdout)
    cartes = {c.indicateur_id: c for cartes in tableau.onglets.par_onglet[1:] for c in cartes}
    assert len(cartes) == len(attendu["indicators"]) == len(PAR_ID)
    for i in attendu["indicators"]:
        texte = cartes[i["id"]].html
        if i["value"] is None:
            assert libelle_statut(i["status"], i["reason"]) in texte
        else:
            assert f'<span class="ti-nombre">{nombre(i["value"], PAR_ID[i["id"]].decimales)}</span>' in texte
            assert f'data-centile="{i["peers"]["percentile"]:.1f}"' in texte
    # The map: the communes of Gironde, Bordeaux outlined.
    assert len(tableau.carte.couche.data["features"]) > 500
    assert tableau.carte.surlignage.data["features"][0]["properties"]["code"] == "33063"
    taille = len(json.dumps(tableau.carte.couche.data))
    assert taille < 1_000_000, taille


def test_commune_deleguee_ouvre_la_commune_nouvelle(home_demo, dans, ref):
    dans(home_demo)
    deleguees = ref.sous_communes[ref.sous_communes["type"] == "COMD"]
    ligne = deleguees[deleguees["parent"].str.startswith("33")].iloc[0]
    tableau = TableauDeBord(Fournisseur(home_demo), ligne["code"])
    assert tableau.etat.code == ligne["parent"] and not tableau.erreur.value


def test_dashboard_sans_entrepot_message_francais(tmp_path):
    sortie = lancer("dashboard", "--no-browser", home=tmp_path)
    assert sortie.returncode == 2
    assert "Aucun entrepôt de données" in sortie.stderr and "Traceback" not in sortie.stderr


def test_carnet_sans_entrepot_affiche_un_message(tmp_path, dans):
    from widgets.tableau_de_bord import ouvrir, preparer

    dans(tmp_path)
    vue = ouvrir(preparer(tmp_path), "33063")
    assert "territoire-dashboard" in vue._dom_classes
    assert re.search("Aucun entrepôt de données", vue.children[1].value)
