"""The dashboard's HTTP handlers: the page (or its waiting room) and the waiting room's status.

``DashboardPageHandler`` is Voilà's page handler with two additions:

- it sets the ``_xsrf`` cookie, which Voilà's page-close beacon (``POST /voila/api/shutdown/ID``)
  sends back: without it the shutdown is refused (403) and each closed or reloaded page
  leaves its kernel running until the idle cull;
- it asks the waiting room first: a visitor gets the dashboard at once from a preheated
  kernel, or a light French waiting page (no kernel) that becomes the dashboard by itself.
"""

from __future__ import annotations

import html
import json

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from voila.tornado.handler import TornadoVoilaHandler

from territoire_data.server.pool import count_kernels
from territoire_data.server.waiting_room import Admission, WaitingRoom

TICKET = "attente"  # query parameter carrying the waiting page's ticket
QUEUE_PATH = "/territoire/api/queue"
STATE_PATH = "/territoire/api/state"


def _room(handler) -> WaitingRoom | None:
    return handler.settings.get("territoire_waiting_room")


def _counts(handler, room: WaitingRoom) -> tuple[int, int]:
    """(kernels ready, dashboards open) as the waiting room needs them."""
    kernels = count_kernels(handler.settings["kernel_manager"], handler.settings["territoire_notebook"])
    preheating = handler.settings.get("territoire_preheat", True)
    # Without preheated kernels, a kernel starts for each visitor: only the ceiling makes one wait.
    return (kernels.ready if preheating else room.ceiling), kernels.open_dashboards


class DashboardPageHandler(TornadoVoilaHandler):
    @tornado.web.authenticated
    async def get(self, path=None):
        self.xsrf_token  # noqa: B018 — sets the _xsrf cookie that the page-close shutdown sends back
        room = _room(self)
        if room is not None and not path:
            ready, open_dashboards = _counts(self, room)
            admission = room.admit(self.get_argument(TICKET, None), ready=ready, open_dashboards=open_dashboards)
            if not admission.serve:
                self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.finish(waiting_page(admission, self.base_url))
                return
        await super().get(path)


class WaitingStatusHandler(JupyterHandler):
    """``GET /territoire/api/queue?ticket=…``: the waiting page's place in the queue (JSON)."""

    @tornado.web.authenticated
    def get(self):
        room = _room(self)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        if room is None:
            self.finish(json.dumps({"known": False, "turn": True, "position": 0}))
            return
        ready, open_dashboards = _counts(self, room)
        status = room.status(self.get_argument("ticket", ""), ready=ready, open_dashboards=open_dashboards)
        self.finish(json.dumps(status))


class ServerStateHandler(JupyterHandler):
    """``GET /territoire/api/state``: kernels ready, warming, dashboards open, visitors waiting (JSON),
    for monitoring and the load benchmark."""

    @tornado.web.authenticated
    def get(self):
        kernels = count_kernels(self.settings["kernel_manager"], self.settings["territoire_notebook"])
        room = _room(self)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(
            json.dumps(
                {
                    "ready": kernels.ready,
                    "warming": kernels.warming,
                    "open_dashboards": kernels.open_dashboards,
                    "live_kernels": kernels.live,
                    "waiting": len(room) if room is not None else 0,
                    "ceiling": room.ceiling if room is not None else None,
                }
            )
        )


def waiting_page(admission: Admission, base_url: str = "/") -> str:
    """The French waiting page: polls its status, then reloads with its ticket to get the dashboard."""
    reason = (
        "Le serveur accueille déjà le nombre maximal de tableaux de bord ouverts ; le vôtre s'ouvrira "
        "dès qu'une place se libère."
        if admission.full
        else "Un espace de calcul se prépare pour vous ; le tableau de bord s'ouvrira de lui-même."
    )
    ticket = json.dumps(admission.ticket)
    status_url = json.dumps(base_url.rstrip("/") + QUEUE_PATH)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Préparation du tableau de bord… — territoire</title>
<link rel="icon" href="data:,">
<noscript><meta http-equiv="refresh" content="5"></noscript>
<style>
body {{ font-family: Marianne, "Helvetica Neue", Arial, sans-serif; color: #161616; background: #ffffff;
  margin: 0; }}
main {{ max-width: 640px; margin: 12vh auto; padding: 0 20px; border-top: 4px solid #000091; }}
h1 {{ font-size: 26px; margin: 18px 0 8px; }}
p {{ font-size: 16px; line-height: 1.5; color: #3a3a3a; }}
.ti-barre {{ height: 6px; background: #e3e3fd; overflow: hidden; border-radius: 3px; }}
.ti-barre span {{ display: block; height: 6px; width: 30%; background: #000091; animation: va 1.4s infinite ease-in-out; }}
@keyframes va {{ from {{ margin-left: -30%; }} to {{ margin-left: 100%; }} }}
@media (prefers-reduced-motion: reduce) {{ .ti-barre span {{ animation: none; width: 100%; }} }}
</style>
</head>
<body>
<main>
<h1>Préparation du tableau de bord…</h1>
<p>{html.escape(reason)}</p>
<div class="ti-barre" aria-hidden="true"><span></span></div>
<p id="ti-position" role="status" aria-live="polite">Position dans la file : {admission.position}.</p>
</main>
<script>
(function () {{
  var ticket = {ticket}, url = {status_url};
  function open() {{
    var query = new URLSearchParams(window.location.search);
    query.set("{TICKET}", ticket);
    window.location.replace(window.location.pathname + "?" + query.toString());
  }}
  function ask() {{
    fetch(url + "?ticket=" + encodeURIComponent(ticket), {{cache: "no-store"}})
      .then(function (r) {{ return r.json(); }})
      .then(function (s) {{
        if (s.turn) {{ open(); return; }}
        document.getElementById("ti-position").textContent = "Position dans la file : " + s.position + ".";
        setTimeout(ask, 1000);
      }})
      .catch(function () {{ setTimeout(ask, 2000); }});
  }}
  setTimeout(ask, 700);
}})();
</script>
</body>
</html>
"""
