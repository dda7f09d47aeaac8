"""Source-specific rules on small files written as the publishers do."""

import numpy as np

from territoire_data.sources import read_all

BOM = "\ufeff"


def test_sitadel_yearly_all_dwellings(tmp_path):
    (tmp_path / "sitadel_annuel.csv").write_text(
        BOM + "ANNEE;CODE_INSEE;TYPE_LGT;LOG_AUT;LOG_COM;SDP_AUT;SDP_COM\n"
        "2023;33063;Tous Logements;120;90;9000;7000\n2023;33063;Collectif;100;80;7000;6000\n"
        "2023;33281;Tous Logements;30;0;2500;0\n",
        encoding="utf-8",
    )
    obs = read_all([tmp_path]).observations.set_index(["code", "variable"])
    assert obs.loc[("33063", "LOG_AUT"), "value"] == 120  # « Tous Logements », not the sum of every row
    assert obs.loc[("33281", "LOG_COM"), "value"] == 0 and obs.loc[("33281", "LOG_COM"), "status"] == "ok"


def test_sitadel_monthly_incomplete_year_and_unpublished_zero(tmp_path):
    rows = ["ANNEE;MOIS;CODE_INSEE;TYPE_LGT;LOG_AUT;LOG_COM"]
    rows += [f"2024;{m};33063;Tous Logements;10;0" for m in range(1, 13)]  # LOG_COM not yet published
    rows += [f"2025;{m};33063;Tous Logements;10;8" for m in range(1, 10)]  # nine months only
    (tmp_path / "mensuel.csv").write_text(BOM + "\n".join(rows) + "\n", encoding="utf-8")
    reading = read_all([tmp_path])
    obs = reading.observations.set_index(["variable", "year"])
    assert obs.loc[("LOG_AUT", 2024), "value"] == 120 and obs.loc[("LOG_AUT", 2024), "status"] == "ok"
    assert obs.loc[("LOG_COM", 2024), "status"] == "missing" and np.isnan(obs.loc[("LOG_COM", 2024), "value"])
    assert obs.loc[("LOG_AUT", 2025), "status"] == "missing"
    assert any("incomplète" in r for r in reading.remarks)


def test_ore_secret_meshes(tmp_path):
    (tmp_path / "ore.csv").write_text(
        "annee,filiere,code_commune,code_categorie_consommation,code_secteur_naf2,conso_totale_mwh,"
        "nombre_de_mailles_secretisees\n"
        "2023,Electricité,33063,RES,,1000.5,0\n2023,Electricité,33063,PRO,47,200,0\n"
        "2023,Electricité,33281,RES,,50,0\n2023,Electricité,33281,ENT,25,0,1\n",
        encoding="utf-8",
    )
    obs = read_all([tmp_path]).observations.set_index(["code", "variable"])
    assert obs.loc[("33063", "CONSO_ELEC"), "value"] == 1200.5
    assert obs.loc[("33063", "CONSO_ELEC_TER"), "value"] == 200
    assert obs.loc[("33281", "CONSO_ELEC"), "status"] == "secret"  # a secret mesh: 0 is not zero
    assert obs.loc[("33281", "CONSO_ELEC_RES"), "value"] == 50


def test_cerema_yearly_flows_only(tmp_path):
    (tmp_path / "conso.csv").write_text(
        "idcom;idcomtxt;scot;naf11art12;naf12art13;art11hab12;naf09art23\n"
        '33063;"Bordeaux";"SCoT de l\'aire ""métropolitaine"" bordelaise";1000;2000;600;99999\n',
        encoding="utf-8",
    )
    reading = read_all([tmp_path])
    obs = reading.observations.set_index(["variable", "year"])
    assert obs.loc[("NAF_ART", 2011), "value"] == 1000 and obs.loc[("NAF_HAB", 2011), "value"] == 600
    assert len(obs) == 3  # the multi-year total is not a yearly flow
    assert reading.scot["scot"].iloc[0] == 'SCoT de l\'aire "métropolitaine" bordelaise'
