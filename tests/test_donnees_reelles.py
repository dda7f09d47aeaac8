"""The warehouse built from real published files (../shared/realdata)."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import lancer
from territoire_data import territoire
from territoire_data.entrepot import ouvrir
from territoire_data.sources import lire_tout

pytestmark = pytest.mark.realdata


def valeur(code, indicateur):
    ligne = ouvrir().lignes(code).loc[indicateur]
    return ligne["valeur"], ligne["statut"], int(ligne["annee"])


def test_bordeaux_comparateur_2022(home_reel, dans):
    dans(home_reel)
    assert valeur("33063", "population") == (257_068, "ok", 2018)
    chomage, statut, annee = valeur("33063", "taux_chomage_15_64")
    assert round(chomage, 2) == 14.47 and annee == 2018
    vacants, _, _ = valeur("33063", "part_logements_vacants")
    assert round(vacants, 2) == 6.93


def test_bordeaux_filosofi_2021(home_reel, dans):
    dans(home_reel)
    assert valeur("33063", "revenu_median") == (24_870, "ok", 2021)
    pauvrete, statut, annee = valeur("33063", "taux_pauvrete")
    assert (pauvrete, statut, annee) == (17.0, "ok", 2021)


def test_secret_filosofi_s_est_secret_pas_zero(home_reel, realdata, dans):
    dans(home_reel)
    filo = pd.read_csv(realdata / "insee_filosofi" / "cc_filosofi_2021_COM.csv", sep=";", dtype=str)
    code = filo.loc[(filo["TP6021"] == "s") & (filo["MED21"] != "s"), "CODGEO"].iloc[0]
    obs = ouvrir().observations(code=code, variable="TP60")
    ligne = obs[obs["annee"] == 2021].iloc[0]
    assert ligne["statut"] == "secret" and np.isnan(ligne["valeur"])


def test_secret_comparateur_vide_est_secret(home_reel, realdata, dans):
    dans(home_reel)
    comp = pd.read_csv(realdata / "insee_comparateur" / "base_cc_comparateur.CSV", sep=";", dtype=str,
                       keep_default_na=False)
    code = comp.loc[comp["MED19"] == "", "CODGEO"].iloc[0]
    obs = ouvrir().observations(code=code, variable="MED")
    assert obs.loc[obs["annee"] == 2019, "statut"].iloc[0] == "secret"


def test_agregat_gironde_somme_des_numerateurs(home_reel, realdata, dans):
    dans(home_reel)
    comp = pd.read_csv(realdata / "insee_comparateur" / "base_cc_comparateur.CSV", sep=";", dtype={"CODGEO": str})
    gironde = comp[comp["CODGEO"].str.startswith("33")]  # includes 33409, now part of 33008
    attendu = 100 * gironde["P18_CHOM1564"].sum() / gironde["P18_ACT1564"].sum()
    obtenu, statut, _ = valeur("dep:33", "taux_chomage_15_64")
    assert statut == "ok" and obtenu == pytest.approx(attendu, rel=1e-9)
    # Not the mean of the communes' rates.
    assert abs(obtenu - (100 * gironde["P18_CHOM1564"] / gironde["P18_ACT1564"]).mean()) > 0.5
    assert valeur("dep:33", "population")[0] == pytest.approx(gironde["P18_POP"].sum())


def test_communes_fusionnees_rattachees(home_reel, dans):
    dans(home_reel)
    manifeste = ouvrir().manifeste
    assert any("rattaché" in ligne for ligne in manifeste["journal"])
    assert any("sans correspondance" in ligne for ligne in manifeste["journal"])


def test_meme_fichier_renomme_reconnu(realdata, tmp_path):
    shutil.copy(realdata / "insee_filosofi" / "cc_filosofi_2021_COM.csv", tmp_path / "export (3).dat")
    collecte = lire_tout([tmp_path])
    assert [lu.source for lu in collecte.lus] == ["insee_filosofi"]


def test_cog_fournit_la_table_de_passage(realdata):
    collecte = lire_tout([realdata / "insee_cog"])
    assert {lu.source for lu in collecte.lus} == {"insee_cog"}
    passages = collecte.mouvements
    assert ("01015", "01015") not in set(zip(passages["ancien"], passages["nouveau"]))
    assert len(passages) > 2_000


def test_fichiers_non_reconnus_signales(home_reel, dans):
    dans(home_reel)
    ignores = {i["fichier"].rsplit("/", 1)[-1]: i["raison"] for i in ouvrir().manifeste["ignores"]}
    assert "meta_base_cc_comparateur.CSV" in ignores and "non reconnu" in ignores["meta_base_cc_comparateur.CSV"]


def test_json_indicateurs_forme_du_contrat(home_reel):
    sortie = lancer("indicateurs", "33063", "--json", home=home_reel)
    assert sortie.returncode == 0, sortie.stderr
    donnees = json.loads(sortie.stdout)
    assert set(donnees) == {"territory", "demo", "indicators"}
    assert donnees["territory"] == {"code": "33063", "name": "Bordeaux", "level": "commune"}
    assert donnees["demo"] is False
    for indicateur in donnees["indicators"]:
        assert set(indicateur) == {"id", "theme", "label", "value", "unit", "year", "source", "status", "peers"}
        assert set(indicateur["peers"]) == {"group", "n", "percentile", "median"}
        assert indicateur["status"] in ("ok", "secret", "missing")
        assert (indicateur["value"] is None) == (indicateur["status"] != "ok")
    par_id = {i["id"]: i for i in donnees["indicators"]}
    assert par_id["population"]["value"] == 257_068 and par_id["population"]["source"] == "insee_comparateur"
    assert 0 <= par_id["taux_chomage_15_64"]["peers"]["percentile"] <= 100


def test_api_python(home_reel, dans):
    dans(home_reel)
    table = territoire("33063").indicateurs(theme="revenus", pairs="departement")
    assert set(table["theme"]) == {"revenus"}
    assert (table["peers_group"] == "departement").all()
    mediane = table.set_index("id").loc["revenu_median"]
    assert mediane["value"] == 24_870 and mediane["edition"] == "2021" and mediane["peers_n"] > 400
    serie = territoire("33063").serie("revenu_median")
    assert list(serie["annee"]) == [2019, 2021]
    assert list(serie["valeur"]) == [23_360, 24_870]
