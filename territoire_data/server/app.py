"""``DashboardServer``: Voilà serving the élus' dashboard, made fit for an audience.

What it adds to Voilà (``python -m territoire_data.server NOTEBOOK [Voilà options]``, which
``territoire dashboard`` runs):

- the ``territoire`` page template (``share/voila/templates/territoire``): French page, no CDN
  asset, landmarks, visible focus, a French loading text;
- ``DashboardPageHandler``: the page-close shutdown works (``_xsrf`` cookie), and visitors
  beyond the ceiling, or arriving while kernels warm, wait on a French page that turns into
  the dashboard by itself (``WaitingRoom``);
- the URL is printed once a kernel is ready to serve it (``--DashboardServer.announce``).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from jupyter_server.log import log_request
from jupyter_server.utils import url_path_join
from traitlets import Any, Int, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from territoire_data.server import runtime
from territoire_data.server.handlers import (
    QUEUE_PATH,
    STATE_PATH,
    DashboardPageHandler,
    ServerStateHandler,
    WaitingStatusHandler,
)
from territoire_data.server.launch_kernel import ZYGOTE_VARIABLE
from territoire_data.server.pool import count_kernels
from territoire_data.server.waiting_room import WaitingRoom

SHARE = Path(__file__).parent / "share"  # holds voila/templates/territoire
LAUNCHER = Path(__file__).parent / "launch_kernel.py"
TEMPLATE = "territoire"


class DashboardServer(Voila):
    name = "territoire-dashboard"
    description = "Tableau de bord territoire (Voilà)"

    ceiling = Int(20, config=True, help="Tableaux de bord ouverts en même temps au plus (hors noyaux préchauffés).")
    announce = Unicode("", config=True, help="Adresse à afficher (chemin et requête) dès qu'un noyau est prêt.")
    log_file = Unicode(
        "", config=True, help="Journal du serveur (Jupyter, Voilà, noyaux) ; vide : tout sur le terminal."
    )
    # The workspace whose notifications this server e-mails, read before the SMTP password
    # left the environment (kernels never send mail); None: no courier here.
    courier_workspace = Any(None)

    def initialize(self, argv=None):
        super().initialize(argv)
        if self.log_file:
            self._log_to_file(Path(self.log_file))

    def _log_to_file(self, path: Path) -> None:
        """Jupyter's and Voilà's messages (in English: « Voilà is running at », kernel
        warnings, the request log) go to the journal; the terminal keeps the French lines of
        territoire and the errors."""
        import logging
        import logging.handlers

        path.parent.mkdir(parents=True, exist_ok=True)
        journal = logging.handlers.RotatingFileHandler(path, maxBytes=10 * 2**20, backupCount=5, encoding="utf-8")
        journal.setFormatter(logging.Formatter("[%(levelname)1.1s %(asctime)s %(name)s] %(message)s"))
        errors = logging.StreamHandler(sys.stderr)
        errors.setLevel(logging.ERROR)
        errors.setFormatter(logging.Formatter("%(message)s"))
        for logger in (self.log, logging.getLogger()):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(journal)
            logger.addHandler(errors)
        for name in ("tornado.access", "tornado.application", "tornado.general"):
            logging.getLogger(name).handlers.clear()  # they reach the root's handlers
        logging.captureWarnings(True)  # Python's warnings too

    def init_settings(self) -> dict:
        settings = super().init_settings()
        settings["territoire_waiting_room"] = WaitingRoom(max(self.ceiling, 1))
        settings["territoire_notebook"] = os.path.relpath(self.notebook_path, self.root_dir)
        settings["territoire_preheat"] = bool(self.voila_configuration.preheat_kernel)
        # Jupyter Server's request log: refused requests (4xx, 5xx) appear in the server's log.
        settings["log_function"] = log_request
        return settings

    def init_handlers(self) -> list:
        handlers = [
            (pattern, DashboardPageHandler if handler is TornadoVoilaHandler else handler, *rest)
            for pattern, handler, *rest in super().init_handlers()
        ]
        # Before Voilà's catch-all page pattern.
        return [
            (url_path_join(self.server_url, QUEUE_PATH), WaitingStatusHandler),
            (url_path_join(self.server_url, STATE_PATH), ServerStateHandler),
            *handlers,
        ]

    def listen(self):
        import tornado.ioloop

        tornado.ioloop.IOLoop.current().add_callback(self._announce_when_ready)
        super().listen()

    async def _announce_when_ready(self) -> None:
        """Print the dashboard's URL once a visitor would get it at once (a kernel is ready)."""
        while self.voila_configuration.preheat_kernel:
            if count_kernels(self.kernel_manager, self.app.settings["territoire_notebook"]).ready:
                break
            await asyncio.sleep(0.3)
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "::", "") else self.ip
        address = f"http://{host}:{self.port}{url_path_join(self.base_url, self.announce.lstrip('/'))}"
        print(f"Tableau de bord prêt : {address}", flush=True)
        self._start_courier(f"http://{host}:{self.port}{self.base_url}")

    def _start_courier(self, link_base: str) -> None:
        """Record expiries and send the notifications' e-mails from here when this process
        holds the store (local use; in a JupyterHub deployment the store's service does it)."""
        from territoire_data.service.courier import run_courier

        workspace = self.courier_workspace
        if workspace is None or workspace.settings.store_service_url:
            return
        self._courier = asyncio.ensure_future(run_courier(workspace, link_base=link_base))


def kernel_spec(folder: Path) -> Path:
    """Write the dashboard's ``python3`` kernel spec under ``folder/kernels``: its kernel is
    ``launch_kernel.py`` (run as a file: no package import), which asks the zygote for a fork."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(LAUNCHER), "-f", "{connection_file}"],
                "display_name": "Python 3 (territoire)",
                "language": "python",
                "interrupt_mode": "message",
                "metadata": {"debugger": False},
            }
        ),
        encoding="utf-8",
    )
    return folder


def start_zygote(folder: Path, *, wait_s: float = 60.0, lifeline: int | None = None) -> subprocess.Popen | None:
    """Start the kernels' fork server on a socket in ``folder``; None when it does not answer
    in time (kernels then start the ordinary way). ``lifeline``: the read end of a pipe whose
    write end only this process holds — the zygote ends with its kernels when it closes."""
    path = folder / runtime.SOCKET
    command = [sys.executable, "-m", "territoire_data.server.zygote", str(path)]
    if lifeline is not None:
        command.append(str(lifeline))
    process = subprocess.Popen(command, pass_fds=() if lifeline is None else (lifeline,))
    limit = time.monotonic() + wait_s
    while not path.exists():
        if process.poll() is not None or time.monotonic() > limit:
            process.kill()
            return None
        time.sleep(0.05)
    os.environ[ZYGOTE_VARIABLE] = str(path)
    return process


def main(argv: list[str] | None = None) -> None:
    from territoire_data.workspace import Workspace

    argv = sys.argv[1:] if argv is None else argv
    courier = Workspace()  # the e-mail settings, read here; then the secret leaves the environment,
    os.environ.pop("TERRITOIRE_SMTP_PASSWORD", None)  # so that the zygote and its kernels never hold it
    # One private folder per port: what a previous run there left behind (it was killed) ends first.
    folder = runtime.folder_for(runtime.port_of(argv))
    ended = runtime.end_leftovers(folder)
    if ended:
        print(f"territoire : {len(ended)} processus d'un serveur précédent arrêtés.", file=sys.stderr, flush=True)
    # The page template ships inside the package; the kernel spec is written for this run.
    shares = [str(SHARE), str(kernel_spec(folder)), os.environ.get("JUPYTER_PATH")]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, shares))
    lifeline, keep = os.pipe()  # ``keep`` is not inherited: only this process holds the write end
    zygote = start_zygote(folder, lifeline=lifeline)
    os.close(lifeline)
    runtime.record(folder, zygote=zygote.pid if zygote is not None else None)
    try:
        DashboardServer.launch_instance(argv=argv, courier_workspace=courier)
    finally:
        os.close(keep)  # the zygote sees its lifeline close and ends with its kernels
        if zygote is not None:
            try:
                zygote.wait(10)
            except subprocess.TimeoutExpired:
                zygote.kill()
