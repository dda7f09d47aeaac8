"""Each reader on the real layout users download (``tests/donnees/formats_reels``).

The expected figures are computed by hand from the lines of each extract (written out in
the comments): the real layout wins over any documentation.
"""

import numpy as np
import pyarrow.parquet as pq
import pytest

from conftest import DONNEES
from territoire_data.sources import lire_tout

REELS = DONNEES / "formats_reels"


def lire(*chemins):
    collecte = lire_tout(list(chemins))
    assert not collecte.ignores, collecte.ignores
    return collecte


def obs(collecte):
    cadre = collecte.observations.copy()
    for colonne in ("code", "variable", "statut", "raison", "source"):
        cadre[colonne] = cadre[colonne].astype(str)
    return cadre.set_index(["code", "variable", "annee"]).sort_index()


def test_sitadel_liste_des_permis_deux_lignes_d_entete():
    """Toulouse, permits authorised in January 2021. Authorised in 2021: 22 permits creating
    193 dwellings, one of them (03155520C0666, 1 dwelling) cancelled → 192. Started in 2021:
    7 + 16 + 1 + 109 + 1 + 1 + 1 + 1 + 1 = 138; in 2022: 2 + 17 + 1 + 1 = 21 (the cancelled one,
    started 2022-06-30, does not count); in 2024: 4, but the file's last update is 2024-06."""
    collecte = lire(REELS / "sdes_sitadel_logements_dau.csv")
    assert [lu.source for lu in collecte.lus] == ["sdes_sitadel"]
    o = obs(collecte)
    assert o.loc[("31555", "LOG_AUT", 2021), "valeur"] == 192
    assert o.loc[("31555", "SDP_AUT", 2021), "valeur"] == 13_829
    assert o.loc[("31555", "LOG_COM", 2021), "valeur"] == 138
    assert o.loc[("31555", "LOG_COM", 2022), "valeur"] == 21
    incomplet = o.loc[("31555", "LOG_COM", 2024)]
    assert (incomplet["statut"], incomplet["raison"]) == ("missing", "not_published") and np.isnan(incomplet["valeur"])
    assert any("2024 incomplète" in r for r in collecte.remarques)


def test_bpe_fichier_communal_par_domaine_2021():
    """Health domain of the BPE 2021 (wide, NB_D101…NB_D307): pharmacies are D307 (01004: 4,
    01001: 0); general practitioners (D201 in that nomenclature) are in another domain's file,
    so this one says nothing about them."""
    collecte = lire(REELS / "insee_bpe2021_com_equip_serv_sante.csv")
    o = obs(collecte)
    assert o.loc[("01004", "BPE_PHARMACIES", 2021), "valeur"] == 4
    assert o.loc[("01001", "BPE_PHARMACIES", 2021), "valeur"] == 0
    assert o.loc[("01005", "BPE_PHARMACIES", 2021), "valeur"] == 1
    assert "BPE_MEDECINS" not in set(o.index.get_level_values("variable"))


def test_bpe_dictionnaire_reconnu_comme_reference():
    collecte = lire(REELS / "insee_bpe2021_com_meta_equip_serv_sante.csv")
    assert collecte.references and "dictionnaire" in collecte.references[0][1] and not collecte.lus


def test_bpe_nomenclatures_par_millesime(tmp_path):
    """General practitioners: D201 up to the 2021 bases, D265 in the newer nomenclature."""
    (tmp_path / "bpe21.csv").write_text("DEPCOM;TYPEQU;NB_EQUIP;AN\n33063;D201;120;2021\n33063;D307;40;2021\n",
                                        encoding="utf-8")
    (tmp_path / "bpe24.csv").write_text("GEO;GEO_OBJECT;FACILITY_TYPE;BPE_MEASURE;TIME_PERIOD;OBS_VALUE\n"
                                        "33063;COM;D265;FACILITIES;2024;130\n33063;COM;D201;FACILITIES;2024;7\n",
                                        encoding="utf-8")
    o = obs(lire(tmp_path))
    assert o.loc[("33063", "BPE_MEDECINS", 2021), "valeur"] == 120
    assert o.loc[("33063", "BPE_MEDECINS", 2024), "valeur"] == 130


def test_ore_export_avec_libelles_francais():
    """Electricity 2012, header of French labels (CRLF, « Consommation Tertiaire  (MWh) » with
    two spaces). 61484: agriculture 59.47, industry 40,689.24, tertiary 603.11, residential
    13,974.41, unknown 28.65 → total 55,354.88 MWh; its postal codes are « 61260/61260/… »."""
    o = obs(lire(REELS / "ore_conso_elec_gaz_secteur_commune_ods_labels.csv"))
    assert o.loc[("61484", "CONSO_ELEC", 2012), "valeur"] == pytest.approx(55_354.88)
    assert o.loc[("61484", "CONSO_ELEC_IND", 2012), "valeur"] == pytest.approx(40_689.24)
    assert o.loc[("61484", "CONSO_ELEC_TER", 2012), "valeur"] == pytest.approx(603.11)
    assert o.loc[("61484", "CONSO_ELEC_RES", 2012), "valeur"] == pytest.approx(13_974.41)
    assert o.loc[("61418", "CONSO_ELEC", 2012), "valeur"] == pytest.approx(2_132.74)
    assert (o.loc[(slice(None), "CONSO_ELEC", 2012), "statut"] == "ok").all()


def test_ore_export_noms_de_champs_et_mailles_secretes(tmp_path):
    """The same dataset exported with field names: a secret mesh makes its sector (and the
    total) secret; two operators of one commune add up."""
    (tmp_path / "ore.csv").write_text(
        "operateur;annee;filiere;consoa;nombre_mailles_secretisees_a;consoi;nombre_mailles_secretisees_i;consot;"
        "nombre_mailles_secretisees_t;consor;nombre_mailles_secretisees_r;consona;nombre_mailles_secretisees_na;"
        "code_commune;consototale\r\n"
        "Enedis;2022;Electricité;10;0;0;1;5;0;100;0;0;0;33063;115\r\n"
        "ELD;2022;Electricité;0;0;0;0;0;0;50;0;0;0;33063;50\r\n"
        "GRDF;2022;Gaz;0;0;0;0;0;0;80;0;0;0;33281;80\r\n", encoding="utf-8")
    o = obs(lire(tmp_path))
    assert o.loc[("33063", "CONSO_ELEC_RES", 2022), "valeur"] == 150
    assert o.loc[("33063", "CONSO_ELEC_IND", 2022), "statut"] == "secret"
    assert o.loc[("33063", "CONSO_ELEC", 2022), "statut"] == "secret"
    assert o.loc[("33281", "CONSO_GAZ", 2022), "valeur"] == 80


def test_grille_de_densite_2024_classeur_officiel():
    """Sheet Grille_Densite: three title rows, a row of labels, then the codes; DENS has 7
    levels there (01004 Ambérieu-en-Bugey: 2, 01013 Arandas: 7), population of 2021."""
    o = obs(lire(REELS / "insee_grille_densite_7niv_2024_extract.xlsx"))
    assert o.loc[("01004", "DENS7", 2021), "valeur"] == 2
    assert o.loc[("01013", "DENS7", 2021), "valeur"] == 7
    assert o.loc[("01001", "DENS7", 2021), "valeur"] == 6
    assert "DENS" not in set(o.index.get_level_values("variable"))  # not read as the 3-level degree


def test_dvf_une_mutation_comptee_une_fois():
    """Five mutations on nine rows: 2020-3 (two parcels, 89,000 € on each row) and 2020-5
    (four parcels in two communes) are land only; 2020-4 is the sale of one house of 78 m²
    for 209,950 € in Bourg-en-Bresse (01053): one sale, under the 5 needed for a median."""
    o = obs(lire(REELS / "dvf_geo_2020_head.csv"))
    assert o.loc[("01053", "DVF_NB_VENTES", 2020), "valeur"] == 1
    assert o.loc[("01053", "DVF_NB_MAISON", 2020), "valeur"] == 1
    mediane = o.loc[("01053", "DVF_PRIX_M2_MAISON", 2020)]
    assert (mediane["statut"], mediane["raison"]) == ("missing", "insufficient_sample")
    ventes = o.xs("DVF_NB_VENTES", level="variable")
    assert set(ventes.index.get_level_values("code")) == {"01053"}


def test_dvf_prix_repete_sur_chaque_ligne_d_une_mutation(tmp_path):
    """Real header; a house sold with its garage on two rows repeating 300,000 €: one sale,
    300,000 / 100 m² = 3,000 €/m² (not 6,000)."""
    entete = (REELS / "dvf_geo_2020_head.csv").read_text(encoding="utf-8").splitlines()[0]
    colonnes = entete.split(",")
    lignes = []
    for i in range(5):
        for type_local, surface in (("Maison", "100"), ("Dépendance", "")):
            valeurs = dict.fromkeys(colonnes, "")
            valeurs.update(id_mutation=f"2023-{i}", date_mutation="2023-05-01", nature_mutation="Vente",
                           valeur_fonciere="300000", code_commune="33063", type_local=type_local,
                           surface_reelle_bati=surface, id_parcelle=f"33063000AB000{i}")
            lignes.append(",".join(valeurs[c] for c in colonnes))
    (tmp_path / "33.csv").write_text("\n".join([entete, *lignes]) + "\n", encoding="utf-8")
    o = obs(lire(tmp_path))
    assert o.loc[("33063", "DVF_NB_VENTES", 2023), "valeur"] == 5
    assert o.loc[("33063", "DVF_PRIX_M2_MAISON", 2023), "valeur"] == 3_000


def test_cerema_extrait_flux_annuels():
    """Ain, 2009-2023 file: yearly flows naf09art10 … naf22art23; the totals (naf09art23,
    artcom0923…) are not flows. 01004: 79,035 m² in 2009, 13,374 m² in 2022."""
    o = obs(lire(REELS / "cerema_conso_espaces_2009_2023_extract.csv"))
    assert o.loc[("01004", "NAF_ART", 2009), "valeur"] == 79_035
    assert o.loc[("01004", "NAF_ART", 2022), "valeur"] == 13_374
    assert sorted(set(o.xs("NAF_ART", level="variable").index.get_level_values("annee"))) == list(range(2009, 2023))


def test_dvf_indicateurs_par_commune_deux_en_tetes():
    collecte = lire(DONNEES / "dvf_indicateurs")
    o = obs(collecte)
    assert o.loc[("01001", "DVF_NB_VENTES", 2023), "valeur"] == 8  # "1","01001","2023",8,8,0,…
    assert o.loc[("01001", "DVF_NB_VENTES", 2024), "valeur"] == 4  # 01001,2024,4,4,0,…
    assert o.loc[("01001", "DVF_PRIX_M2_MOYEN", 2024), "valeur"] == 3_258
    assert "NA" not in set(o.index.get_level_values("code"))
    assert any("sans code commune" in r for r in collecte.remarques)


def test_sitadel_extrait_traite_parquet_et_departements():
    """A processed copy (Parquet, lower-case columns, type « Tous »): 2024 started dwellings are
    0 everywhere (not yet published) → missing, not zero."""
    table = pq.read_table(DONNEES / "sitadel_idf" / "sitadel_idf_communes.parquet").to_pandas()
    tous = table[(table["type_lgt"] == "Tous") & (table["code_com"] == "75056")].set_index("annee")
    o = obs(lire(DONNEES / "sitadel_idf"))
    assert o.loc[("75056", "LOG_AUT", 2023), "valeur"] == tous.at[2023, "log_aut"]
    assert o.loc[("75056", "LOG_COM", 2024), "statut"] == "missing"
    assert o.loc[("dep:75", "LOG_AUT", 2023), "statut"] == "ok"
