"""``territoire dashboard``: serve the élu's dashboard with Voilà (preheated kernels)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import typer

from territoire_data.errors import TerritoireError
from territoire_data.resources import notebooks_folder
from territoire_data.server.guard import allowed_messages_option
from territoire_data.settings import DEFAULT_KERNEL_CULL_S, Settings, variables_for
from territoire_data.workspace import default_workspace

NOTEBOOK = notebooks_folder() / "tableau_de_bord.ipynb"


JOURNAL = Path("journaux") / "tableau_de_bord.log"


def voila_command(
    port: int,
    *,
    ip: str = "127.0.0.1",
    browser: bool = False,
    kernels: int = 2,
    ceiling: int = 20,
    commune: str = "33063",
    identity_header: str | None = None,
    cull_s: int = DEFAULT_KERNEL_CULL_S,
    journal: str = "",
) -> list[str]:
    """The dashboard server's command line (Voilà with territoire's page and waiting room).

    A kernel nobody is connected to (its page closed without the shutdown beacon: crash, lost
    network) is culled after ``cull_s`` seconds of inactivity, checked every third of that:
    freed within a minute by default. Connected kernels are never culled, however idle their
    visitor."""
    command = [
        sys.executable,
        "-m",
        "territoire_data.server",
        str(NOTEBOOK),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--template=territoire",
        "--theme=light",
        "--show_tracebacks=False",
        "--VoilaExporter.language_code=fr",
        # Under load, a cell's outputs (the dashboard itself) may reach the server after nbclient's
        # 4 s default: waiting longer keeps them in the page instead of serving it empty.
        "--VoilaExecutor.iopub_timeout=60",
        f"--DashboardServer.ceiling={ceiling}",
        # Kernels talk to the server over UNIX sockets in the server's private runtime folder
        # (connection files and sockets 0700), not over TCP ports any local account may reach.
        "--KernelManager.transport=ipc",
        f"--DashboardServer.announce=/?territoire={commune}",
        # Kernels are started and the notebook run up to the request before anyone asks.
        f"--preheat_kernel={kernels > 0}",
        f"--pool_size={max(kernels, 0)}",
        # The pool refills in the background as soon as a kernel is given to a visitor.
        "--VoilaKernelManager.fill_delay=1",
        # Front-end extensions the dashboard does not use: less JavaScript to load.
        "--VoilaConfiguration.extension_denylist=@voila-dashboards/jupyterlab-preview",
        "--VoilaConfiguration.extension_denylist=jupyterlab_pygments",
        # Kernels of pages that never connected get a longer grace (territoire_data.server.kernels).
        "--VoilaConfiguration.multi_kernel_manager_class=territoire_data.server.kernels.DashboardKernelManager",
        f"--MappingKernelManager.cull_idle_timeout={cull_s}",
        f"--MappingKernelManager.cull_interval={max(1, cull_s // 3)}",
        "--MappingKernelManager.cull_connected=False",
        # The page may send widget messages only: an `execute_request` forged by a visitor is dropped.
        allowed_messages_option(),
    ]
    if journal:  # Jupyter's messages there; the terminal keeps territoire's French lines and the errors
        command.append(f"--DashboardServer.log_file={journal}")
    if identity_header:  # the authenticating proxy's header, handed to the kernels (HTTP_X_…)
        command.append(f"--VoilaConfiguration.http_header_envs={identity_header}")
    if not browser:
        command.append("--no-browser")
    return command


def prepare_outlines(workspace) -> None:
    """Write the map outlines of the warehouse's départements once, before serving: kernels then
    read a small file per scope instead of the boundary layer."""
    from territoire_data.core.referential.outlines import outlines, path_of
    from territoire_data.progress import Steps

    referential = workspace.referential
    communes = referential.communes
    present = communes.index.intersection(workspace.warehouse.matrix.index)
    keys = [f"dep:{d}" for d in sorted(communes.loc[present, "departement"].dropna().unique())]
    missing = [key for key in keys if not path_of(referential, key).is_file()]
    if not missing:
        return
    with Steps("Contours des cartes", total=len(missing), enabled=workspace.settings.progress) as steps:
        for key in missing:
            steps(f"département {key[4:]}")
            outlines(referential, key)


def dashboard(
    port: int = typer.Option(8866, "--port", help="Port HTTP du tableau de bord."),
    ip: str = typer.Option("127.0.0.1", "--ip", help="Adresse d'écoute (127.0.0.1 : cette machine seulement)."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Ne pas ouvrir le navigateur."),
    kernels: int = typer.Option(
        2, "--noyaux", min=0, max=16, help="Noyaux préchauffés prêts à servir (0 : démarrage à la demande)."
    ),
    ceiling: int = typer.Option(
        None,
        "--plafond",
        min=1,
        max=500,
        help="Tableaux de bord ouverts en même temps au plus ; au-delà, les visiteurs patientent dans une file "
        "(défaut : TERRITOIRE_KERNEL_CEILING, sinon 20).",
    ),
    basemap: str = typer.Option(
        None,
        "--fond-de-carte",
        help="Modèle d'adresse des tuiles du fond de carte (https://…/{z}/{x}/{y}.png). Par défaut aucun : "
        "la carte montre les contours et aucune requête ne quitte le serveur.",
    ),
    attribution: str = typer.Option(None, "--attribution", help="Mention de la source du fond de carte."),
    commune: str = typer.Option(
        "33063", "--territoire", "--commune", help="Territoire de l'adresse affichée (33063, epci:…, dep:33…)."
    ),
    journal: str = typer.Option(
        None,
        "--journal",
        metavar="FICHIER",
        help="Journal du serveur (messages de Jupyter et de Voilà, requêtes refusées, noyaux) ; défaut : "
        "journaux/tableau_de_bord.log du dossier de travail ; « - » : tout sur le terminal.",
    ),
    identity_header: str = typer.Option(
        None,
        "--en-tete-identite",
        metavar="EN-TÊTE",
        help="Derrière un mandataire qui authentifie : l'en-tête HTTP portant l'identifiant (par ex. "
        "X-Forwarded-User) ; il devient la seule source d'identité (TERRITOIRE_IDENTITY_HEADER).",
    ),
) -> None:
    """Servir le tableau de bord des élus (Voilà) sur les données du dossier de travail."""
    if not NOTEBOOK.is_file():
        raise TerritoireError(f"Carnet du tableau de bord introuvable : {NOTEBOOK} (installez le dépôt complet).")
    # Handed to the server and its kernels through their environment; checked now (French error).
    if identity_header is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,63}", identity_header):
        raise TerritoireError(f"En-tête d'identité invalide : « {identity_header} » (lettres, chiffres et tirets).")
    overrides = variables_for(basemap_url=basemap, basemap_attribution=attribution, identity_header=identity_header)
    settings = Settings.from_environment({**os.environ, **overrides})
    workspace = default_workspace()
    warehouse = workspace.warehouse  # a missing warehouse is told here, in French, before Voilà starts
    prepare_outlines(workspace)
    if ceiling is None:
        ceiling = workspace.settings.kernel_ceiling
    typer.echo(
        f"Démarrage du tableau de bord{' (données de démonstration)' if warehouse.demo else ''} : "
        f"{kernels} noyau(x) préchauffé(s), {ceiling} tableau(x) ouvert(s) au plus ; "
        "l'adresse s'affiche dès qu'il est prêt."
    )
    journal_path = "" if journal == "-" else str(Path(journal) if journal else workspace.home / JOURNAL)
    if journal_path:
        typer.echo(f"Journal du serveur : {journal_path}")
    typer.echo("Arrêt : Ctrl-C.", err=True)
    command = voila_command(
        port,
        ip=ip,
        browser=not no_browser,
        kernels=kernels,
        ceiling=ceiling,
        commune=commune,
        identity_header=settings.identity_header,
        cull_s=settings.kernel_cull_s,
        journal=journal_path,
    )
    sys.stdout.flush()
    sys.stderr.flush()
    environment = {**os.environ, **overrides}
    # Arrow's own allocator keeps freed memory for reuse: in many small kernels, the system's
    # allocator gives it back (≈ 70 MB less per kernel, measured in benchmarks/audience.py).
    environment.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    os.execve(command[0], command, environment)
