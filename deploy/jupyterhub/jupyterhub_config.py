"""JupyterHub serving the territoire dashboard (Voilà) to each signed-in user.

Security model (docs/dsi/securite.md, "Sécurité du déploiement"):

- **Who**: a real authenticator (ProConnect/Keycloak/any OpenID Connect via ``oauth``, or
  ``ldap``). Without one the hub refuses to start; ``dummy`` (one shared password) is accepted
  only with ``TERRITOIRE_HUB_DEMO=1``.
- **The store** (threads, roles) sits behind the ``territoire-store`` JupyterHub service
  (``python -m territoire_data.service``), the only process given its address and credentials
  (``TERRITOIRE_DB_URL``; default: SQLite in ``<state>/store/``, readable by the hub's user
  only). Users' servers call it with their Hub token (scope
  ``access:services!service=territoire-store``); the service asks the Hub whose token it is.
- **Users' servers** are dashboards, not Jupyter workspaces: the kernel websocket takes widget
  messages only, the Jupyter Server API is read-only (``DashboardAuthorizer``), no terminal.
  With ``TERRITOIRE_HUB_SPAWNER=local`` each runs under the Unix account of the same name
  (``useradd``), ``systemd`` gives each a dynamic user, ``docker`` a container; ``simple``
  runs them as the hub's user (single-machine trials only).

Settings come from the environment, so the same file serves tests and deployments:

- ``TERRITOIRE_HUB_AUTHENTICATOR``: ``oauth`` (``OAUTH_*`` variables), ``ldap`` (``LDAP_*``),
  ``dummy`` (with ``TERRITOIRE_HUB_DEMO=1`` and ``TERRITOIRE_HUB_PASSWORD``).
- ``TERRITOIRE_HUB_SPAWNER``: ``local``, ``systemd``, ``docker`` or ``simple`` (default).
- ``TERRITOIRE_HUB_PYTHON``: interpreter of the users' servers (default: the hub's).
- ``TERRITOIRE_HUB_IP`` / ``TERRITOIRE_HUB_PORT`` (127.0.0.1:8000), ``TERRITOIRE_HUB_STATE``
  (hub database, cookie secret, the store's default SQLite; default: this folder's ``etat/``),
  ``TERRITOIRE_HUB_STORE_PORT`` (the store service, 127.0.0.1:8282),
  ``TERRITOIRE_HUB_USERS_HOME`` (home folders of the ``local`` spawner's accounts).
- ``TERRITOIRE_HOME`` (open data, read-only for users) goes to the users' servers;
  ``TERRITOIRE_DB_URL`` goes to the store service only.
"""

import os
import shutil
import sys
from pathlib import Path

from territoire_data.server.guard import allowed_messages_option

c = get_config()  # noqa: F821 — provided by JupyterHub

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATE = Path(os.environ.get("TERRITOIRE_HUB_STATE", HERE / "etat"))
STATE.mkdir(parents=True, exist_ok=True)
os.chmod(STATE, 0o700)  # hub database, cookie secret and the default store: the hub's user only
STORE_FOLDER = STATE / "store"
STORE_FOLDER.mkdir(mode=0o700, exist_ok=True)
STORE_URL = os.environ.get("TERRITOIRE_DB_URL") or f"sqlite:///{STORE_FOLDER / 'discussions.sqlite'}"
STORE_PORT = int(os.environ.get("TERRITOIRE_HUB_STORE_PORT", "8282"))
STORE_SERVICE = "territoire-store"

c.JupyterHub.ip = os.environ.get("TERRITOIRE_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("TERRITOIRE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("TERRITOIRE_HUB_INTERNAL_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('TERRITOIRE_HUB_PROXY_PORT', '8001')}"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# configurable-http-proxy from npm (``npm ci --prefix deploy/jupyterhub``), else the one on PATH.
proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(proxy)]
elif shutil.which("configurable-http-proxy") is None:
    raise SystemExit("configurable-http-proxy introuvable : lancez `npm ci --prefix deploy/jupyterhub`.")

# -- who signs in ---------------------------------------------------------------------------
authentication = os.environ.get("TERRITOIRE_HUB_AUTHENTICATOR", "")
demo = os.environ.get("TERRITOIRE_HUB_DEMO") == "1"
if not authentication:
    raise SystemExit(
        "Aucun authentificateur configuré : définissez TERRITOIRE_HUB_AUTHENTICATOR=oauth (ProConnect, Keycloak…) "
        "ou ldap. Le mot de passe commun `dummy` n'est accepté qu'en démonstration (TERRITOIRE_HUB_DEMO=1)."
    )
if authentication == "dummy":
    if not demo:
        raise SystemExit(
            "L'authentificateur `dummy` (un mot de passe commun, tout identifiant accepté) est réservé aux "
            "démonstrations : ajoutez TERRITOIRE_HUB_DEMO=1 pour le confirmer, ou configurez oauth ou ldap."
        )
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ["TERRITOIRE_HUB_PASSWORD"]  # no default password
    c.Authenticator.allow_all = True
elif authentication == "oauth":
    c.JupyterHub.authenticator_class = "oauthenticator.generic.GenericOAuthenticator"
    c.GenericOAuthenticator.client_id = os.environ["OAUTH_CLIENT_ID"]
    c.GenericOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]
    c.GenericOAuthenticator.oauth_callback_url = os.environ["OAUTH_CALLBACK_URL"]
    c.GenericOAuthenticator.authorize_url = os.environ["OAUTH_AUTHORIZE_URL"]
    c.GenericOAuthenticator.token_url = os.environ["OAUTH_TOKEN_URL"]
    c.GenericOAuthenticator.userdata_url = os.environ["OAUTH_USERDATA_URL"]
    c.GenericOAuthenticator.username_claim = os.environ.get("OAUTH_USERNAME_CLAIM", "email")
    c.GenericOAuthenticator.scope = os.environ.get("OAUTH_SCOPE", "openid email").split()
    c.Authenticator.allow_all = True  # rights come from `territoire users`, not from the hub
elif authentication == "ldap":
    c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"
    c.LDAPAuthenticator.server_address = os.environ["LDAP_SERVER"]
    c.LDAPAuthenticator.bind_dn_template = os.environ["LDAP_BIND_DN_TEMPLATE"].split(";")
    c.LDAPAuthenticator.use_ssl = True
    c.Authenticator.allow_all = True
else:
    raise SystemExit(f"TERRITOIRE_HUB_AUTHENTICATOR inconnue : {authentication}")

# -- the store, behind a JupyterHub service --------------------------------------------------
c.JupyterHub.services = [
    {
        "name": STORE_SERVICE,
        "url": f"http://127.0.0.1:{STORE_PORT}",
        "command": [sys.executable, "-m", "territoire_data.service"],
        "environment": {
            name: value
            for name, value in {
                "TERRITOIRE_HOME": os.environ.get("TERRITOIRE_HOME"),
                "TERRITOIRE_DB_URL": STORE_URL,  # the store's credentials: here and nowhere else
                "TERRITOIRE_MESSAGE_LIMIT": os.environ.get("TERRITOIRE_MESSAGE_LIMIT"),
                # the mise en relation: limits, and the notifications' e-mails, sent by the
                # service (the SMTP password, like the store's, stays here)
                **{
                    name: os.environ.get(name)
                    for name in (
                        "TERRITOIRE_REQUEST_LIMIT",
                        "TERRITOIRE_INVITATION_LIMIT",
                        "TERRITOIRE_SMTP_HOST",
                        "TERRITOIRE_SMTP_PORT",
                        "TERRITOIRE_SMTP_TLS",
                        "TERRITOIRE_SMTP_USER",
                        "TERRITOIRE_SMTP_PASSWORD",
                        "TERRITOIRE_SMTP_SENDER",
                        "TERRITOIRE_DASHBOARD_URL",
                        "TERRITOIRE_DIGEST_HOUR",
                        "TERRITOIRE_SIRENE_URL",
                        "TERRITOIRE_SIRENE_TOKEN",
                    )
                },
                "TERRITOIRE_NO_PROGRESS": "1",
                "PATH": os.environ.get("PATH"),
                "LANG": os.environ.get("LANG", "C.UTF-8"),
            }.items()
            if value
        },
        "display": False,
        "oauth_no_confirm": True,
    }
]
# Users may call the store service; their servers' tokens carry that scope (and nothing else
# beyond their own server's).
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", f"access:services!service={STORE_SERVICE}"]},
]
c.Spawner.server_token_scopes = ["users:activity!user", f"access:services!service={STORE_SERVICE}"]

# -- each user's server: the dashboard, read-only --------------------------------------------
launcher = os.environ.get("TERRITOIRE_HUB_SPAWNER", "simple")
if launcher == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "utilisateurs" / "{username}")
elif launcher == "local":
    # One Unix account per user (created by the administrator: `useradd --system <login>`);
    # the hub runs as root to switch to them, the store stays readable by root only.
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
elif launcher == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = True
elif launcher == "docker":
    c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
    c.DockerSpawner.image = os.environ.get("TERRITOIRE_HUB_IMAGE", "territoire:latest")
else:
    raise SystemExit(f"TERRITOIRE_HUB_SPAWNER inconnu : {launcher} (simple, local, systemd ou docker).")
# The users' servers' interpreter must be readable by their accounts (a system-wide install or
# a venv outside /root); default: the hub's own.
c.Spawner.cmd = [os.environ.get("TERRITOIRE_HUB_PYTHON", sys.executable), "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(ROOT / "notebooks")
c.Spawner.default_url = "/voila/render/tableau_de_bord.ipynb"
c.Spawner.args = [
    "--VoilaConfiguration.show_tracebacks=False",
    "--VoilaConfiguration.theme=light",
    # A dashboard, not a Jupyter workspace: widget messages only, read-only API, no terminal.
    allowed_messages_option(),
    "--ServerApp.authorizer_class=territoire_data.server.guard.DashboardAuthorizer",
    "--ServerApp.terminals_enabled=False",
]
if launcher == "simple" and os.geteuid() == 0:
    # Containers and CI run as root; the simple spawner then runs user servers as root too.
    # Real deployments use the local, systemd or docker spawner (one identity per user).
    c.Spawner.args.append("--allow-root")
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.Spawner.environment = {
    name: os.environ[name]
    for name in (
        "TERRITOIRE_HOME",
        "TERRITOIRE_BASEMAP_URL",
        "TERRITOIRE_BASEMAP_ATTRIBUTION",
        "TERRITOIRE_NO_PROGRESS",
        "JUPYTER_PATH",  # Voilà's templates when the interpreter is not the one they were installed with
        "JUPYTER_CONFIG_PATH",
    )
    if name in os.environ
}
# The dashboard reaches the store through the service, with the user's Hub token.
c.Spawner.environment["TERRITOIRE_STORE_SERVICE_URL"] = f"http://127.0.0.1:{STORE_PORT}/"
# Identity in the kernels is JUPYTERHUB_USER, set by JupyterHub: never TERRITOIRE_USER here;
# nor the store's address.
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "VIRTUAL_ENV"]
