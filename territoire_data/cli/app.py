"""Root of the ``territory`` command and its global options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from territoire_data.cli import communes, data, discussions, french, partners
from territoire_data.cli.catalogue import catalogue
from territoire_data.cli.dashboard import dashboard
from territoire_data.cli.export import export_command
from territoire_data.cli.indicators import indicators
from territoire_data.cli.radar import radar
from territoire_data.cli.reports import reports
from territoire_data.cli.rtla import rtla
from territoire_data.settings import HOME_VARIABLE
from territoire_data.workspace import Workspace, set_default_workspace

french.install()  # usage lines, help and parameter errors in French

app = typer.Typer(
    name="territoire",
    help="territoire : données ouvertes pour la planification écologique des territoires.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(communes.app, name="communes")
app.add_typer(data.app, name="data")
app.add_typer(discussions.users_app, name="users")
app.add_typer(discussions.discussions_app, name="discussions")
app.add_typer(discussions.db_app, name="db")
app.add_typer(partners.actors_app, name="acteurs")
app.add_typer(partners.access_app, name="acces")
app.add_typer(partners.notifications_app, name="notifications")
discussions.discussions_app.command("inviter")(partners.invite_command)
discussions.discussions_app.command("invitations")(partners.invitations_command)
discussions.discussions_app.command("accepter")(partners.accept_command)
app.command("indicateurs")(indicators)
app.command("catalogue")(catalogue)
app.command("dashboard")(dashboard)
app.command("reports")(reports)
app.command("radar")(radar)
app.command("export")(export_command)
app.command("rtla")(rtla)


@app.callback()
def root_options(
    home: Optional[Path] = typer.Option(
        None,
        "--home",
        metavar="DOSSIER",
        help=f"Dossier de travail (données, cache, rapports). Par défaut : ${HOME_VARIABLE}, "
        "sinon le dossier de données de l'utilisateur.",
    ),
) -> None:
    workspace = Workspace(home)
    set_default_workspace(workspace)
    # Exported too, so that child processes (kernels, report workers) use the same home.
    os.environ[HOME_VARIABLE] = str(workspace.home)
