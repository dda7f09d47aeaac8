"""``territoire dashboard``: serve the élu's dashboard with Voilà (preheated kernels)."""

from __future__ import annotations

import os
import sys

import typer

from territoire_data.errors import TerritoireError
from territoire_data.resources import notebooks_folder
from territoire_data.workspace import default_workspace

NOTEBOOK = notebooks_folder() / "tableau_de_bord.ipynb"


def voila_command(port: int, *, ip: str = "127.0.0.1", browser: bool = False, kernels: int = 2) -> list[str]:
    """The Voilà command line: one notebook, preheated kernels, no tracebacks on the page."""
    command = [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOK),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--theme=light",
        "--show_tracebacks=False",
        # Kernels are started and the notebook run up to the request before anyone asks.
        f"--preheat_kernel={kernels > 0}",
        f"--pool_size={max(kernels, 0)}",
        # Refill the pool after the page just served has rendered, not while it renders.
        "--VoilaKernelManager.fill_delay=6",
        # Front-end extensions the dashboard does not use: less JavaScript to load.
        "--VoilaConfiguration.extension_denylist=@voila-dashboards/jupyterlab-preview",
        "--VoilaConfiguration.extension_denylist=jupyterlab_pygments",
        "--MappingKernelManager.cull_idle_timeout=1800",
        "--MappingKernelManager.cull_interval=300",
    ]
    if not browser:
        command.append("--no-browser")
    return command


def dashboard(
    port: int = typer.Option(8866, "--port", help="Port HTTP du tableau de bord."),
    ip: str = typer.Option("127.0.0.1", "--ip", help="Adresse d'écoute (127.0.0.1 : cette machine seulement)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Ne pas ouvrir le navigateur."),
    kernels: int = typer.Option(
        2, "--noyaux", min=0, max=16, help="Noyaux préchauffés prêts à servir (0 : démarrage à la demande)."
    ),
    commune: str = typer.Option("33063", "--commune", help="Commune de l'adresse affichée."),
) -> None:
    """Servir le tableau de bord des élus (Voilà) sur les données du dossier de travail."""
    if not NOTEBOOK.is_file():
        raise TerritoireError(f"Carnet du tableau de bord introuvable : {NOTEBOOK} (installez le dépôt complet).")
    warehouse = default_workspace().warehouse  # a missing warehouse is told here, in French, before Voilà starts
    host = "127.0.0.1" if ip in ("0.0.0.0", "::") else ip
    typer.echo(
        f"Tableau de bord{' (données de démonstration)' if warehouse.demo else ''} : "
        f"http://{host}:{port}/?commune={commune}"
    )
    typer.echo("Arrêt : Ctrl-C.", err=True)
    command = voila_command(port, ip=ip, browser=not no_browser, kernels=kernels)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
