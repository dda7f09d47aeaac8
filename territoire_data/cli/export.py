"""``territoire export``: a territory's indicators as CSV, XLSX, Parquet or GeoPackage."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from territoire_data.errors import TerritoireError
from territoire_data.rendering.formatting import number
from territoire_data.rendering.territory_export import FORMATS, export
from territoire_data.workspace import default_workspace


def export_command(
    code: str = typer.Argument(..., metavar="CODE", help="Commune, epci:SIREN, dep:33 ou reg:75."),
    fmt: str = typer.Option("xlsx", "--format", help=f"Format : {', '.join(FORMATS)}."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Un seul thème (emploi, logement…)."),
    years: str = typer.Option(
        "derniere", "--annees", help="derniere (défaut : la dernière valeur) ou toutes (toutes les années)."
    ),
    output: Optional[Path] = typer.Option(None, "--out", help="Fichier de sortie (défaut : export_CODE.FORMAT)."),
) -> None:
    """Exporter les indicateurs d'un territoire (pour un tableur, un script ou QGIS)."""
    if years not in ("derniere", "toutes"):
        raise TerritoireError(f"--annees : « derniere » ou « toutes », pas « {years} ».")
    path = output or Path(f"export_{code.replace(':', '_')}.{fmt}")
    workspace = default_workspace()
    workspace.warehouse  # noqa: B018 - a missing warehouse is told before any referential is built
    written = export(workspace, code, fmt, path, theme=theme, all_years=years == "toutes")
    typer.echo(f"Export écrit : {written} ({number(written.stat().st_size / 1024, 0)} kio)")
