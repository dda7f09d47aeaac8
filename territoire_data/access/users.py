"""Accounts and roles in the store: who exists, in which organisation, with which roles.

``add_user`` and ``list_users`` are administration tools (the CLI, run by whoever holds the
store); ``account_of`` is what the rights are computed from, ``ensure_user`` creates the
account of a signed-in actor on its first own action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from territoire_data.errors import TerritoireError
from territoire_data.store.models import ROLES, Invitation, Organisation, Role, User
from territoire_data.text.messages import TextRefused, clean

if TYPE_CHECKING:
    from territoire_data.access.context import ExchangeContext

RoleRow = tuple[str, str, "date | None", "date | None"]  # role, territory, start, end


@dataclass(frozen=True)
class Account:
    """What the rights of a login are computed from, as the store holds it now."""

    user_id: int | None
    roles: list[RoleRow]
    organisation_id: int | None = None
    invited_threads: frozenset[int] = frozenset()  # accepted invitations of its organisation


NOBODY = Account(None, [])


def account_in(session, user: User) -> Account:
    """The account of a user row, read in an open session (a transaction checking someone
    else's rights, e.g. before notifying them)."""
    invited: frozenset[int] = frozenset()
    if user.organisation_id is not None:
        invited = frozenset(
            session.scalars(
                select(Invitation.thread_id).where(
                    Invitation.organisation_id == user.organisation_id, Invitation.status == "accepted"
                )
            )
        )
    return Account(user.id, [(r.role, r.territory, r.start, r.end) for r in user.roles], user.organisation_id, invited)


def account_of(workspace: ExchangeContext, login: str | None) -> Account:
    """The account of a login (``NOBODY`` for an unknown or empty one)."""
    login = (login or "").strip()
    if not login:
        return NOBODY
    try:
        with workspace.store.session() as s:
            user = s.scalar(select(User).where(User.login == login))
            if user is None:
                return NOBODY
            return account_in(s, user)
    except (OperationalError, ProgrammingError):  # no schema yet: nobody has any right
        raise TerritoireError(
            "La base des discussions n'est pas initialisée : lancez `territoire db upgrade`."
        ) from None


def ensure_user(session, login: str) -> User:
    """The account of a signed-in login, created on its first own action (self-service: an
    actor arriving through the deployment's sign-in has no account in the store yet)."""
    login = clean(login, maximum=100, what="L'identifiant")
    if any(c.isspace() for c in login):
        raise TextRefused("L'identifiant ne doit pas contenir d'espace.")
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        user = User(login=login)
        session.add(user)
        session.flush()
    return user


def add_user(
    workspace: ExchangeContext,
    login: str,
    role: str,
    territory: str,
    *,
    organisation: str | None = None,
    until: date | None = None,
    since: date | None = None,
    name: str | None = None,
) -> None:
    """Create a user (or find it) and give it a role on a territory, from ``since`` to ``until``."""
    login = clean(login, maximum=100, what="L'identifiant")
    if any(c.isspace() for c in login):
        raise TextRefused("L'identifiant ne doit pas contenir d'espace.")
    if role not in ROLES:
        raise TerritoireError(f"Rôle inconnu : « {role} ». Choix : {', '.join(ROLES)}.")
    code = workspace.territory(territory).code
    if role == "admin" and code != "france":
        # An administrator moderates and reads everything, everywhere: a territory would suggest
        # a limit the rights do not have.
        raise TerritoireError(
            f"Le rôle admin vaut pour tous les territoires (lecture de toutes les discussions, modération) : "
            f"donnez-le avec --territoire france, pas sur {code}. Pour un territoire, utilisez elu ou agent."
        )
    with workspace.store.session() as s:
        user = s.scalar(select(User).where(User.login == login))
        if user is None:
            user = User(login=login)
            s.add(user)
        if name:
            user.name = clean(name, maximum=200, what="Le nom").replace("\n", " ")
        if organisation:
            organisation_name = clean(organisation, maximum=200, what="L'organisation")
            org = s.scalar(select(Organisation).where(Organisation.name == organisation_name))
            if org is None:
                org = Organisation(name=organisation_name)
                s.add(org)
            user.organisation = org
        s.flush()
        existing = s.scalar(select(Role).where(Role.user_id == user.id, Role.role == role, Role.territory == code))
        if existing is None:
            s.add(Role(user_id=user.id, role=role, territory=code, start=since, end=until))
        else:
            existing.start, existing.end = since, until


def describe_user(user: User) -> dict:
    """A user's login, name, organisation and roles, as JSON-ready data."""
    return {
        "login": user.login,
        "name": user.name,
        "organisation": user.organisation.name if user.organisation else None,
        "roles": [
            {
                "role": r.role,
                "territory": r.territory,
                "start": r.start.isoformat() if r.start else None,
                "end": r.end.isoformat() if r.end else None,
            }
            for r in user.roles
        ],
    }


def list_users(workspace: ExchangeContext) -> list[dict]:
    """Every user with organisation and roles (administration)."""
    with workspace.store.session() as s:
        return [describe_user(u) for u in s.scalars(select(User).order_by(User.login))]
