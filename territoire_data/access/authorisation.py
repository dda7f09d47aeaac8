"""Who may do what, in one place. Deny by default.

Every read and write of the store asks ``Authorisation``; widgets and the CLI never filter
on their own. Rules:

- a role is active from ``start`` to ``end`` included (partner subscriptions end);
- a role on a territory covers every commune of it (an élu of an EPCI is élu for its
  communes); a thread is covered when all its communes are. Paris, Lyon and Marseille count
  their municipal arrondissements as units of their own: a role on the city covers its
  arrondissements, a role on one arrondissement covers that arrondissement only;
- rights are read from the store at every action (``DiscussionSpace`` asks again each time):
  a revoked or expired role stops working at the next click, in open dashboards too;
- ``admin``: everything, everywhere;
- ``elected``/``agent`` of a territory: read and write threads of every visibility there;
- ``entreprise``/``consultant`` admitted to a territory: read and write ``partenaires`` and
  ``every`` threads there;
- any user with an active role: read ``every`` threads anywhere (shared solutions) and reply;
- edit: the author only; delete (soft): the author or an admin; moderation: admins;
- the radar foncier (issue #7): élus, agents of the territory and admins;
- mise en relation (issue #17): any known account may keep its organisation's actor profile
  (not the territory's own people); élus and agents of a territory (and admins) decide the
  access requests made to it and invite actors into its ``partenaires`` threads; an accepted
  invitation opens that one thread to the invited organisation's users, even without a role
  there; an actor's contacts are shown to élus and agents of a territory it serves (and to
  admins), never to another company.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from territoire_data.errors import TerritoireError
from territoire_data.store.models import AUTHORITY_ROLES, PARTNER_ROLES, VISIBILITIES


class AccessDenied(TerritoireError):
    pass


def covers(territory_role: str, territory_object: str, units_of: Callable[[str], frozenset[str]]) -> bool:
    """Does a role on ``territory_role`` cover ``territory_object`` (all its units)?

    ``units_of(code)``: the communes of a territory, plus the municipal arrondissements of
    those that have some; an arrondissement's units are itself alone.
    """
    if territory_role == territory_object or territory_role == "france":
        return True
    try:
        return units_of(territory_object) <= units_of(territory_role)
    except TerritoireError:
        return False


class Authorisation:
    """The rights of one user (``roles``: list of (role, territory, start, end)).

    ``units_of(code)`` gives a territory's units (``Workspace.access_units``).
    """

    def __init__(
        self,
        user_id: int | None,
        roles,
        today: date | None = None,
        *,
        units_of: Callable[[str], frozenset[str]],
        organisation_id: int | None = None,
        invited_threads: frozenset[int] = frozenset(),
    ):
        self.user_id = user_id
        self.units_of = units_of
        self.organisation_id = organisation_id
        self.invited_threads = frozenset(invited_threads) if user_id is not None else frozenset()
        day = today or date.today()
        self.roles = [
            (r, t) for r, t, start, end in roles if (start is None or start <= day) and (end is None or day <= end)
        ]

    @property
    def authenticated(self) -> bool:
        """A known account with at least one active role today."""
        return self.user_id is not None and bool(self.roles)

    @property
    def identified(self) -> bool:
        """A known account, with or without a role (an actor keeping its profile)."""
        return self.user_id is not None

    @property
    def authority(self) -> bool:
        """Élu or agent somewhere (the territory's side of the mise en relation)."""
        return any(r in AUTHORITY_ROLES for r, _ in self.roles)

    @property
    def admin(self) -> bool:
        return any(r == "admin" for r, _ in self.roles)

    def _roles_on(self, territory: str) -> set[str]:
        return {r for r, t in self.roles if covers(t, territory, self.units_of)}

    def visibilities(self, territory: str) -> list[str]:
        """Visibilities this user may post with on a territory (empty: may not post)."""
        if self.admin:
            return list(VISIBILITIES)
        roles = self._roles_on(territory)
        if roles & set(AUTHORITY_ROLES):
            return list(VISIBILITIES)
        if roles & set(PARTNER_ROLES):
            return ["partenaires", "tous"]
        return []

    def can_read(self, territory: str, visibility: str) -> bool:
        if not self.authenticated or visibility not in VISIBILITIES:
            return False
        if self.admin or visibility == "tous":
            return True
        return visibility in self.visibilities(territory)

    def can_create(self, territory: str, visibility: str) -> bool:
        return self.authenticated and visibility in self.visibilities(territory)

    def can_read_thread(self, thread_id: int, territory: str, visibility: str) -> bool:
        """A thread: by the rules above, or through an accepted invitation (``partenaires`` only)."""
        if self.can_read(territory, visibility):
            return True
        return visibility == "partenaires" and thread_id in self.invited_threads

    def speaks_for(self, territory: str) -> bool:
        """An élu or agent of the territory (or of a group containing it), or an admin: who acts
        in the territory's name. One rule behind the rights below."""
        return self.authenticated and (self.admin or bool(self._roles_on(territory) & set(AUTHORITY_ROLES)))

    def can_decide(self, territory: str) -> bool:
        """Approve or refuse the access requests made to a territory, invite actors there."""
        return self.speaks_for(territory)

    def can_invite(self, territory: str, visibility: str) -> bool:
        return visibility == "partenaires" and self.can_decide(territory)

    def can_keep_profile(self) -> bool:
        """Create or edit one's organisation's actor profile (not élus and agents)."""
        return self.identified and not self.authority

    def sees_contacts(self, served: list[str]) -> bool:
        """An actor's contacts: admins, élus and agents of a territory the actor serves."""
        if not self.authenticated:
            return False
        if self.admin:
            return True
        for role, territory in self.roles:
            if role not in AUTHORITY_ROLES:
                continue
            for other in served:
                if "france" in (territory, other) or self._overlap(territory, other):
                    return True
        return False

    def _overlap(self, first: str, second: str) -> bool:
        try:
            return bool(self.units_of(first) & self.units_of(second))
        except TerritoireError:
            return False

    def can_edit(self, author_id: int) -> bool:
        return self.authenticated and author_id == self.user_id

    def can_delete(self, author_id: int) -> bool:
        return self.authenticated and (author_id == self.user_id or self.admin)

    def can_moderate(self) -> bool:
        return self.admin

    def can_run_radar(self, territory: str) -> bool:
        return self.speaks_for(territory)

    def can_draft_report(self, territory: str) -> bool:
        """Draft the triennial artificialisation report: who presents it to the council."""
        return self.speaks_for(territory)

    def require(self, permits: bool, message: str) -> None:
        if not permits:
            raise AccessDenied(message)
