"""Who is reading: resolved once per kernel, from the deployment, never from the page.

Order: ``JUPYTERHUB_USER`` (JupyterHub single-user server); a header forwarded by Voilà
(``--VoilaConfiguration.http_header_envs``) only when ``TERRITOIRE_EN_TETE_IDENTITE`` names
it (deployments behind an authenticating proxy); ``TERRITOIRE_USER`` (local use). Nothing:
no identity, and the dashboard shows no discussion content.
"""

from __future__ import annotations

import os

_resolue: dict[str, str | None] = {}


def identite(*, recalculer: bool = False) -> str | None:
    if "login" in _resolue and not recalculer:
        return _resolue["login"]
    login = os.environ.get("JUPYTERHUB_USER")
    if not login:
        en_tete = os.environ.get("TERRITOIRE_EN_TETE_IDENTITE", "").strip()
        if en_tete:
            login = os.environ.get("HTTP_" + en_tete.upper().replace("-", "_"))
    if not login:
        login = os.environ.get("TERRITOIRE_USER")
    _resolue["login"] = (login or "").strip() or None
    return _resolue["login"]
