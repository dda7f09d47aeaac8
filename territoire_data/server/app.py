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
import os
import sys
from pathlib import Path

from jupyter_server.log import log_request
from jupyter_server.utils import url_path_join
from traitlets import Int, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from territoire_data.server.handlers import (
    STATE_PATH,
    STATUS_PATH,
    DashboardPageHandler,
    ServerStateHandler,
    WaitingStatusHandler,
)
from territoire_data.server.pool import count_kernels
from territoire_data.server.waiting_room import WaitingRoom

SHARE = Path(__file__).parent / "share"  # holds voila/templates/territoire
TEMPLATE = "territoire"


class DashboardServer(Voila):
    name = "territoire-dashboard"
    description = "Tableau de bord territoire (Voilà)"

    ceiling = Int(20, config=True, help="Tableaux de bord ouverts en même temps au plus (hors noyaux préchauffés).")
    announce = Unicode("", config=True, help="Adresse à afficher (chemin et requête) dès qu'un noyau est prêt.")

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
            (url_path_join(self.server_url, STATUS_PATH), WaitingStatusHandler),
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


def main(argv: list[str] | None = None) -> None:
    # The page template ships inside the package: make it visible to Voilà's template lookup.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")]))
    DashboardServer.launch_instance(argv=sys.argv[1:] if argv is None else argv)
