"""Who is reading and what they may do: the identity of a session (``identity``), users and
roles in the store (``users``), and the rules (``authorisation``) — one module used by the
discussions, the radar foncier and the widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from territoire_data.access.authorisation import AccessDenied, Authorisation

if TYPE_CHECKING:
    from territoire_data.access.context import ExchangeContext

__all__ = ["AccessDenied", "Authorisation", "authorisation_of", "rights_of"]


def authorisation_of(workspace: ExchangeContext, login: str | None) -> Authorisation:
    """The rights of ``login`` from the store's roles as they are now."""
    from territoire_data.access.users import account_of

    return rights_of(workspace, account_of(workspace, login))


def rights_of(workspace: ExchangeContext, account) -> Authorisation:
    """The rights of an ``access.users.Account`` on a workspace's territories."""
    return Authorisation(
        account.user_id,
        account.roles,
        units_of=workspace.access_units,
        organisation_id=account.organisation_id,
        invited_threads=account.invited_threads,
    )
