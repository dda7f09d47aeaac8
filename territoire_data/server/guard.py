"""What a dashboard's visitor may send to the server: widget messages, nothing that runs code.

Voilà executes the notebook on the server; the page then only talks to its kernel through
widget messages. Jupyter Server forwards any message a browser sends, ``execute_request``
included, unless ``MappingKernelManager.allowed_message_types`` says otherwise: both the
dashboard server (``territoire dashboard``) and the users' servers of the JupyterHub
deployment set it to ``WIDGET_MESSAGE_TYPES``. On JupyterHub, ``DashboardAuthorizer`` also
refuses every write through the Jupyter Server API (no new kernel, no notebook saved, no
terminal): a user's server is a dashboard, not a Jupyter workspace.
"""

from __future__ import annotations

WIDGET_MESSAGE_TYPES = ("kernel_info_request", "comm_info_request", "comm_open", "comm_msg", "comm_close")


def allowed_messages_option() -> str:
    """The Jupyter Server command-line option restricting the kernel websocket to widgets."""
    return "--MappingKernelManager.allowed_message_types=" + str(list(WIDGET_MESSAGE_TYPES)).replace(" ", "")


try:
    from jupyter_server.auth.authorizer import Authorizer
except ImportError:  # pragma: no cover - jupyter_server is a dependency
    Authorizer = object  # type: ignore[assignment,misc]


class DashboardAuthorizer(Authorizer):
    """Read-only Jupyter Server: pages and files may be read, the dashboard's kernel may receive
    widget messages; starting kernels, saving files and terminals are refused."""

    def is_authorized(self, handler, user, action: str, resource: str) -> bool:
        if resource == "terminals":
            return False
        if action == "read":
            return True
        return resource == "kernels" and action == "execute"  # the websocket (widget messages only)
