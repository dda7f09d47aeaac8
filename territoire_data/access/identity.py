"""Who is reading: resolved once per kernel, from the deployment, never from the page.

Order: ``JUPYTERHUB_USER`` (JupyterHub single-user server); a header forwarded by Voilà
(``--VoilaConfiguration.http_header_envs``) only when ``TERRITOIRE_EN_TETE_IDENTITE`` names
it (deployments behind an authenticating proxy); ``TERRITOIRE_USER`` (local use). Nothing:
no identity, and the dashboard shows no discussion content.
"""

from __future__ import annotations

import os

_resolved: dict[str, str | None] = {}


def identity(*, recompute: bool = False) -> str | None:
    if "login" in _resolved and not recompute:
        return _resolved["login"]
    login = os.environ.get("JUPYTERHUB_USER")
    if not login:
        head = os.environ.get("TERRITOIRE_EN_TETE_IDENTITE", "").strip()
        if head:
            login = os.environ.get("HTTP_" + head.upper().replace("-", "_"))
    if not login:
        login = os.environ.get("TERRITOIRE_USER")
    _resolved["login"] = (login or "").strip() or None
    return _resolved["login"]
