"""Who is reading: from the deployment, never from the page.

Order: ``JUPYTERHUB_USER`` (JupyterHub single-user server); a header forwarded by Voilà
(``territoire dashboard --en-tete-identite``) when ``TERRITOIRE_IDENTITY_HEADER`` names it
(deployments behind an authenticating proxy) — then the header alone: a request without it
has no identity, never ``TERRITOIRE_USER``; ``TERRITOIRE_USER`` (local use). Nothing: no
identity, and the dashboard shows no discussion content. The dashboard resolves it once
per page, when the request (and its headers) arrived.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from territoire_data.settings import Settings


def identity(settings: Settings | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """The login of the person this process serves, or None."""
    env = os.environ if environ is None else environ
    settings = settings if settings is not None else Settings.from_environment(env)
    login = env.get("JUPYTERHUB_USER")
    if not login and settings.identity_header:
        login = env.get(header_variable(settings.identity_header))
        return (login or "").strip() or None  # behind the proxy: its header or nobody
    if not login:
        login = settings.user
    return (login or "").strip() or None


def imposed(settings: Settings | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Does the deployment decide who is reading (JupyterHub, a proxy's header, or
    ``TERRITOIRE_USER``)? Then the page never offers the demo accounts' switch — even to a
    request that came without the header: it has no identity, and stays so."""
    env = os.environ if environ is None else environ
    settings = settings if settings is not None else Settings.from_environment(env)
    return bool(env.get("JUPYTERHUB_USER") or settings.identity_header or settings.user)


def header_variable(header: str) -> str:
    """The kernel environment variable Voilà sets for a forwarded header (``HTTP_X_…``)."""
    return "HTTP_" + header.upper().replace("-", "_")
