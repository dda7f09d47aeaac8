"""The exchange space of one user: every read and write goes through ``Autorisation``."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select, text

from territoire_data.discussions import base
from territoire_data.discussions.autorisation import AccesRefuse, Autorisation
from territoire_data.discussions.modeles import (LIBELLES_VISIBILITE, ROLES, VISIBILITES, Fil, Lecture, Message,
                                                 Organisation, Revision, Role, Signalement, Utilisateur, maintenant)
from territoire_data.discussions.texte import TexteRefuse, en_html, nettoyer, titre as titre_propre
from territoire_data.catalogue import THEMES
from territoire_data.erreurs import TerritoireErreur

ANCRES = ("indicateur", "parcelle", "entite")
SUPPRIME = "<p><em>Message supprimé.</em></p>"


def limite_messages() -> tuple[int, int]:
    """(messages, seconds) a user may post: ``TERRITOIRE_LIMITE_MESSAGES=20/60`` by default."""
    brut = os.environ.get("TERRITOIRE_LIMITE_MESSAGES", "20/60")
    try:
        nombre, secondes = (int(x) for x in brut.split("/"))
        return nombre, secondes
    except ValueError:
        return 20, 60


def _code(territoire: str) -> str:
    from territoire_data.territoires import territoire as resoudre

    return resoudre(territoire).code


def _utc(d: datetime | None) -> datetime | None:
    return None if d is None else (d if d.tzinfo else d.replace(tzinfo=timezone.utc))


class Espace:
    """``Espace("login")``: what this user may see and do. An unknown login sees nothing."""

    def __init__(self, login: str | None, home=None):
        self.home = home
        self.login = (login or "").strip() or None
        self.utilisateur_id = None
        roles = []
        if self.login:
            with base.session(home) as s:
                utilisateur = s.scalar(select(Utilisateur).where(Utilisateur.login == self.login))
                if utilisateur is not None:
                    self.utilisateur_id = utilisateur.id
                    roles = [(r.role, r.territoire, r.debut, r.fin) for r in utilisateur.roles]
        self.autorisation = Autorisation(self.utilisateur_id, roles)

    # -- reading ----------------------------------------------------------------------------

    def _fil(self, s, fil_id: int) -> Fil:
        fil = s.get(Fil, fil_id)
        if fil is None or not self.autorisation.peut_lire(fil.territoire, fil.visibilite):
            raise AccesRefuse("Discussion introuvable ou non accessible.")  # same answer: nothing leaks
        return fil

    def _resume(self, s, fil: Fil) -> dict:
        n = s.scalar(select(func.count(Message.id)).where(Message.fil_id == fil.id, Message.supprime_le.is_(None)))
        lu = s.get(Lecture, (self.utilisateur_id, fil.id)) if self.utilisateur_id else None
        non_lus = s.scalar(select(func.count(Message.id)).where(
            Message.fil_id == fil.id, Message.supprime_le.is_(None), Message.auteur_id != self.utilisateur_id,
            Message.id > (lu.dernier_message_id if lu else 0)))
        return {"id": fil.id, "territoire": fil.territoire, "titre": fil.titre, "visibilite": fil.visibilite,
                "visibilite_libelle": LIBELLES_VISIBILITE[fil.visibilite], "ancre_type": fil.ancre_type,
                "ancre": fil.ancre, "theme": fil.theme, "solution": fil.solution, "auteur": fil.auteur.login,
                "cree_le": _utc(fil.cree_le).isoformat(), "actif_le": _utc(fil.actif_le).isoformat(),
                "messages": n, "non_lus": non_lus}

    def fils(self, territoire: str) -> list[dict]:
        """Threads of a territory this user may read, most recently active first."""
        if not self.autorisation.authentifie:
            return []
        code = _code(territoire)
        with base.session(self.home) as s:
            fils = s.scalars(select(Fil).where(Fil.territoire == code).order_by(Fil.actif_le.desc(), Fil.id.desc()))
            return [self._resume(s, f) for f in fils if self.autorisation.peut_lire(f.territoire, f.visibilite)]

    def solutions(self, theme: str | None = None) -> list[dict]:
        """Shared solutions (visibility ``tous``) of every territory."""
        if not self.autorisation.authentifie:
            return []
        with base.session(self.home) as s:
            requete = select(Fil).where(Fil.visibilite == "tous", Fil.solution.is_(True))
            if theme:
                requete = requete.where(Fil.theme == theme)
            return [self._resume(s, f) for f in s.scalars(requete.order_by(Fil.actif_le.desc()))]

    def messages(self, fil_id: int) -> list[dict]:
        with base.session(self.home) as s:
            fil = self._fil(s, fil_id)
            sortie = []
            for m in fil.messages:
                supprime = m.supprime_le is not None
                sortie.append({"id": m.id, "fil": fil.id, "auteur": m.auteur.login, "cree_le": _utc(m.cree_le).isoformat(),
                               "modifie_le": None if m.modifie_le is None else _utc(m.modifie_le).isoformat(),
                               "supprime": supprime, "text": "" if supprime else m.texte,
                               "html": SUPPRIME if supprime else m.html,
                               "modifiable": not supprime and self.autorisation.peut_modifier(m.auteur_id),
                               "supprimable": not supprime and self.autorisation.peut_supprimer(m.auteur_id)})
            return sortie

    def historique(self, message_id: int) -> list[dict]:
        with base.session(self.home) as s:
            message = s.get(Message, message_id)
            if message is None:
                raise AccesRefuse("Message introuvable ou non accessible.")
            self._fil(s, message.fil_id)
            revisions = s.scalars(select(Revision).where(Revision.message_id == message_id).order_by(Revision.id))
            return [{"date": _utc(r.date).isoformat(), "html": r.html} for r in revisions]

    def ancres(self, territoire: str, fils: list[dict] | None = None) -> dict[str, int]:
        """Number of readable threads anchored to each indicator of a territory
        (``fils``: the result of ``fils(territoire)`` when the caller already has it)."""
        compte: dict[str, int] = {}
        for fil in self.fils(territoire) if fils is None else fils:
            if fil["ancre_type"] == "indicateur" and fil["ancre"]:
                compte[fil["ancre"]] = compte.get(fil["ancre"], 0) + 1
        return compte

    def non_lus(self, territoire: str) -> int:
        return sum(f["non_lus"] for f in self.fils(territoire))

    def version(self, territoire: str) -> tuple:
        """Changes whenever something visible on the territory changes (cheap polling)."""
        if not self.autorisation.authentifie:
            return ()
        code = _code(territoire)
        with base.session(self.home) as s:
            return tuple(s.execute(select(func.count(Message.id), func.max(Message.id), func.max(Message.modifie_le),
                                          func.max(Message.supprime_le), func.max(Fil.id))
                                   .select_from(Fil).join(Message, Message.fil_id == Fil.id, isouter=True)
                                   .where(Fil.territoire == code)).one())

    def visibilites(self, territoire: str) -> list[str]:
        return self.autorisation.visibilites(_code(territoire))

    # -- writing ----------------------------------------------------------------------------

    def _limiter(self, s) -> None:
        nombre, secondes = limite_messages()
        if s.bind.dialect.name == "postgresql":  # one writer per user at a time: the count below holds
            s.execute(text("SELECT pg_advisory_xact_lock(:u)"), {"u": self.utilisateur_id})
        depuis = maintenant() - timedelta(seconds=secondes)
        recents = s.scalar(select(func.count(Message.id)).where(Message.auteur_id == self.utilisateur_id,
                                                                Message.cree_le > depuis))
        if recents >= nombre:
            raise AccesRefuse(f"Trop de messages : {nombre} au plus en {secondes} s. Réessayez dans un instant.")

    def _poster(self, s, fil: Fil, texte: str) -> int:
        self._limiter(s)
        propre = nettoyer(texte)
        message = Message(fil_id=fil.id, auteur_id=self.utilisateur_id, texte=propre, html=en_html(propre))
        s.add(message)
        fil.actif_le = maintenant()
        s.flush()
        return message.id

    def creer_fil(self, territoire: str, titre: str, texte: str, visibilite: str, *, ancre_type: str | None = None,
                  ancre: str | None = None, theme: str | None = None, solution: bool = False) -> int:
        code = _code(territoire)
        if visibilite not in VISIBILITES:
            raise TerritoireErreur(f"Visibilité inconnue : « {visibilite} » ({', '.join(VISIBILITES)}).")
        self.autorisation.exiger(self.autorisation.peut_creer(code, visibilite),
                                 f"Vous ne pouvez pas publier avec la visibilité « {visibilite} » sur {code}.")
        if theme is not None and theme not in THEMES:
            raise TerritoireErreur(f"Thème inconnu : « {theme} » ({', '.join(THEMES)}).")
        if ancre_type is not None and ancre_type not in ANCRES:
            raise TerritoireErreur(f"Type d'ancre inconnu : « {ancre_type} ».")
        with base.session(self.home) as s:
            fil = Fil(territoire=code, titre=titre_propre(titre), visibilite=visibilite, ancre_type=ancre_type,
                      ancre=None if ancre is None else nettoyer(ancre, maximum=200, quoi="L'ancre"),
                      theme=theme, solution=bool(solution) and visibilite == "tous", auteur_id=self.utilisateur_id)
            s.add(fil)
            s.flush()
            self._poster(s, fil, texte)
            return fil.id

    def repondre(self, fil_id: int, texte: str) -> int:
        with base.session(self.home) as s:
            fil = self._fil(s, fil_id)
            self.autorisation.exiger(self.autorisation.peut_repondre(fil.territoire, fil.visibilite),
                                     "Vous ne pouvez pas répondre dans cette discussion.")
            return self._poster(s, fil, texte)

    def _message(self, s, message_id: int) -> Message:
        message = s.get(Message, message_id)
        if message is None:
            raise AccesRefuse("Message introuvable ou non accessible.")
        self._fil(s, message.fil_id)
        return message

    def modifier(self, message_id: int, texte: str) -> None:
        with base.session(self.home) as s:
            message = self._message(s, message_id)
            self.autorisation.exiger(self.autorisation.peut_modifier(message.auteur_id) and message.supprime_le is None,
                                     "Seul l'auteur peut modifier son message.")
            propre = nettoyer(texte)
            s.add(Revision(message_id=message.id, texte=message.texte, html=message.html))
            message.texte, message.html, message.modifie_le = propre, en_html(propre), maintenant()

    def supprimer(self, message_id: int) -> None:
        with base.session(self.home) as s:
            message = self._message(s, message_id)
            self.autorisation.exiger(self.autorisation.peut_supprimer(message.auteur_id),
                                     "Seuls l'auteur et les administrateurs peuvent supprimer ce message.")
            if message.supprime_le is None:
                message.supprime_le, message.supprime_par_id = maintenant(), self.utilisateur_id

    def signaler(self, message_id: int, motif: str) -> None:
        with base.session(self.home) as s:
            message = self._message(s, message_id)
            deja = s.scalar(select(Signalement).where(Signalement.message_id == message.id,
                                                     Signalement.utilisateur_id == self.utilisateur_id))
            if deja is None:
                s.add(Signalement(message_id=message.id, utilisateur_id=self.utilisateur_id,
                                  motif=nettoyer(motif, maximum=2_000, quoi="Le motif")))

    def signalements(self) -> list[dict]:
        self.autorisation.exiger(self.autorisation.peut_moderer(), "Réservé aux modérateurs.")
        with base.session(self.home) as s:
            return [{"id": r.id, "message": r.message_id, "motif": r.motif, "traite": r.traite}
                    for r in s.scalars(select(Signalement).order_by(Signalement.id))]

    def marquer_lu(self, fil_id: int) -> None:
        with base.session(self.home) as s:
            fil = self._fil(s, fil_id)
            dernier = s.scalar(select(func.max(Message.id)).where(Message.fil_id == fil.id)) or 0
            lecture = s.get(Lecture, (self.utilisateur_id, fil.id))
            if lecture is None:
                s.add(Lecture(utilisateur_id=self.utilisateur_id, fil_id=fil.id, dernier_message_id=dernier))
            else:
                lecture.dernier_message_id = max(lecture.dernier_message_id, dernier)


# -- accounts (local administration: the CLI) --------------------------------------------------

def ajouter_utilisateur(login: str, role: str, territoire: str, *, organisation: str | None = None,
                        jusqu_au: date | None = None, depuis: date | None = None, home=None) -> None:
    login = nettoyer(login, maximum=100, quoi="L'identifiant")
    if any(c.isspace() for c in login):
        raise TexteRefuse("L'identifiant ne doit pas contenir d'espace.")
    if role not in ROLES:
        raise TerritoireErreur(f"Rôle inconnu : « {role} ». Choix : {', '.join(ROLES)}.")
    code = _code(territoire)
    with base.session(home) as s:
        utilisateur = s.scalar(select(Utilisateur).where(Utilisateur.login == login))
        if utilisateur is None:
            utilisateur = Utilisateur(login=login)
            s.add(utilisateur)
        if organisation:
            nom = nettoyer(organisation, maximum=200, quoi="L'organisation")
            org = s.scalar(select(Organisation).where(Organisation.nom == nom))
            if org is None:
                org = Organisation(nom=nom)
                s.add(org)
            utilisateur.organisation = org
        s.flush()
        existant = s.scalar(select(Role).where(Role.utilisateur_id == utilisateur.id, Role.role == role,
                                              Role.territoire == code))
        if existant is None:
            s.add(Role(utilisateur_id=utilisateur.id, role=role, territoire=code, debut=depuis, fin=jusqu_au))
        else:
            existant.debut, existant.fin = depuis, jusqu_au


def lister_utilisateurs(home=None) -> list[dict]:
    with base.session(home) as s:
        return [{"login": u.login, "organisation": u.organisation.nom if u.organisation else None,
                 "roles": [{"role": r.role, "territoire": r.territoire,
                            "debut": r.debut.isoformat() if r.debut else None,
                            "fin": r.fin.isoformat() if r.fin else None} for r in u.roles]}
                for u in s.scalars(select(Utilisateur).order_by(Utilisateur.login))]
