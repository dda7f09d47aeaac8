"""Rules of computation on small known inputs: sums of numerators, secrets, mergers, ranks."""

import numpy as np
import pandas as pd
import pytest

from territoire_data import calcul, cog, compare
from territoire_data.sources import observations, variables


def obs(lignes):
    cadre = pd.DataFrame(lignes, columns=["code", "variable", "annee", "valeur", "statut"])
    return observations.tableau(cadre["code"], cadre["variable"], cadre["annee"], np.nan, cadre["valeur"],
                                cadre["statut"], "test", "E1")


@pytest.mark.parametrize("colonne,attendu", [
    ("P18_POP", ("P_POP", 2018, None)), ("P22_RP_PROP", ("P_RP_PROP", 2022, None)),
    ("C22_ACTOCC15P_VOIT", ("C_ACTOCC15P_VOIT", 2022, None)), ("NAIS1318", ("NAIS", 2018, 2013)),
    ("DECE1622", ("DECE", 2022, 2016)), ("MED21", ("MED", 2021, None)), ("TP6019", ("TP60", 2019, None)),
    ("ETTEFP1018", ("ETTEFP10", 2018, None)), ("MED_SL23", ("MED_SL", 2023, None)),
    ("PR_MD60_23", ("PR_MD60", 2023, None)), ("SUPERF", ("SUPERF", None, None)),
    ("P23_POP", ("P_POP", 2023, None)),  # next year's edition, no code change
])
def test_variables_independantes_du_millesime(colonne, attendu):
    assert variables.decouper(colonne) == attendu


def test_groupe_somme_des_numerateurs_et_denominateurs(ref):
    lignes = []
    for code, chom, act in (("33063", 10, 100), ("33281", 1, 1000)):
        lignes += [(code, "P_CHOM1564", 2020, chom, "ok"), (code, "P_ACT1564", 2020, act, "ok")]
    base = obs(lignes)
    # Only two communes of Bordeaux Métropole: the EPCI sum is incomplete, hence missing.
    agrege = calcul.agreger(base, ref).en_long()
    epci = agrege[(agrege["code"] == "epci:243300316") & (agrege["variable"] == "P_CHOM1564")].iloc[0]
    assert epci["statut"] == "missing" and np.isnan(epci["valeur"])
    # With every member present, the rate is Σ chômeurs / Σ actifs (11/1100 = 1 %), not the mean (5.05 %).
    membres = ref.communes.index[ref.communes["epci"] == "243300316"]
    complet = obs([(c, v, 2020, 0, "ok") for c in membres if c not in ("33063", "33281")
                   for v in ("P_CHOM1564", "P_ACT1564")] + lignes)
    indicateurs, derniers = calcul.calculer(calcul.agreger(complet, ref))
    taux = indicateurs[(indicateurs["code"] == "epci:243300316") & (indicateurs["indicateur"] == "taux_chomage_15_64")]
    assert taux["valeur"].iloc[0] == pytest.approx(1.0)
    assert derniers.set_index(["code", "indicateur"]).loc[("33063", "taux_chomage_15_64"), "valeur"] == 10.0


def test_membre_secret_rend_le_groupe_secret(ref):
    membres = ref.communes.index[ref.communes["epci"] == "243300316"]
    lignes = [(c, "NBMENFISC", 2021, 10, "ok") for c in membres]
    lignes[0] = (membres[0], "NBMENFISC", 2021, np.nan, "secret")
    agrege = calcul.agreger(obs(lignes), ref).en_long()
    ligne = agrege[(agrege["code"] == "epci:243300316")].iloc[0]
    assert ligne["statut"] == "secret" and np.isnan(ligne["valeur"])


def test_valeurs_non_additives_jamais_sommees(ref):
    membres = ref.communes.index[ref.communes["epci"] == "243300316"]
    agrege = calcul.agreger(obs([(c, "MED", 2021, 20_000, "ok") for c in membres]), ref).en_long()
    assert not (agrege["code"] == "epci:243300316").any()


def test_derniere_valeur_connue_sinon_statut(ref):
    base = obs([("33063", "TP60", 2019, 16.0, "ok"), ("33063", "TP60", 2021, np.nan, "secret")])
    tous, derniers = calcul.calculer(calcul.agreger(base, ref))
    ligne = derniers.set_index(["code", "indicateur"]).loc[("33063", "taux_pauvrete")]
    assert (ligne["annee"], ligne["valeur"], ligne["statut"]) == (2019, 16.0, "ok")
    serie = tous[(tous["code"] == "33063") & (tous["indicateur"] == "taux_pauvrete")]
    assert serie.set_index("annee")["statut"].to_dict() == {2019: "ok", 2021: "secret"}


def test_derniere_edition_gagne():
    a = obs([("33063", "P_POP", 2018, 100, "ok")])
    b = obs([("33063", "P_POP", 2018, 101, "ok")])
    b["edition"] = b["edition"].cat.rename_categories({"E1": "E2"})
    resultat = calcul.dedoublonner(observations.concatener([b, a]))
    assert resultat["valeur"].tolist() == [101]


def test_fusion_de_communes(ref):
    # 33409 is now a commune déléguée of 33008: counts add up, medians cannot.
    base = obs([("33409", "P_POP", 2018, 90, "ok"), ("33008", "P_POP", 2018, 1000, "ok"),
                ("33409", "MED", 2019, 21_000, "ok"), ("33008", "MED", 2019, 23_000, "ok"),
                ("99999", "P_POP", 2018, 5, "ok")])
    resultat, journal = cog.harmoniser(base, ref)
    resultat = resultat.set_index(["code", "variable"])
    assert resultat.loc[("33008", "P_POP"), "valeur"] == 1090
    assert resultat.loc[("33008", "MED"), "statut"] == "missing"
    assert any("99999" in ligne for ligne in journal) and any("écarté" in ligne for ligne in journal)


def test_mouvements_du_cog_en_chaine(ref):
    mouvements = pd.DataFrame({"ancien": ["99901", "99902"], "nouveau": ["99902", "33063"],
                               "date": pd.to_datetime(["2015-01-01", "2019-01-01"])})
    passage = cog.table_de_passage(ref, mouvements)
    assert passage["99901"] == "33063" and passage["99902"] == "33063"


def test_rang_centile_ex_aequo_et_manquants():
    valeurs = np.array([1, 2, 2, 3, np.nan])
    position = compare.position(2.0, valeurs)
    assert position["n"] == 4 and position["percentile"] == 50.0 and position["median"] == 2.0
    assert compare.position(3.0, valeurs)["percentile"] == 87.5
    assert compare.position(np.nan, valeurs)["percentile"] is None


def test_classes_de_taille_et_de_densite():
    classes = compare.classe_taille(pd.Series([0, 199, 200, 1_999, 2_000, 150_000]))
    assert classes.tolist() == [1, 1, 2, 4, 5, 10]
    densite = compare.classe_densite_approchee(pd.Series([5.0, 60.0, 5_000.0, np.nan]))
    assert densite.tolist()[:3] == [7, 5, 1] and np.isnan(densite.iloc[3])
