"""``territoire export``: a département for a spreadsheet and for QGIS, read back."""

from __future__ import annotations

import io
import sqlite3
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from conftest import run_cli

from territoire_data.core.catalogue import BY_ID, INDICATORS, THEMES


@pytest.fixture(scope="module")
def demo(home_demo):
    from territoire_data.workspace import Workspace

    return Workspace(home_demo)


def test_csv_and_parquet_hold_every_year_with_provenance(demo, tmp_path):
    from territoire_data.rendering.territory_export import export

    csv = export(demo, "epci:243300316", "csv", tmp_path / "bm.csv", all_years=True)
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM: Excel reads the accents
    frame = pd.read_csv(csv, sep=";", decimal=",", encoding="utf-8-sig", dtype={"code_commune": str})
    assert {"source", "libelle_source", "edition", "formule", "statut", "annee"} <= set(frame.columns)
    communes = demo.territory("epci:243300316").communes
    assert set(frame["code_commune"]) == set(communes)
    started = frame[(frame["code_commune"] == "33063") & (frame["indicateur"] == "logements_commences")]
    assert started["annee"].nunique() >= 8  # every year, not first and last only
    latest = pd.read_parquet(
        io.BytesIO(export(demo, "epci:243300316", "parquet", tmp_path / "bm.parquet").read_bytes())
    )
    assert latest.groupby(["code_commune", "indicateur"]).size().max() == 1  # latest value only by default
    assert len(latest) < len(frame)


def test_xlsx_sheets_formats_sources_and_readme(demo, tmp_path):
    import openpyxl

    from territoire_data.rendering.territory_export import export

    path = export(demo, "33063", "xlsx", tmp_path / "bordeaux.xlsx", all_years=True)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Lisez-moi" and book.sheetnames[-1] == "Sources"
    assert set(book.sheetnames[1:-1]) == {label[:31] for label in THEMES.values()}
    readme = " ".join(str(c.value) for c in book["Lisez-moi"]["A"] if c.value)
    assert "Licence Ouverte" in readme and "DÉMONSTRATION" in readme
    sheet = book[THEMES["emploi"][:31]]
    header = [c.value for c in sheet[1]]
    value_column, id_column = header.index("valeur") + 1, header.index("indicateur") + 1
    for row in range(2, sheet.max_row + 1):
        ident = sheet.cell(row=row, column=id_column).value
        decimals = BY_ID[ident].decimals
        expected = "# ##0" if decimals == 0 else "# ##0." + "0" * decimals
        assert sheet.cell(row=row, column=value_column).number_format == expected
    sources = pd.read_excel(path, sheet_name="Sources", engine="openpyxl")
    exported = {row[id_column - 1].value for name in book.sheetnames[1:-1] for row in book[name].iter_rows(min_row=2)}
    assert set(sources["indicateur"]) == exported and len(exported) > 50
    assert sources["formule"].notna().all() and sources["definition"].str.len().gt(10).all()


def test_geopackage_reads_back_in_a_gis_with_its_default_style(demo, tmp_path):
    import pyogrio

    from territoire_data.rendering.territory_export import export

    output = run_cli("export", "dep:33", "--format", "gpkg", "--out", str(tmp_path / "gironde.gpkg"), home=demo.home)
    assert output.returncode == 0, output.stderr
    assert "Export écrit" in output.stdout
    path = tmp_path / "gironde.gpkg"
    layer = pyogrio.read_dataframe(path, layer="communes")
    gironde = demo.territory("dep:33").communes
    assert len(layer) == len(gironde) and layer.crs.to_epsg() == 4326
    for indicator in INDICATORS:
        assert indicator.id in layer.columns and f"{indicator.id}_centile" in layer.columns
    assert layer["population_centile"].between(0, 100).all()
    bordeaux = layer.set_index("code_commune").loc["33063"]
    assert bordeaux["population"] == pytest.approx(
        demo.territory("33063").indicators().set_index("id").loc["population", "value"]
    )
    with sqlite3.connect(path) as db:
        styles = db.execute(
            "SELECT f_table_name, useAsDefault, styleQML FROM layer_styles WHERE f_table_name = 'communes'"
        ).fetchall()
    assert len(styles) == 1 and styles[0][1] == 1
    renderer = ET.fromstring(styles[0][2].split(">", 1)[1]).find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol" and renderer.get("attr") == "population"
    assert len(renderer.find("ranges")) >= 2
    refused = run_cli("export", "dep:33", "--format", "shp", home=demo.home)
    assert refused.returncode == 2 and "Format inconnu" in refused.stderr
    assert export  # the same function the CLI calls
