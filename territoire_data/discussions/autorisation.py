"""Who may do what, in one place. Deny by default.

Every read and write of the store asks ``Autorisation``; widgets and the CLI never filter
on their own. Rules:

- a role is active from ``debut`` to ``fin`` included (partner subscriptions end);
- a role on a territory covers every commune of it (an élu of an EPCI is élu for its
  communes); a thread is covered when all its communes are;
- ``admin``: everything, everywhere;
- ``elu``/``agent`` of a territory: read and write threads of every visibility there;
- ``entreprise``/``consultant`` admitted to a territory: read and write ``partenaires`` and
  ``tous`` threads there;
- any user with an active role: read ``tous`` threads anywhere (shared solutions) and reply;
- edit: the author only; delete (soft): the author or an admin; moderation: admins;
- the radar foncier (issue #7): élus, agents of the territory and admins.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from territoire_data.discussions.modeles import ROLES_COLLECTIVITE, ROLES_PARTENAIRES, VISIBILITES
from territoire_data.erreurs import TerritoireErreur


class AccesRefuse(TerritoireErreur):
    pass


@lru_cache(maxsize=4096)
def communes_de(code: str) -> frozenset[str]:
    from territoire_data.territoires import territoire

    return frozenset(territoire(code).communes)


def couvre(territoire_role: str, territoire_objet: str) -> bool:
    if territoire_role == territoire_objet or territoire_role == "france":
        return True
    try:
        return communes_de(territoire_objet) <= communes_de(territoire_role)
    except TerritoireErreur:
        return False


class Autorisation:
    """The rights of one user (``roles``: list of (role, territoire, debut, fin))."""

    def __init__(self, utilisateur_id: int | None, roles, aujourd_hui: date | None = None):
        self.utilisateur_id = utilisateur_id
        jour = aujourd_hui or date.today()
        self.roles = [(r, t) for r, t, debut, fin in roles
                      if (debut is None or debut <= jour) and (fin is None or jour <= fin)]

    @property
    def authentifie(self) -> bool:
        return self.utilisateur_id is not None and bool(self.roles)

    @property
    def admin(self) -> bool:
        return any(r == "admin" for r, _ in self.roles)

    def _roles_sur(self, territoire: str) -> set[str]:
        return {r for r, t in self.roles if couvre(t, territoire)}

    def visibilites(self, territoire: str) -> list[str]:
        """Visibilities this user may post with on a territory (empty: may not post)."""
        if self.admin:
            return list(VISIBILITES)
        roles = self._roles_sur(territoire)
        if roles & set(ROLES_COLLECTIVITE):
            return list(VISIBILITES)
        if roles & set(ROLES_PARTENAIRES):
            return ["partenaires", "tous"]
        return []

    def peut_lire(self, territoire: str, visibilite: str) -> bool:
        if not self.authentifie or visibilite not in VISIBILITES:
            return False
        if self.admin or visibilite == "tous":
            return True
        return visibilite in self.visibilites(territoire)

    def peut_creer(self, territoire: str, visibilite: str) -> bool:
        return self.authentifie and visibilite in self.visibilites(territoire)

    def peut_repondre(self, territoire: str, visibilite: str) -> bool:
        return self.peut_lire(territoire, visibilite)

    def peut_modifier(self, auteur_id: int) -> bool:
        return self.authentifie and auteur_id == self.utilisateur_id

    def peut_supprimer(self, auteur_id: int) -> bool:
        return self.authentifie and (auteur_id == self.utilisateur_id or self.admin)

    def peut_moderer(self) -> bool:
        return self.admin

    def peut_radar(self, territoire: str) -> bool:
        return self.authentifie and (self.admin or bool(self._roles_sur(territoire) & set(ROLES_COLLECTIVITE)))

    def exiger(self, permis: bool, message: str) -> None:
        if not permis:
            raise AccesRefuse(message)
