"""The exchange store as a service: one table of operations, two ways to reach it.

``operations``: what a user may ask of the store (read threads, post, edit…), each with its
typed arguments and a JSON answer — the only surface of the store outside administration.
``client.StoreClient``: what the dashboard uses in every mode, over a transport —
``LocalTransport`` (same process, the store of the workspace: local use, tests) or
``HubTransport`` (HTTP to the JupyterHub service, authenticated by the user's Hub token).
``hub``: that JupyterHub service (``python -m territoire_data.service``), the only process of
a JupyterHub deployment that holds the store's credentials.
"""
