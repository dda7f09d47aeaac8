"""Who is reading and what they may do: the identity of a session (``identity``), users and
roles in the store (``users``), and the rules (``authorisation``) — one module used by the
discussions, the radar foncier and the widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territoire_data.access.authorisation import AccessDenied, Authorisation

if TYPE_CHECKING:
    from territoire_data.workspace import Workspace

__all__ = ["AccessDenied", "Authorisation", "authorisation_of"]


def authorisation_of(workspace: Workspace, login: str | None) -> Authorisation:
    """The rights of ``login`` from the store's roles as they are now."""
    from territoire_data.access.users import roles_of

    user_id, roles = roles_of(workspace, login)
    return Authorisation(user_id, roles, units_of=workspace.access_units)
