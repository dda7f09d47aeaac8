"""Root of the ``territoire`` command and its global options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from territoire_data.cli import communes, discussions, donnees
from territoire_data.cli.catalogue import catalogue
from territoire_data.cli.indicateurs import indicateurs
from territoire_data.cli.radar import radar
from territoire_data.cli.rapports import reports
from territoire_data.cli.tableau import dashboard
from territoire_data.home import VARIABLE, dossier_home

app = typer.Typer(
    name="territoire",
    help="territoire : données ouvertes pour la planification écologique des territoires.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(communes.app, name="communes")
app.add_typer(donnees.app, name="data")
app.add_typer(discussions.utilisateurs, name="users")
app.add_typer(discussions.discussions, name="discussions")
app.add_typer(discussions.db, name="db")
app.command("indicateurs")(indicateurs)
app.command("catalogue")(catalogue)
app.command("dashboard")(dashboard)
app.command("reports")(reports)
app.command("radar")(radar)


@app.callback()
def racine(
    home: Optional[Path] = typer.Option(
        None, "--home", metavar="DOSSIER",
        help=f"Dossier de travail (données, cache, rapports). Par défaut : ${VARIABLE}, "
        "sinon le dossier de données de l'utilisateur.",
    ),
) -> None:
    # Exported so that every part (and child processes such as kernels) uses the same home.
    os.environ[VARIABLE] = str(dossier_home(home))
