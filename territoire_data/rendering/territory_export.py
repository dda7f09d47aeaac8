"""``territoire export``: a territory's indicators for a spreadsheet, a script or QGIS.

A commune gives its own figures; a group (``epci:…``, ``dep:…``, ``reg:…``) gives those of
every member commune. Long tables (one row per commune, indicator and year) for CSV and
Parquet, with provenance columns; XLSX with one sheet per theme, number formats, a
« Sources » sheet and a « Lisez-moi »; a GeoPackage with a ``communes`` layer (boundary, the
latest value of every indicator and its percentile among the exported communes) and a
default QGIS style in the ``layer_styles`` table. Headers are French: the files are made
for people (docs/VOCABULARY.md, rule 4).
"""

from __future__ import annotations

import io
import sqlite3
from datetime import date
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from territoire_data.core.catalogue import BY_ID, INDICATORS, THEMES
from territoire_data.errors import TerritoireError
from territoire_data.rendering.colours import PALETTE as SCALE
from territoire_data.rendering.exports import to_csv
from territoire_data.rendering.formatting import number
from territoire_data.sources import label as source_label

FORMATS = ("csv", "xlsx", "parquet", "gpkg")
STATUSES = {"ok": "publiée", "secret": "secret statistique", "missing": "non disponible"}
STYLED = "population"  # the indicator the default QGIS style colours


def _members(workspace, code: str):
    territory = workspace.territory(code)
    codes = [territory.code] if territory.level in ("commune", "arrondissement") else list(territory.communes)
    if not codes:
        raise TerritoireError(f"Aucune commune dans « {code} ».")
    return territory, codes


def long_table(workspace, code: str, *, theme: str | None = None, all_years: bool = False) -> pd.DataFrame:
    """One row per commune, indicator and year (latest year only unless ``all_years``)."""
    if theme is not None and theme not in THEMES:
        raise TerritoireError(f"Thème inconnu : « {theme} ». Choix : {', '.join(THEMES)}.")
    territory, codes = _members(workspace, code)
    warehouse = workspace.warehouse
    wanted = [i.id for i in INDICATORS if theme is None or i.theme == theme]
    name = "indicators.parquet" if all_years else "latest.parquet"
    table = pd.read_parquet(warehouse.folder / name, filters=[("code", "in", codes), ("indicator", "in", wanted)])
    for column in ("code", "indicator", "status", "source", "edition", "reason", "note"):
        table[column] = table[column].astype("string")
    names = workspace.referential.communes["name"]
    order = {ident: n for n, ident in enumerate(wanted)}
    table = table.assign(_order=table["indicator"].map(order)).sort_values(["code", "_order", "year"])
    frame = pd.DataFrame(
        {
            "code_commune": table["code"],
            "commune": table["code"].map(names),
            "theme": table["indicator"].map(lambda i: THEMES[BY_ID[i].theme]),
            "indicateur": table["indicator"],
            "libelle": table["indicator"].map(lambda i: BY_ID[i].label),
            "annee": table["year"].astype("Int64"),
            "valeur": [
                None if pd.isna(v) else round(float(v), BY_ID[i].decimals)
                for v, i in zip(table["value"], table["indicator"])
            ],
            "unite": table["indicator"].map(lambda i: BY_ID[i].unit),
            "statut": table["status"].map(lambda s: STATUSES.get(s, s)),
            "source": table["source"],
            "libelle_source": table["source"].map(lambda s: source_label(s) if isinstance(s, str) and s else None),
            "edition": table["edition"],
            "formule": table["indicator"].map(lambda i: BY_ID[i].definition),
            "remarque": table["note"],
        }
    ).reset_index(drop=True)
    frame.attrs.update(territory=territory.name, code=territory.code, demo=warehouse.demo)
    return frame


def to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _format_of(decimals: int) -> str:
    return "# ##0" if decimals == 0 else "# ##0." + "0" * decimals


def to_xlsx(frame: pd.DataFrame) -> bytes:
    """One sheet per theme (values with their number format), « Sources », « Lisez-moi »."""
    from openpyxl.styles import Font

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as workbook:
        readme = pd.DataFrame(
            {
                "Lisez-moi": [
                    f"Indicateurs de {frame.attrs.get('territory', '')} ({frame.attrs.get('code', '')}), "
                    f"exportés le {date.today().strftime('%d/%m/%Y')} par territoire.",
                    "Une feuille par thème : une ligne par commune, indicateur et année ; « valeur » est "
                    "arrondie comme à l'écran, « statut » dit pourquoi une valeur manque.",
                    "La feuille « Sources » donne la provenance de chaque indicateur (producteur, édition, formule).",
                    "Données publiques sous Licence Ouverte Etalab 2.0 (INSEE, SDES, Cerema, DGFiP, Agence ORE…).",
                    *(
                        ["DONNÉES DE DÉMONSTRATION : valeurs synthétiques, à ne pas citer."]
                        if frame.attrs.get("demo")
                        else []
                    ),
                ]
            }
        )
        readme.to_excel(workbook, index=False, sheet_name="Lisez-moi")
        workbook.sheets["Lisez-moi"].column_dimensions["A"].width = 110
        for theme_label in dict.fromkeys(frame["theme"]):
            part = frame[frame["theme"] == theme_label].drop(columns=["theme"])
            sheet = theme_label[:31]
            part.to_excel(workbook, index=False, sheet_name=sheet)
            tab = workbook.sheets[sheet]
            column = part.columns.get_loc("valeur") + 1
            for row, ident in enumerate(part["indicateur"], start=2):
                tab.cell(row=row, column=column).number_format = _format_of(BY_ID[ident].decimals)
            for cell in tab[1]:
                cell.font = Font(bold=True)
            for letter, width in zip("ABCDEFGHIJKLMN", (12, 28, 30, 46, 8, 12, 22, 18, 18, 40, 10, 40, 30, 30)):
                tab.column_dimensions[letter].width = width
            tab.freeze_panes = "A2"
        sources = (
            frame.drop_duplicates(["indicateur"])[["theme", "indicateur", "libelle", "unite", "formule"]]
            .merge(
                frame.groupby("indicateur", sort=False)
                .agg(
                    sources=("libelle_source", lambda s: " ; ".join(sorted({x for x in s.dropna()}))),
                    editions=("edition", lambda s: " ; ".join(sorted({str(x) for x in s.dropna()}))),
                    annees=("annee", lambda s: f"{s.min()}–{s.max()}" if s.notna().any() else ""),
                )
                .reset_index(),
                on="indicateur",
            )
            .assign(definition=lambda f: f["indicateur"].map(lambda i: BY_ID[i].plain_definition))
        )
        sources.to_excel(workbook, index=False, sheet_name="Sources")
        for letter, width in zip("ABCDEFGHI", (20, 34, 50, 12, 40, 50, 20, 12, 70)):
            workbook.sheets["Sources"].column_dimensions[letter].width = width
    return buffer.getvalue()


def _qml(attribute: str, breaks: list[float], unit: str) -> str:
    """A QGIS style (QML): graduated colours on ``attribute``, the dashboard's palette."""
    ranges, symbols = [], []
    for n, (low, high) in enumerate(zip(breaks[:-1], breaks[1:])):
        colour = SCALE[min(n * len(SCALE) // max(len(breaks) - 1, 1), len(SCALE) - 1)].lstrip("#")
        rgb = ",".join(str(int(colour[i : i + 2], 16)) for i in (0, 2, 4))
        text = f"{number(low, 1)} – {number(high, 1)} {unit}"
        ranges.append(
            f'<range lower="{low:.6f}" upper="{high:.6f}" symbol="{n}" label={quoteattr(text)} render="true"/>'
        )
        symbols.append(
            f'<symbol type="fill" name="{n}" alpha="1" clip_to_extent="1" force_rhr="0">'
            '<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">'
            f'<Option type="QString" name="color" value="{rgb},255"/>'
            '<Option type="QString" name="outline_color" value="255,255,255,255"/>'
            '<Option type="QString" name="outline_width" value="0.2"/>'
            '<Option type="QString" name="style" value="solid"/></Option></layer></symbol>'
        )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(attribute)} graduatedMethod="GraduatedColor" '
        'symbollevels="0" enableorderby="0" forceraster="0">'
        f"<ranges>{''.join(ranges)}</ranges><symbols>{''.join(symbols)}</symbols></renderer-v2></qgis>"
    )


def write_geopackage(workspace, code: str, path: Path, *, theme: str | None = None) -> Path:
    """Layer ``communes``: boundary, every indicator's latest value and its percentile among the
    exported communes (``<id>_centile``); QGIS opens it styled (``layer_styles``)."""
    import geopandas as gpd

    frame = long_table(workspace, code, theme=theme)
    _territory, codes = _members(workspace, code)
    wide = frame.pivot_table(index="code_commune", columns="indicateur", values="valeur", aggfunc="first")
    # Every indicator a column, even when no commune has it: a stable schema for styles and scripts.
    wide = wide.reindex(index=codes, columns=[i.id for i in INDICATORS if theme is None or i.theme == theme])
    percentiles = wide.rank(pct=True).mul(100).round(1).add_suffix("_centile")
    # Full-resolution boundaries: what a GIS expects (the dashboard's are simplified).
    shapes = workspace.referential.geometries("source", communes=codes)[["code", "geometry"]]
    shapes = shapes.assign(name=shapes["code"].map(workspace.referential.communes["name"]))
    layer = gpd.GeoDataFrame(
        shapes.rename(columns={"code": "code_commune", "name": "commune"}).merge(
            wide.join(percentiles), left_on="code_commune", right_index=True, how="left"
        ),
        geometry="geometry",
        crs=shapes.crs,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    layer.to_file(path, layer="communes", driver="GPKG")
    styled = STYLED if STYLED in layer.columns else next(iter(wide.columns), None)
    if styled is not None:
        values = layer[styled].dropna().to_numpy(dtype="float64")
        breaks = sorted(set(np.quantile(values, np.linspace(0, 1, 6)).round(6))) if values.size else [0.0, 1.0]
        if len(breaks) < 2:
            breaks = [breaks[0], breaks[0] + 1]
        _style(path, "communes", styled, _qml(styled, breaks, BY_ID[styled].unit))
    return path


def _style(path: Path, table: str, indicator: str, qml: str) -> None:
    """The GeoPackage ``layer_styles`` table QGIS reads (its default style for the layer)."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT, "
            "f_table_schema TEXT, f_table_name TEXT, f_geometry_column TEXT, styleName TEXT, styleQML TEXT, "
            "styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT, ui TEXT, update_time DATETIME "
            "DEFAULT CURRENT_TIMESTAMP)"
        )
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
            "styleQML, styleSLD, useAsDefault, description, owner) VALUES ('', '', ?, 'geom', ?, ?, '', 1, ?, "
            "'territoire')",
            (table, f"territoire — {BY_ID[indicator].label}", qml, f"Quantiles de « {BY_ID[indicator].label} »"),
        )


def export(workspace, code: str, fmt: str, path: Path, *, theme: str | None = None, all_years: bool = False) -> Path:
    """Write the export of ``code`` in ``fmt`` to ``path``; returns it."""
    from territoire_data.files import write_atomic

    if fmt not in FORMATS:
        raise TerritoireError(f"Format inconnu : « {fmt} ». Choix : {', '.join(FORMATS)}.")
    path = Path(path)
    if fmt == "gpkg":
        return write_geopackage(workspace, code, path, theme=theme)
    frame = long_table(workspace, code, theme=theme, all_years=all_years)
    content = {"csv": to_csv, "xlsx": to_xlsx, "parquet": to_parquet}[fmt](frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content)
    return path
