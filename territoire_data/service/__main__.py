"""``python -m territoire_data.service``: the exchange store as a JupyterHub service."""

from territoire_data.service.hub import main

main()
