"""The exchange space of one user: every read and write goes through ``Authorisation``,
computed again from the store's roles at each action (a revoked or expired role stops working
at the next click, in dashboards already open too)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, func, or_, select, text

from territoire_data.access.authorisation import AccessDenied, Authorisation
from territoire_data.core.catalogue import THEMES
from territoire_data.errors import TerritoireError
from territoire_data.store.models import (
    VISIBILITIES,
    VISIBILITY_LABELS,
    Flag,
    Invitation,
    Message,
    ReadMark,
    Revision,
    Thread,
    User,
    iso,
    now,
)
from territoire_data.text.messages import clean, to_html
from territoire_data.text.messages import title as clean_title

if TYPE_CHECKING:
    from territoire_data.access.context import ExchangeContext

ANCHOR_TYPES = ("indicator", "parcel", "feature")
DELETED_HTML = "<p><em>Message supprimé.</em></p>"
MAX_REVISIONS = 20  # earlier versions kept per message; a further edit is refused


def count_anchors(threads: list[dict]) -> dict[str, int]:
    """Number of threads anchored to each indicator, from thread summaries."""
    count: dict[str, int] = {}
    for thread in threads:
        if thread["anchor_type"] == "indicator" and thread["anchor"]:
            count[thread["anchor"]] = count.get(thread["anchor"], 0) + 1
    return count


class DiscussionSpace:
    """``DiscussionSpace("login")``: what this user may see and do. An unknown login sees nothing.

    ``workspace``: whose store and territories (``Workspace.discussions(login)`` passes itself).
    """

    def __init__(self, login: str | None, *, workspace: ExchangeContext):
        self.workspace = workspace
        self.store = self.workspace.store
        self.login = (login or "").strip() or None

    @property
    def authorisation(self) -> Authorisation:
        """This user's rights as the store holds them now (read again at every access)."""
        return self.workspace.authorisation(self.login)

    @property
    def user_id(self) -> int | None:
        return self.authorisation.user_id

    @property
    def authenticated(self) -> bool:
        """A known user with at least one active role today."""
        return self.authorisation.authenticated

    def _code(self, territory: str) -> str:
        return self.workspace.territory(territory).code

    # -- reading ----------------------------------------------------------------------------

    def _thread(self, s, thread_id: int, rights: Authorisation) -> Thread:
        thread = s.get(Thread, thread_id)
        if thread is None or not rights.can_read_thread(thread.id, thread.territory, thread.visibility):
            raise AccessDenied("Discussion introuvable ou non accessible.")  # same answer: nothing leaks
        return thread

    def _summary(self, s, thread: Thread, user_id: int | None, admin: bool = False) -> dict:
        n = s.scalar(select(func.count(Message.id)).where(Message.thread_id == thread.id, Message.deleted_at.is_(None)))
        file_read = s.get(ReadMark, (user_id, thread.id)) if user_id else None
        unread = s.scalar(
            select(func.count(Message.id)).where(
                Message.thread_id == thread.id,
                Message.deleted_at.is_(None),
                Message.author_id != user_id,
                Message.id > (file_read.last_message_id if file_read else 0),
            )
        )
        return {
            "id": thread.id,
            "territory": thread.territory,
            "title": thread.title,
            "visibility": thread.visibility,
            "visibility_label": VISIBILITY_LABELS[thread.visibility],
            "anchor_type": thread.anchor_type,
            "anchor": thread.anchor,
            "theme": thread.theme,
            "solution": thread.solution,
            "author": thread.author.login if admin else None,  # logins reach administrators only
            "author_name": thread.author.shown_name,
            "created_at": iso(thread.created_at),
            "active_at": iso(thread.active_at),
            "messages": n,
            "unread": unread,
        }

    @staticmethod
    def _readable(rights: Authorisation, code: str) -> tuple[ColumnElement[bool] | None, tuple[str, ...]]:
        """The SQL condition of the threads of ``code`` this user may read (``None``: none),
        and the visibilities they read there by their roles."""
        readable = tuple(v for v in VISIBILITIES if rights.can_read(code, v))
        invited = sorted(rights.invited_threads)
        if not readable and not invited:
            return None, readable
        condition: ColumnElement[bool] = Thread.visibility.in_(readable)
        if invited:
            condition = or_(condition, and_(Thread.id.in_(invited), Thread.visibility == "partenaires"))
        return and_(Thread.territory == code, condition), readable

    def threads(self, territory: str) -> list[dict]:
        """Threads of a territory this user may read (by role, or invited), most recently active first."""
        rights = self.authorisation
        code = self._code(territory)
        condition, _visibilities = self._readable(rights, code)
        if condition is None:
            return []
        with self.store.session() as s:
            threads = s.scalars(select(Thread).where(condition).order_by(Thread.active_at.desc(), Thread.id.desc()))
            return [self._summary(s, f, rights.user_id, rights.admin) for f in threads]

    def solutions(self, theme: str | None = None) -> list[dict]:
        """Shared solutions (visibility ``every``) of every territory."""
        rights = self.authorisation
        if not rights.authenticated:
            return []
        with self.store.session() as s:
            query = select(Thread).where(Thread.visibility == "tous", Thread.solution.is_(True))
            if theme:
                query = query.where(Thread.theme == theme)
            return [
                self._summary(s, f, rights.user_id, rights.admin)
                for f in s.scalars(query.order_by(Thread.active_at.desc()))
            ]

    def messages(self, thread_id: int) -> list[dict]:
        rights = self.authorisation
        with self.store.session() as s:
            thread = self._thread(s, thread_id, rights)
            output = []
            for m in thread.messages:
                deleted = m.deleted_at is not None
                output.append(
                    {
                        "id": m.id,
                        "thread": thread.id,
                        "author": m.author.login if rights.admin else None,
                        "author_name": m.author.shown_name,
                        "organisation": m.author.organisation.name if m.author.organisation else None,
                        # written for a company or consultancy of the directory (an organisation with a SIREN)
                        "actor": bool(m.author.organisation is not None and m.author.organisation.siren),
                        "created_at": iso(m.created_at),
                        "edited_at": iso(m.edited_at),
                        "deleted": deleted,
                        "text": "" if deleted else m.text,
                        "html": DELETED_HTML if deleted else m.html,
                        "editable": not deleted and rights.can_edit(m.author_id),
                        "deletable": not deleted and rights.can_delete(m.author_id),
                    }
                )
            return output

    def history(self, message_id: int) -> list[dict]:
        """Earlier versions of a message; none once it is deleted (its history goes with it),
        except for the moderators."""
        rights = self.authorisation
        with self.store.session() as s:
            message = self._message(s, message_id, rights)
            if message.deleted_at is not None and not rights.can_moderate():
                return []
            revisions = s.scalars(select(Revision).where(Revision.message_id == message_id).order_by(Revision.id))
            return [{"date": iso(r.date), "html": r.html} for r in revisions]

    def anchors(self, territory: str, threads: list[dict] | None = None) -> dict[str, int]:
        """Number of readable threads anchored to each indicator of a territory
        (``threads``: the result of ``fils(territoire)`` when the caller already has it)."""
        return count_anchors(self.threads(territory) if threads is None else threads)

    def unread(self, territory: str) -> int:
        return sum(f["unread"] for f in self.threads(territory))

    def version(self, territory: str) -> tuple:
        """Changes whenever something this user may read on the territory changes (cheap
        polling); activity on threads they may not read leaves it unchanged."""
        rights = self.authorisation
        code = self._code(territory)
        condition, readable = self._readable(rights, code)
        if condition is None:
            return ()
        with self.store.session() as s:
            return tuple(
                s.execute(
                    select(
                        func.count(Message.id),
                        func.max(Message.id),
                        func.max(Message.edited_at),
                        func.max(Message.deleted_at),
                        func.max(Thread.id),
                    )
                    .select_from(Thread)
                    .join(Message, Message.thread_id == Thread.id, isouter=True)
                    .where(condition)
                ).one()
            ) + (readable, tuple(sorted(rights.invited_threads)))

    def visibilities(self, territory: str) -> list[str]:
        return self.authorisation.visibilities(self._code(territory))

    # -- writing ----------------------------------------------------------------------------

    def _limit(self, s, user_id: int | None) -> None:
        """Posts and edits together: at most ``TERRITOIRE_MESSAGE_LIMIT`` per period."""
        number, seconds = self.workspace.settings.message_limit
        if s.bind.dialect.name == "postgresql":  # one writer per user at a time: the count below holds
            s.execute(text("SELECT pg_advisory_xact_lock(:u)"), {"u": user_id})
        since = now() - timedelta(seconds=seconds)
        posted = s.scalar(
            select(func.count(Message.id)).where(Message.author_id == user_id, Message.created_at > since)
        )
        edited = s.scalar(
            select(func.count(Revision.id))
            .join(Message, Message.id == Revision.message_id)
            .where(Message.author_id == user_id, Revision.date > since)
        )
        if posted + edited >= number:
            raise AccessDenied(
                f"Trop de messages ou de modifications : {number} au plus en {seconds} s. Réessayez dans un instant."
            )

    def _post(self, s, thread: Thread, content: str, user_id: int | None) -> int:
        self._limit(s, user_id)
        cleaned = clean(content)
        message = Message(thread_id=thread.id, author_id=user_id, text=cleaned, html=to_html(cleaned))
        s.add(message)
        thread.active_at = now()
        s.flush()
        return message.id

    def create_thread(
        self,
        territory: str,
        title: str,
        content: str,
        visibility: str,
        *,
        anchor_type: str | None = None,
        anchor: str | None = None,
        theme: str | None = None,
        solution: bool = False,
    ) -> int:
        code = self._code(territory)
        if visibility not in VISIBILITIES:
            raise TerritoireError(f"Visibilité inconnue : « {visibility} » ({', '.join(VISIBILITIES)}).")
        rights = self.authorisation
        rights.require(
            rights.can_create(code, visibility),
            f"Vous ne pouvez pas publier avec la visibilité « {visibility} » sur {code}.",
        )
        if theme is not None and theme not in THEMES:
            raise TerritoireError(f"Thème inconnu : « {theme} » ({', '.join(THEMES)}).")
        if anchor_type is not None and anchor_type not in ANCHOR_TYPES:
            raise TerritoireError(f"Type d'ancre inconnu : « {anchor_type} ».")
        with self.store.session() as s:
            thread = Thread(
                territory=code,
                title=clean_title(title),
                visibility=visibility,
                anchor_type=anchor_type,
                anchor=None if anchor is None else clean(anchor, maximum=200, what="L'ancre"),
                theme=theme,
                solution=bool(solution) and visibility == "tous",
                author_id=rights.user_id,
            )
            s.add(thread)
            s.flush()
            self._post(s, thread, content, rights.user_id)
            return thread.id

    def reply(self, thread_id: int, content: str) -> int:
        rights = self.authorisation
        with self.store.session() as s:
            thread = self._thread(s, thread_id, rights)
            # ``_thread`` checked the reading right (role or invitation): whoever reads may reply.
            message_id = self._post(s, thread, content, rights.user_id)
            self._tell_participants(s, thread, rights.user_id)
            return message_id

    def _tell_participants(self, s, thread: Thread, author_id: int | None) -> None:
        """Tell the thread's other participants (its authors, the users of invited
        organisations) who may still read it that someone replied. The message itself is never
        in a notification; for an ``elus`` thread the e-mail names neither thread nor author."""
        from territoire_data.access import rights_of
        from territoire_data.access.users import account_in
        from territoire_data.notifications.outbox import notify

        ids = set(s.scalars(select(Message.author_id).where(Message.thread_id == thread.id)))
        ids |= set(
            s.scalars(
                select(User.id)
                .join(Invitation, Invitation.organisation_id == User.organisation_id)
                .where(Invitation.thread_id == thread.id, Invitation.status == "accepted")
            )
        )
        ids.discard(author_id)
        if not ids:
            return
        recipients = [
            user
            for user in s.scalars(select(User).where(User.id.in_(ids)))
            if rights_of(self.workspace, account_in(s, user)).can_read_thread(
                thread.id, thread.territory, thread.visibility
            )
        ]
        name = self.workspace.territory(thread.territory).name
        text = f"{s.get(User, author_id).shown_name} a répondu dans « {thread.title} » ({name})."
        mail = (
            f"Nouveau message dans une discussion réservée aux élus et services de {name}."
            if thread.visibility == "elus"
            else text
        )
        notify(
            s,
            recipients,
            "reply",
            text,
            mail_text=mail,
            territory=thread.territory,
            thread_id=thread.id,
            actor_id=author_id,
        )

    def _message(self, s, message_id: int, rights: Authorisation) -> Message:
        message = s.get(Message, message_id)
        try:
            if message is None:
                raise AccessDenied("")
            self._thread(s, message.thread_id, rights)
        except AccessDenied:
            raise AccessDenied("Message introuvable ou non accessible.") from None  # same answer: nothing leaks
        return message

    def edit(self, message_id: int, content: str) -> None:
        """Replace a message's text (its author only), keeping the earlier version; counted in
        the rate limit, at most ``MAX_REVISIONS`` earlier versions per message."""
        rights = self.authorisation
        with self.store.session() as s:
            message = self._message(s, message_id, rights)
            rights.require(
                rights.can_edit(message.author_id) and message.deleted_at is None,
                "Seul l'auteur peut modifier son message.",
            )
            cleaned = clean(content)
            if cleaned == message.text:
                return
            self._limit(s, rights.user_id)
            kept = s.scalar(select(func.count(Revision.id)).where(Revision.message_id == message.id))
            if kept >= MAX_REVISIONS:
                raise AccessDenied(f"Ce message a déjà été modifié {MAX_REVISIONS} fois : publiez plutôt une réponse.")
            s.add(Revision(message_id=message.id, text=message.text, html=message.html))
            message.text, message.html, message.edited_at = cleaned, to_html(cleaned), now()

    def delete(self, message_id: int) -> None:
        rights = self.authorisation
        with self.store.session() as s:
            message = self._message(s, message_id, rights)
            rights.require(
                rights.can_delete(message.author_id),
                "Seuls l'auteur et les administrateurs peuvent supprimer ce message.",
            )
            if message.deleted_at is None:
                message.deleted_at, message.deleted_by_id = now(), rights.user_id

    def flag(self, message_id: int, pattern: str) -> None:
        rights = self.authorisation
        rights.require(rights.authenticated, "Message introuvable ou non accessible.")
        with self.store.session() as s:
            message = self._message(s, message_id, rights)
            already = s.scalar(select(Flag).where(Flag.message_id == message.id, Flag.user_id == rights.user_id))
            if already is None:
                s.add(
                    Flag(
                        message_id=message.id,
                        user_id=rights.user_id,
                        reason=clean(pattern, maximum=2_000, what="Le motif"),
                    )
                )

    def flags(self) -> list[dict]:
        rights = self.authorisation
        rights.require(rights.can_moderate(), "Réservé aux modérateurs.")
        with self.store.session() as s:
            return [
                {"id": r.id, "message": r.message_id, "reason": r.reason, "handled": r.handled}
                for r in s.scalars(select(Flag).order_by(Flag.id))
            ]

    def mark_read(self, thread_id: int) -> None:
        rights = self.authorisation
        with self.store.session() as s:
            thread = self._thread(s, thread_id, rights)
            last = s.scalar(select(func.max(Message.id)).where(Message.thread_id == thread.id)) or 0
            reading = s.get(ReadMark, (rights.user_id, thread.id))
            if reading is None:
                s.add(ReadMark(user_id=rights.user_id, thread_id=thread.id, last_message_id=last))
            else:
                reading.last_message_id = max(reading.last_message_id, last)
