"""The warehouse built from real published files.

Most tests run on the real extracts of ``tests/donnees`` (comparateur 2022 on the COG 2021,
Filosofi 2021, COG 2026, Etalab's découpage): figures checked against values computed by
hand from the same lines. The last ones build from every national file of
``../shared/realdata`` when it is there.
"""

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from conftest import DONNEES, lancer
from territoire_data import territoire
from territoire_data.entrepot import construire, ouvrir
from territoire_data.sources import lire_tout

COMPARATEUR = DONNEES / "insee_comparateur" / "base_cc_comparateur.CSV"
FILOSOFI = DONNEES / "insee_filosofi" / "cc_filosofi_2021_COM.csv"


def comparateur() -> pd.DataFrame:
    return pd.read_csv(COMPARATEUR, sep=";", dtype=str, keep_default_na=False).set_index("CODGEO")


def ligne(code, indicateur):
    return ouvrir().lignes(code).loc[indicateur]


def valeur(code, indicateur):
    x = ligne(code, indicateur)
    return x["valeur"], x["statut"], int(x["annee"])


def observation(code, variable, annee):
    obs = ouvrir().observations(code=code, variable=variable)
    return obs[obs["annee"] == annee].iloc[0]


def test_bordeaux_comparateur_2022(home_reel, dans):
    dans(home_reel)
    assert valeur("33063", "population") == (257_068, "ok", 2018)
    chomage, statut, annee = valeur("33063", "taux_chomage_15_64")
    assert round(chomage, 2) == 14.47 and annee == 2018
    assert round(valeur("33063", "part_logements_vacants")[0], 2) == 6.93


def test_bordeaux_filosofi_2021(home_reel, dans):
    dans(home_reel)
    assert valeur("33063", "revenu_median") == (24_870, "ok", 2021)
    assert valeur("33063", "taux_pauvrete") == (17.0, "ok", 2021)


def test_secret_filosofi_s_est_secret_pas_zero(home_reel, dans):
    dans(home_reel)
    filo = pd.read_csv(FILOSOFI, sep=";", dtype=str)
    code = filo.loc[(filo["TP6021"] == "s") & (filo["MED21"] != "s"), "CODGEO"].iloc[0]
    x = observation(code, "TP60", 2021)
    assert x["statut"] == "secret" and np.isnan(x["valeur"])


def test_vide_du_comparateur_secret_pour_filosofi_non_couvert_pour_mayotte(home_reel, dans):
    dans(home_reel)
    comp = comparateur()
    code = comp.index[(comp["MED19"] == "") & ~comp.index.str.startswith("976")][0]
    assert observation(code, "MED", 2019)["statut"] == "secret"
    # Mayotte: no census in 2018, no Filosofi: blanks of a whole département are not secrecy.
    for variable, annee in (("P_POP", 2018), ("MED", 2019)):
        x = observation("97611", variable, annee)
        assert (x["statut"], x["raison"]) == ("missing", "not_covered")
    assert (ligne("dep:976", "population")["statut"], ligne("dep:976", "population")["raison"]) == ("missing",
                                                                                                     "not_covered")


def test_nouvelle_valeur_secrete_reste_secrete(home_reel, dans):
    """33125: poverty rate secret in Filosofi 2021, published for 2019 in the comparateur."""
    dans(home_reel)
    x = ligne("33125", "taux_pauvrete")
    assert (x["statut"], int(x["annee"]), np.isnan(x["valeur"])) == ("secret", 2021, True)
    assert (int(x["annee_anterieure"]), x["valeur_anterieure"]) == (2019, float(comparateur().at["33125", "TP6019"]))
    assert np.isnan(ouvrir().matrice.at["33125", "taux_pauvrete"])  # never among the 2021 peers
    table = territoire("33125").indicateurs(pairs="departement").set_index("id")
    assert pd.isna(table.at["taux_pauvrete", "percentile"]) and table.at["taux_pauvrete", "previous_year"] == 2019


def test_gironde_somme_des_numerateurs(home_reel, dans):
    dans(home_reel)
    comp = pd.read_csv(COMPARATEUR, sep=";", dtype={"CODGEO": str})
    gironde = comp[comp["CODGEO"].str.startswith("33")]  # includes 33409, now part of 33008
    attendu = 100 * gironde["P18_CHOM1564"].sum() / gironde["P18_ACT1564"].sum()
    chomage, statut, _ = valeur("dep:33", "taux_chomage_15_64")
    assert statut == "ok" and chomage == pytest.approx(attendu)
    moyenne_des_taux = (100 * gironde["P18_CHOM1564"] / gironde["P18_ACT1564"]).mean()
    assert abs(chomage - moyenne_des_taux) > 0.1  # a mean of rates would be wrong


def test_anciens_codes_rattaches_par_le_decoupage(home_reel, dans):
    """72287 merged into 72155 (2025), 27058 is now Les Trois Lacs (27676): nothing dropped."""
    dans(home_reel)
    comp = comparateur()
    manifeste = ouvrir().manifeste
    assert not any("sans correspondance" in ligne for ligne in manifeste["journal"])
    population, statut, annee = valeur("72155", "population")
    assert (round(population), statut, annee) == (4_379, "ok", 2018)
    assert population == pytest.approx(float(comp.at["72155", "P18_POP"]) + float(comp.at["72287", "P18_POP"]))
    sarthe = comp.loc[comp.index.str.startswith("72"), "P18_POP"].astype(float).sum()
    assert round(valeur("dep:72", "population")[0]) == round(sarthe) == 565_963
    assert valeur("27676", "population")[0] == float(comp.at["27058", "P18_POP"])
    # A median of one member is not the merged commune's median.
    for indicateur in ("revenu_median",):
        x = ligne("72155", indicateur)
        assert (x["statut"], x["raison"]) == ("missing", "not_additive") and np.isnan(x["valeur"])


def test_communes_retablies_et_ancien_territoire(home_reel, dans):
    """15141 was published for Neussargues en Pinatelle, before Celles, Chalinargues, Chavagnac
    and Sainte-Anastasie were restored (2025): not 15141's own figure, but counted for Cantal."""
    dans(home_reel)
    comp = comparateur()
    parent = ligne("15141", "population")
    assert (parent["statut"], parent["raison"]) == ("missing", "other_geography") and np.isnan(parent["valeur"])
    assert "15031" in parent["note"] and "avant le rétablissement" in parent["note"]
    for restauree in ("15031", "15035", "15047", "15171"):
        x = ligne(restauree, "population")
        assert (x["statut"], x["raison"]) == ("missing", "included") and "15141" in x["note"]
    cantal = ligne("dep:15", "population")
    assert cantal["statut"] == "ok" and not cantal["note"]  # complete: the former territory covers them
    assert cantal["valeur"] == pytest.approx(comp.loc[comp.index.str.startswith("15"), "P18_POP"].astype(float).sum())
    for code in ("60054", "85084"):  # restored out of in 2024: not in the extract's départements…
        assert ouvrir().lignes(code).empty or ligne(code, "population")["raison"] == "other_geography"


def test_json_strict_annees_et_sources_nulles_sans_valeur(home_reel):
    sortie = lancer("indicateurs", "15141", "--json", home=home_reel)
    assert sortie.returncode == 0, sortie.stderr

    def refuser(constante):
        raise ValueError(f"JSON non strict : {constante}")

    donnees = json.loads(sortie.stdout, parse_constant=refuser)
    assert {i["id"] for i in donnees["indicators"]} >= {"population", "taux_chomage_15_64", "revenu_median"}
    for i in donnees["indicators"]:
        if i["value"] is None:
            assert i["year"] is None and i["source"] is None, i
    population = next(i for i in donnees["indicators"] if i["id"] == "population")
    assert population["reason"] == "other_geography" and "Celles" in population["note"]


def test_meme_fichier_renomme_reconnu(tmp_path):
    shutil.copy(FILOSOFI, tmp_path / "export (3).dat")
    collecte = lire_tout([tmp_path])
    assert [lu.source for lu in collecte.lus] == ["insee_filosofi"] and not collecte.ignores


def test_fichiers_du_cog_et_du_decoupage_reconnus_comme_references():
    collecte = lire_tout([DONNEES / "insee_cog", DONNEES / "etalab_decoupage"])
    assert not collecte.ignores and not collecte.lus
    roles = [role for _, role in collecte.references]
    assert any("anciens codes" in r for r in roles) and any("déléguées" in r for r in roles)
    mouvements = collecte.mouvements.set_index("ancien")["nouveau"]
    assert mouvements["72287"] == "72155" and mouvements["27058"] == "27676"


def test_copie_derivee_du_comparateur(home, ref, tmp_path_factory, dans):
    """One line per postal code, delegated communes repeating their parent, zeros for Mayotte,
    Paris given by its arrondissements only: read as the real file is."""
    from conftest import home_avec_referentiel

    dossier = dans(home_avec_referentiel(tmp_path_factory, home, "home-derive"))
    brut = dossier / "brut"
    brut.mkdir()
    shutil.copy(DONNEES / "comparateur_derive" / "communes.csv", brut)
    shutil.copy(DONNEES / "etalab_decoupage" / "communes.json", brut)
    construire([brut], dossier)
    derive = pd.read_csv(DONNEES / "comparateur_derive" / "communes.csv", dtype=str)
    bordeaux = derive[derive["insee_com"] == "33063"].iloc[0]
    assert valeur("33063", "population") == (float(bordeaux["population_2021"]), "ok", 2021)
    arrondissements = derive[derive["commune_type"] == "ARM"].drop_duplicates("insee_com")
    paris = arrondissements[arrondissements["insee_com"].str.startswith("751")]["population_2021"].astype(int).sum()
    assert valeur("75056", "population")[0] == paris and valeur("75115", "population")[1] == "ok"
    mayotte = ligne("97611", "population")
    assert (mayotte["statut"], mayotte["raison"]) == ("missing", "not_covered")  # a 0 there is no census
    assert ligne("15141", "population")["raison"] == "other_geography"  # COG 2024: before the 2025 restoration


# -- every national file (../shared/realdata), when present -----------------------------------

@pytest.fixture(scope="module")
def home_national(tmp_path_factory, home, ref, realdata):
    from conftest import home_avec_referentiel

    dossier = home_avec_referentiel(tmp_path_factory, home, "home-national")
    construire([realdata], dossier)
    return dossier


@pytest.mark.realdata
@pytest.mark.slow
def test_tous_les_fichiers_reels_lus_france_departements_regions(home_national, ref, dans):
    dans(home_national)
    manifeste = ouvrir().manifeste
    assert manifeste["ignores"] == []  # every real file is read, or recognised for what it is
    assert not any("sans correspondance" in ligne for ligne in manifeste["journal"])
    france = ligne("france", "population")
    assert france["statut"] == "ok" and "Mayotte" in france["note"]
    assert 66e6 < france["valeur"] < 68e6
    groupes = [f"dep:{d}" for d in ref.departements.index if d != "976"] + [
        f"reg:{r}" for r in ref.regions.index if r != "06"]
    for code in groupes + ["france"]:
        for indicateur in ("population", "taux_chomage_15_64", "logements"):
            x = ligne(code, indicateur)
            assert x["statut"] == "ok" and math.isfinite(x["valeur"]), (code, indicateur, x["statut"], x["raison"])
    assert ligne("dep:976", "population")["raison"] == "not_covered"
