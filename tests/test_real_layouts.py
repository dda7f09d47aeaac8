"""Each reader on the real layout users download (``tests/donnees/formats_reels``).

The expected figures are computed by hand from the lines of each extract (written out in
the comments): the real layout wins over any documentation.
"""

import numpy as np
import pyarrow.parquet as pq
import pytest
from conftest import TEST_DATA

from territoire_data.sources import read_all

REAL_LAYOUTS = TEST_DATA / "formats_reels"


def read(*paths):
    collection = read_all(list(paths))
    assert not collection.ignores, collection.ignores
    return collection


def obs(collection):
    frame = collection.observations.copy()
    for column in ("code", "variable", "status", "reason", "source"):
        frame[column] = frame[column].astype(str)
    return frame.set_index(["code", "variable", "year"]).sort_index()


def test_sitadel_permit_list_two_header_lines():
    """Toulouse, permits authorised in January 2021. Authorised in 2021: 22 permits creating
    193 dwellings, one of them (03155520C0666, 1 dwelling) cancelled → 192. Started in 2021:
    7 + 16 + 1 + 109 + 1 + 1 + 1 + 1 + 1 = 138; in 2022: 2 + 17 + 1 + 1 = 21 (the cancelled one,
    started 2022-06-30, does not count); in 2024: 4, but the file's last update is 2024-06."""
    collection = read(REAL_LAYOUTS / "sdes_sitadel_logements_dau.csv")
    assert [file_read.source for file_read in collection.files_read] == ["sdes_sitadel"]
    o = obs(collection)
    assert o.loc[("31555", "LOG_AUT", 2021), "value"] == 192
    assert o.loc[("31555", "SDP_AUT", 2021), "value"] == 13_829
    assert o.loc[("31555", "LOG_COM", 2021), "value"] == 138
    assert o.loc[("31555", "LOG_COM", 2022), "value"] == 21
    incomplete = o.loc[("31555", "LOG_COM", 2024)]
    assert (incomplete["status"], incomplete["reason"]) == ("missing", "not_published") and np.isnan(
        incomplete["value"]
    )
    assert any("2024 incomplète" in r for r in collection.remarks)


def test_bpe_communal_file_by_domain_2021():
    """Health domain of the BPE 2021 (wide, NB_D101…NB_D307): pharmacies are D307 (01004: 4,
    01001: 0); general practitioners (D201 in that nomenclature) are in another domain's file,
    so this one says nothing about them."""
    collection = read(REAL_LAYOUTS / "insee_bpe2021_com_equip_serv_sante.csv")
    o = obs(collection)
    assert o.loc[("01004", "BPE_PHARMACIES", 2021), "value"] == 4
    assert o.loc[("01001", "BPE_PHARMACIES", 2021), "value"] == 0
    assert o.loc[("01005", "BPE_PHARMACIES", 2021), "value"] == 1
    assert "BPE_MEDECINS" not in set(o.index.get_level_values("variable"))


def test_bpe_dictionary_recognised_as_reference():
    collection = read(REAL_LAYOUTS / "insee_bpe2021_com_meta_equip_serv_sante.csv")
    assert collection.references and "dictionnaire" in collection.references[0][1] and not collection.files_read


def test_bpe_nomenclatures_by_vintage(tmp_path):
    """General practitioners: D201 up to the 2021 bases, D265 in the newer nomenclature."""
    (tmp_path / "bpe21.csv").write_text(
        "DEPCOM;TYPEQU;NB_EQUIP;AN\n33063;D201;120;2021\n33063;D307;40;2021\n", encoding="utf-8"
    )
    (tmp_path / "bpe24.csv").write_text(
        "GEO;GEO_OBJECT;FACILITY_TYPE;BPE_MEASURE;TIME_PERIOD;OBS_VALUE\n"
        "33063;COM;D265;FACILITIES;2024;130\n33063;COM;D201;FACILITIES;2024;7\n",
        encoding="utf-8",
    )
    o = obs(read(tmp_path))
    assert o.loc[("33063", "BPE_MEDECINS", 2021), "value"] == 120
    assert o.loc[("33063", "BPE_MEDECINS", 2024), "value"] == 130


def test_ore_export_with_french_labels():
    """Electricity 2012, header of French labels (CRLF, « Consommation Tertiaire  (MWh) » with
    two spaces). 61484: agriculture 59.47, industry 40,689.24, tertiary 603.11, residential
    13,974.41, unknown 28.65 → total 55,354.88 MWh; its postal codes are « 61260/61260/… »."""
    o = obs(read(REAL_LAYOUTS / "ore_conso_elec_gaz_secteur_commune_ods_labels.csv"))
    assert o.loc[("61484", "CONSO_ELEC", 2012), "value"] == pytest.approx(55_354.88)
    assert o.loc[("61484", "CONSO_ELEC_IND", 2012), "value"] == pytest.approx(40_689.24)
    assert o.loc[("61484", "CONSO_ELEC_TER", 2012), "value"] == pytest.approx(603.11)
    assert o.loc[("61484", "CONSO_ELEC_RES", 2012), "value"] == pytest.approx(13_974.41)
    assert o.loc[("61418", "CONSO_ELEC", 2012), "value"] == pytest.approx(2_132.74)
    assert (o.loc[(slice(None), "CONSO_ELEC", 2012), "status"] == "ok").all()


def test_ore_export_field_names_and_secret_meshes(tmp_path):
    """The same dataset exported with field names: a secret mesh makes its sector (and the
    total) secret; two operators of one commune add up."""
    (tmp_path / "ore.csv").write_text(
        "operateur;annee;filiere;consoa;nombre_mailles_secretisees_a;consoi;nombre_mailles_secretisees_i;consot;"
        "nombre_mailles_secretisees_t;consor;nombre_mailles_secretisees_r;consona;nombre_mailles_secretisees_na;"
        "code_commune;consototale\r\n"
        "Enedis;2022;Electricité;10;0;0;1;5;0;100;0;0;0;33063;115\r\n"
        "ELD;2022;Electricité;0;0;0;0;0;0;50;0;0;0;33063;50\r\n"
        "GRDF;2022;Gaz;0;0;0;0;0;0;80;0;0;0;33281;80\r\n",
        encoding="utf-8",
    )
    o = obs(read(tmp_path))
    assert o.loc[("33063", "CONSO_ELEC_RES", 2022), "value"] == 150
    assert o.loc[("33063", "CONSO_ELEC_IND", 2022), "status"] == "secret"
    assert o.loc[("33063", "CONSO_ELEC", 2022), "status"] == "secret"
    assert o.loc[("33281", "CONSO_GAZ", 2022), "value"] == 80


def test_density_grid_2024_official_workbook():
    """Sheet Grille_Densite: three title rows, a row of labels, then the codes; DENS has 7
    levels there (01004 Ambérieu-en-Bugey: 2, 01013 Arandas: 7), population of 2021."""
    o = obs(read(REAL_LAYOUTS / "insee_grille_densite_7niv_2024_extract.xlsx"))
    assert o.loc[("01004", "DENS7", 2021), "value"] == 2
    assert o.loc[("01013", "DENS7", 2021), "value"] == 7
    assert o.loc[("01001", "DENS7", 2021), "value"] == 6
    assert "DENS" not in set(o.index.get_level_values("variable"))  # not read as the 3-level degree


def test_dvf_mutation_counted_once():
    """Five mutations on nine rows: 2020-3 (two parcels, 89,000 € on each row) and 2020-5
    (four parcels in two communes) are land only; 2020-4 is the sale of one house of 78 m²
    for 209,950 € in Bourg-en-Bresse (01053): one sale, under the 5 needed for a median."""
    o = obs(read(REAL_LAYOUTS / "dvf_geo_2020_head.csv"))
    assert o.loc[("01053", "DVF_NB_VENTES", 2020), "value"] == 1
    assert o.loc[("01053", "DVF_NB_MAISON", 2020), "value"] == 1
    median = o.loc[("01053", "DVF_PRIX_M2_MAISON", 2020)]
    assert (median["status"], median["reason"]) == ("missing", "insufficient_sample")
    sales = o.xs("DVF_NB_VENTES", level="variable")["value"].droplevel("year").to_dict()
    # Every commune the file lists has its count: the land-only ones sold no dwelling (zero).
    assert sales == {"01053": 1, "01024": 0, "01072": 0, "01266": 0, "01289": 0, "01346": 0}


def test_dvf_price_repeated_on_each_row_of_a_mutation(tmp_path):
    """Real header; a house sold with its garage on two rows repeating 300,000 €: one sale,
    300,000 / 100 m² = 3,000 €/m² (not 6,000)."""
    header = (REAL_LAYOUTS / "dvf_geo_2020_head.csv").read_text(encoding="utf-8").splitlines()[0]
    columns = header.split(",")
    rows = []
    for i in range(5):
        for type_local, area in (("Maison", "100"), ("Dépendance", "")):
            values = dict.fromkeys(columns, "")
            values.update(
                id_mutation=f"2023-{i}",
                date_mutation="2023-05-01",
                nature_mutation="Vente",
                valeur_fonciere="300000",
                code_commune="33063",
                type_local=type_local,
                surface_reelle_bati=area,
                id_parcelle=f"33063000AB000{i}",
            )
            rows.append(",".join(values[c] for c in columns))
    (tmp_path / "33.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    o = obs(read(tmp_path))
    assert o.loc[("33063", "DVF_NB_VENTES", 2023), "value"] == 5
    assert o.loc[("33063", "DVF_PRIX_M2_MAISON", 2023), "value"] == 3_000


def test_cerema_extract_yearly_flows():
    """Ain, 2009-2023 file: yearly flows naf09art10 … naf22art23; the totals (naf09art23,
    artcom0923…) are not flows. 01004: 79,035 m² in 2009, 13,374 m² in 2022."""
    o = obs(read(REAL_LAYOUTS / "cerema_conso_espaces_2009_2023_extract.csv"))
    assert o.loc[("01004", "NAF_ART", 2009), "value"] == 79_035
    assert o.loc[("01004", "NAF_ART", 2022), "value"] == 13_374
    assert sorted(set(o.xs("NAF_ART", level="variable").index.get_level_values("year"))) == list(range(2009, 2023))


def test_dvf_commune_indicators_two_headers():
    collection = read(TEST_DATA / "dvf_indicateurs")
    o = obs(collection)
    assert o.loc[("01001", "DVF_NB_VENTES", 2023), "value"] == 8  # "1","01001","2023",8,8,0,…
    assert o.loc[("01001", "DVF_NB_VENTES", 2024), "value"] == 4  # 01001,2024,4,4,0,…
    assert o.loc[("01001", "DVF_PRIX_M2_MOYEN", 2024), "value"] == 3_258
    assert "NA" not in set(o.index.get_level_values("code"))
    assert any("sans code commune" in r for r in collection.remarks)


def test_sitadel_extract_processed_parquet_and_departements():
    """A processed copy (Parquet, lower-case columns, type « Tous »): 2024 started dwellings are
    0 everywhere (not yet published) → missing, not zero."""
    table = pq.read_table(TEST_DATA / "sitadel_idf" / "sitadel_idf_communes.parquet").to_pandas()
    every = table[(table["type_lgt"] == "Tous") & (table["code_com"] == "75056")].set_index("annee")
    o = obs(read(TEST_DATA / "sitadel_idf"))
    assert o.loc[("75056", "LOG_AUT", 2023), "value"] == every.at[2023, "log_aut"]
    assert o.loc[("75056", "LOG_COM", 2024), "status"] == "missing"
    assert o.loc[("dep:75", "LOG_AUT", 2023), "status"] == "ok"


@pytest.mark.parametrize(
    "domain, variable, types",
    [
        (
            "commerce",
            "BPE_ALIMENTAIRE",
            ["B101", "B102", "B104", "B105", "B201", "B202", "B203", "B204", "B205", "B206", "B207"],
        ),
        ("ens_1er_degre", "BPE_ECOLES", ["C101", "C102", "C104", "C105"]),
        ("medical_para", "BPE_MEDECINS", ["D201"]),
    ],
)
def test_bpe_other_domains_2021(domain, variable, types):
    """The commerce, primary-school and medical domains of the BPE 2021 communal files (same
    15 communes of Ain as the health file): each commune's count is the sum of its columns of
    the catalogue's types, read here with the csv module; a type a file lacks counts nothing."""
    import csv

    path = REAL_LAYOUTS / f"insee_bpe2021_com_equip_serv_{domain}.csv"
    with path.open(encoding="ascii", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    expected = {r["CODGEO"]: sum(int(r.get(f"NB_{t}") or 0) for t in types) for r in rows}
    o = obs(read(path))
    assert len(expected) == 15 and sum(expected.values()) > 0
    for code, count in expected.items():
        assert o.loc[(code, variable, 2021), "value"] == count, code
    assert set(o.index.get_level_values("variable")) == {variable}  # nothing said of other domains
