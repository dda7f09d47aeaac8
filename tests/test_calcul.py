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


def test_valeur_la_plus_recente_secrete_reste_secrete(ref):
    base = obs([("33063", "TP60", 2019, 16.0, "ok"), ("33063", "TP60", 2021, np.nan, "secret"),
                ("33281", "TP60", 2021, 12.0, "ok"), ("33069", "TP60", 2019, 11.0, "ok")])
    tous, derniers = calcul.calculer(calcul.agreger(base, ref))
    lignes = derniers.set_index(["code", "indicateur"])
    ligne = lignes.loc[("33063", "taux_pauvrete")]
    assert (ligne["annee"], ligne["statut"], ligne["comparable"]) == (2021, "secret", False)
    assert np.isnan(ligne["valeur"]) and (ligne["annee_anterieure"], ligne["valeur_anterieure"]) == (2019, 16.0)
    # No 2021 value at all: the 2019 one is shown with its year, not compared with 2021's peers.
    ancienne = lignes.loc[("33069", "taux_pauvrete")]
    assert (ancienne["annee"], ancienne["valeur"], ancienne["comparable"]) == (2019, 11.0, False)
    assert lignes.loc[("33281", "taux_pauvrete"), "comparable"]
    serie = tous[(tous["code"] == "33063") & (tous["indicateur"] == "taux_pauvrete")]
    assert serie.set_index("annee")["statut"].to_dict() == {2019: "ok", 2021: "secret"}


def _toutes_les_communes(ref, statut_de=lambda code: ("ok", "")):
    lignes = []
    for code in ref.communes.index:
        statut, raison = statut_de(code)
        lignes.append((code, "P_POP", 2020, 100.0 if statut == "ok" else np.nan, statut, raison))
    cadre = pd.DataFrame(lignes, columns=["code", "variable", "annee", "valeur", "statut", "raison"])
    return observations.tableau(cadre["code"], cadre["variable"], cadre["annee"], np.nan, cadre["valeur"],
                                cadre["statut"], "test", "E1", raison=cadre["raison"])


def test_non_couvert_n_est_pas_secret_somme_avec_sa_couverture(ref):
    mayotte = ref.communes.index[ref.communes["departement"] == "976"]
    base = _toutes_les_communes(ref, lambda c: ("missing", "not_covered") if c in mayotte else ("ok", ""))
    agrege = calcul.agreger(base, ref).en_long().set_index(["code", "variable"])
    france = agrege.loc[("france", "P_POP")]
    assert (france["statut"], france["note"]) == ("ok", "hors Mayotte")
    assert france["valeur"] == 100.0 * (len(ref.communes) - len(mayotte))
    assert (agrege.loc[("dep:976", "P_POP"), "statut"], agrege.loc[("dep:976", "P_POP"), "raison"]) == (
        "missing", "not_covered")
    assert agrege.loc[("dep:33", "P_POP"), "statut"] == "ok" and not agrege.loc[("dep:33", "P_POP"), "note"]
    # One genuinely secret member blanks the sums it belongs to, and only those.
    secret = _toutes_les_communes(ref, lambda c: ("secret", "") if c == "33063" else
                                  ("missing", "not_covered") if c in mayotte else ("ok", ""))
    agrege = calcul.agreger(secret, ref).en_long().set_index(["code", "variable"])
    assert agrege.loc[("france", "P_POP"), "statut"] == "secret" and agrege.loc[("dep:33", "P_POP"), "statut"] == "secret"
    assert agrege.loc[("dep:24", "P_POP"), "statut"] == "ok"


def test_couverture_insuffisante_pas_de_somme(ref):
    gironde = ref.communes.index[ref.communes["departement"] == "33"]
    base = _toutes_les_communes(ref, lambda c: ("ok", "") if c in gironde else ("missing", "not_covered"))
    agrege = calcul.agreger(base, ref).en_long().set_index(["code", "variable"])
    france = agrege.loc[("france", "P_POP")]
    assert (france["statut"], france["raison"]) == ("missing", "insufficient_coverage") and np.isnan(france["valeur"])
    assert agrege.loc[("dep:33", "P_POP"), "statut"] == "ok"


def test_soldes_sur_la_periode_de_la_variation(ref, tmp_path):
    """2025 comparateur: P22/P16 with births of 2016 to 2021 included (NAIS1621): the natural
    balance explains the 2016-2022 change, and natural + migratory = total."""
    (tmp_path / "comparateur.csv").write_text(
        "CODGEO;P22_POP;P16_POP;NAIS1621;DECE1621;P22_LOGVAC;P22_LOG\r\n33063;1200;1000;120;60;10;100\r\n",
        encoding="utf-8")
    from territoire_data.sources import lire_tout

    base = lire_tout([tmp_path]).observations
    naissances = base[base["variable"] == "NAIS"].iloc[0]
    assert (naissances["annee"], naissances["debut"]) == (2022, 2016)
    _, derniers = calcul.calculer(calcul.agreger(base, ref))
    d = derniers.set_index(["code", "indicateur"])
    naturel = d.loc[("33063", "contribution_solde_naturel")]
    assert naturel["annee"] == 2022
    assert naturel["valeur"] == pytest.approx(100 * (120 - 60) / 6 / 1100)
    total = d.loc[("33063", "variation_annuelle_population"), "valeur"]
    assert total == pytest.approx(100 * ((1200 / 1000) ** (1 / 6) - 1))
    assert d.loc[("33063", "contribution_solde_migratoire"), "valeur"] == pytest.approx(total - naturel["valeur"])


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
