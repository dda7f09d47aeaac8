"""The exchange store as a JupyterHub service: ``python -m territoire_data.service``.

JupyterHub starts it (``c.JupyterHub.services``, see ``deploy/jupyterhub``) with the store's
address (``TERRITOIRE_DB_URL``) in its environment: it is the only process of the deployment
that can open the database. Users' servers call ``POST <service>/api/<operation>`` with their
Hub token (``Authorization: token …``); ``HubOAuth`` asks the Hub who the token belongs to and
whether it carries the ``access:services!service=<name>`` scope. The login comes from the Hub,
never from the request; rights from the store, at every call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from tornado import web
from tornado.httpserver import HTTPServer

from territoire_data.access.context import ExchangeContext
from territoire_data.service.client import outcome_of
from territoire_data.service.courier import run_courier

log = logging.getLogger("territoire.service")
MAX_BODY = 256 * 1024  # a message is 20 kB at most


def _json(handler: web.RequestHandler, status: int, body: dict) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "application/json; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(json.dumps(body, ensure_ascii=False))


def handlers(workspace: ExchangeContext, prefix: str, executor: ThreadPoolExecutor) -> list:
    from jupyterhub.services.auth import HubOAuthenticated

    from territoire_data.discussions.space import DiscussionSpace
    from territoire_data.service.operations import perform

    class OperationHandler(HubOAuthenticated, web.RequestHandler):
        def check_xsrf_cookie(self) -> None:
            # Token-authenticated API calls carry no cookie; a browser's cookie alone is refused
            # below (only the Authorization header is accepted).
            return None

        def write_error(self, status_code: int, **kwargs) -> None:  # no traceback, ever
            messages = {403: "Accès refusé.", 404: "Opération inconnue.", 405: "Méthode non autorisée."}
            _json(self, status_code, {"error": messages.get(status_code, "Requête refusée."), "kind": "refused"})

        async def post(self, operation: str) -> None:
            if not (self.request.headers.get("Authorization") or "").lower().startswith(("token ", "bearer ")):
                raise web.HTTPError(403)
            user = self.get_current_user()
            if not user or user.get("kind", "user") != "user" or not user.get("name"):
                raise web.HTTPError(403)
            try:
                arguments = json.loads(self.request.body or b"{}")
            except ValueError:
                _json(self, 400, {"error": "Corps de requête JSON invalide.", "kind": "invalid"})
                return
            space = DiscussionSpace(user["name"], workspace=workspace)
            loop = asyncio.get_running_loop()
            status, body = await loop.run_in_executor(
                executor, outcome_of, lambda: perform(space, operation, arguments)
            )
            if status == 403:  # traceability: who was refused what (never the content)
                log.warning("refus : %s → %s", user["name"], operation)
            _json(self, status, body)

    class HealthHandler(web.RequestHandler):
        def get(self) -> None:
            _json(self, 200, {"status": "ok"})

    return [
        (prefix + r"api/([a-z_]{1,40})", OperationHandler),
        (prefix + r"health", HealthHandler),
    ]


async def serve(workspace: ExchangeContext) -> None:
    """Serve the store of ``workspace`` for the Hub (address from ``JUPYTERHUB_SERVICE_URL``)
    until stopped."""
    workspace.store.upgrade()  # the service owns its store: its schema follows the code
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="store")
    routes = handlers(workspace, "/", executor)
    if prefix != "/":  # reachable directly and through the proxy
        routes += handlers(workspace, prefix, executor)
    application = web.Application(routes, cookie_secret=os.urandom(32))
    server = HTTPServer(application, max_body_size=MAX_BODY, xheaders=True)
    server.listen(url.port or 80, url.hostname or "127.0.0.1")
    log.info("service d'échange prêt sur %s (base : %s)", url.geturl(), workspace.store.display_url)
    # The notifications' e-mails leave from the process that holds the store (links:
    # TERRITOIRE_DASHBOARD_URL); nothing runs without TERRITOIRE_SMTP_HOST.
    courier = asyncio.ensure_future(run_courier(workspace))
    try:
        await asyncio.Event().wait()
    finally:
        courier.cancel()


def main(workspace: ExchangeContext) -> None:
    """Run the service on ``workspace`` (``python -m territoire_data.service`` builds it from
    the environment)."""
    logging.basicConfig(level=logging.INFO, format="[territoire-service %(levelname)s] %(message)s")
    try:
        asyncio.run(serve(workspace))
    except KeyboardInterrupt:
        pass
