"""``python -m territoire_data.service``: the exchange store as a JupyterHub service.

A process entry point, like the CLI and the dashboard's server: it picks the workspace (from
the environment: ``TERRITOIRE_HOME``, ``TERRITOIRE_DB_URL``…) and hands it to ``hub``. The
layers contract (``pyproject.toml``) allows this one import of the composition root.
"""

from territoire_data.service.hub import main
from territoire_data.workspace import Workspace

main(Workspace())
