"""JupyterHub serving the territoire dashboard (Voilà) to each signed-in user.

Each user gets a single-user Jupyter server whose default page is the dashboard
(``/user/<login>/voila/render/tableau_de_bord.ipynb?commune=CODE``). JupyterHub sets
``JUPYTERHUB_USER`` in that server and its kernels: that is the identity the discussion
store authorises (``territoire users add <login> …`` gives the rights).

Settings come from the environment, so the same file serves tests and deployments:

- ``TERRITOIRE_HUB_AUTHENTICATOR``: ``dummy`` (tests and demos only: any login, one
  shared password ``TERRITOIRE_HUB_PASSWORD``), ``oauth`` (ProConnect, Keycloak, any
  OpenID Connect provider, via ``oauthenticator.generic.GenericOAuthenticator`` configured by
  the ``OAUTH_*`` variables) or ``ldap`` (``ldapauthenticator``, ``LDAP_*`` variables).
- ``TERRITOIRE_HUB_SPAWNER``: ``simple`` (every user's server runs as the hub's system user,
  for tests and single-machine pilots) or ``systemd`` / ``docker`` (isolated servers; see
  ``deploy/jupyterhub/README.md``).
- ``TERRITOIRE_HUB_IP`` / ``TERRITOIRE_HUB_PORT`` (127.0.0.1:8000), ``TERRITOIRE_HUB_STATE``
  (hub database and cookie secret; default: this folder's ``etat/``).
- ``TERRITOIRE_HOME`` and ``TERRITOIRE_DB_URL`` are passed to the users' servers.
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 — provided by JupyterHub

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATE = Path(os.environ.get("TERRITOIRE_HUB_STATE", HERE / "etat"))
STATE.mkdir(parents=True, exist_ok=True)

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
authentication = os.environ.get("TERRITOIRE_HUB_AUTHENTICATOR", "dummy")
if authentication == "dummy":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ.get("TERRITOIRE_HUB_PASSWORD", "demo")
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

# -- each user's server: the dashboard ------------------------------------------------------
launcher = os.environ.get("TERRITOIRE_HUB_SPAWNER", "simple")
if launcher == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "utilisateurs" / "{username}")
elif launcher == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = True
elif launcher == "docker":
    c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
    c.DockerSpawner.image = os.environ.get("TERRITOIRE_HUB_IMAGE", "territoire:latest")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(ROOT / "notebooks")
c.Spawner.default_url = "/voila/render/tableau_de_bord.ipynb"
c.Spawner.args = ["--VoilaConfiguration.show_tracebacks=False", "--VoilaConfiguration.theme=light"]
if launcher == "simple" and os.geteuid() == 0:
    # Containers and CI run as root; the simple spawner then runs user servers as root too.
    # Real deployments use the systemd or docker spawner (one unprivileged identity per user).
    c.Spawner.args.append("--allow-root")
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.Spawner.environment = {
    name: os.environ[name]
    for name in ("TERRITOIRE_HOME", "TERRITOIRE_DB_URL", "TERRITOIRE_BASEMAP_URL", "TERRITOIRE_NO_PROGRESS")
    if name in os.environ
}
# Identity in the kernels is JUPYTERHUB_USER, set by JupyterHub: never TERRITOIRE_USER here.
c.Spawner.env_keep = (
    [name for name in c.Spawner.env_keep if name != "TERRITOIRE_USER"]
    if hasattr(c.Spawner, "env_keep") and isinstance(c.Spawner.env_keep, list)
    else ["PATH", "PYTHONPATH", "LANG", "LC_ALL", "VIRTUAL_ENV"]
)
