"""Tables of the store (SQLAlchemy 2 declarative models): users, roles, organisations and
their actor profiles, discussion threads and messages, access requests, invitations and
notifications, and the triennial report's local corrections (revision 0006). Physical names
are English since revision 0002."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("elu", "agent", "entreprise", "consultant", "admin")
AUTHORITY_ROLES = ("elu", "agent")  # the territory's own people
PARTNER_ROLES = ("entreprise", "consultant")
VISIBILITIES = ("elus", "partenaires", "tous")
VISIBILITY_LABELS = {
    "elus": "élus et services du territoire",
    "partenaires": "élus, services et partenaires admis",
    "tous": "tous les utilisateurs (solution partagée)",
}


def now() -> datetime:
    return datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    """A stored moment as UTC (SQLite gives back naive datetimes, written in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, for JSON answers."""
    return None if moment is None else utc(moment).isoformat()


class Base(DeclarativeBase):
    pass


REQUEST_STATES = ("pending", "approved", "refused", "withdrawn", "expired")
INVITATION_STATES = ("pending", "accepted", "declined")
NOTIFICATION_MODES = ("immediate", "daily", "none")


class Organisation(Base):
    """A collectivité or an actor (company, consultancy); an actor has a profile in the
    directory once ``listed_at`` is set (revision 0004)."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # A SIREN is a claim until verified (revision 0005): several organisations may claim one,
    # only one holds it verified (a partial unique index), and only a verified one is admitted.
    siren: Mapped[str | None] = mapped_column(String(9), index=True)
    siren_status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    siren_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    siren_checked_by: Mapped[str | None] = mapped_column(String(60))  # « administrateur admin », « Sirene »
    naf: Mapped[str | None] = mapped_column(String(6))  # « 43.22A »
    size_band: Mapped[str | None] = mapped_column(String(2))  # INSEE's tranche d'effectif code
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(String(500))  # free tags, comma separated
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    listed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    themes: Mapped[list[OrganisationTheme]] = relationship(cascade="all, delete-orphan")
    territories: Mapped[list[OrganisationTerritory]] = relationship(cascade="all, delete-orphan")
    __table_args__ = (
        Index(
            "uq_organisations_siren_verified",
            "siren",
            unique=True,
            sqlite_where=text("siren_status = 'verified'"),
            postgresql_where=text("siren_status = 'verified'"),
        ),
    )


class OrganisationTheme(Base):
    """A theme (of the nine) an actor offers solutions in."""

    __tablename__ = "organisation_themes"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True)


class OrganisationTerritory(Base):
    """A territory an actor serves (commune, ``epci:…``, ``dep:…``, ``reg:…``)."""

    __tablename__ = "organisation_territories"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    territory: Mapped[str] = mapped_column(String(40), primary_key=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))  # « Marie Dupont », shown instead of the login
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    email: Mapped[str | None] = mapped_column(String(254))  # notifications only
    notification_mode: Mapped[str] = mapped_column(String(10), default="immediate", server_default="immediate")
    digest_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last daily digest sent
    organisation: Mapped[Organisation | None] = relationship()
    roles: Mapped[list[Role]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def shown_name(self) -> str:
        """What readers see of someone: their name, else their organisation's member, else a
        number — never their login, which may be an e-mail address (the deployments' username
        claim); only administrators see logins."""
        if self.name:
            return self.name
        if self.organisation is not None:
            return f"Membre de {self.organisation.name}"
        return f"Utilisateur n° {self.id}"


class Role(Base):
    """A role on a territory (``33063``, ``epci:…``, ``dep:…``, ``reg:…``, ``france``), possibly dated."""

    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    territory: Mapped[str] = mapped_column(String(40))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)  # partner subscriptions end; inclusive
    user: Mapped[User] = relationship(back_populates="roles")
    __table_args__ = (UniqueConstraint("user_id", "role", "territory", name="uq_role"),)


class Thread(Base):
    """A thread on a territory, optionally anchored to an indicator or a map feature/parcel."""

    __tablename__ = "threads"
    id: Mapped[int] = mapped_column(primary_key=True)
    territory: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    visibility: Mapped[str] = mapped_column(String(20))
    anchor_type: Mapped[str | None] = mapped_column(String(20))  # indicateur, parcelle, entite (values)
    anchor: Mapped[str | None] = mapped_column(String(200))
    theme: Mapped[str | None] = mapped_column(String(40))
    solution: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    author: Mapped[User] = relationship()
    messages: Mapped[list[Message]] = relationship(back_populates="thread", order_by="Message.id")


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)  # as written (Markdown)
    html: Mapped[str] = mapped_column(Text)  # sanitised rendering: the only thing displayed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    thread: Mapped[Thread] = relationship(back_populates="messages")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    __table_args__ = (
        Index("ix_messages_thread", "thread_id", "id"),
        Index("ix_messages_author_date", "author_id", "created_at"),
    )


class Revision(Base):
    """A message's earlier versions (edit history)."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Flag(Base):
    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("message_id", "user_id", name="uq_flag"),)


class ReadMark(Base):
    """Up to which message a user has read a thread (unread counts)."""

    __tablename__ = "read_marks"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    last_message_id: Mapped[int] = mapped_column(Integer, default=0)


class AccessRequest(Base):
    """An actor's request to join a territory as partner; approval gives a dated role."""

    __tablename__ = "access_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    territory: Mapped[str] = mapped_column(String(40), index=True)
    role: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")  # stored: pending, approved, refused, withdrawn
    end: Mapped[date | None] = mapped_column(Date)  # the subscription granted, inclusive
    reason: Mapped[str | None] = mapped_column(Text)  # why it was refused (told to the requester)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(
        cascade="all, delete-orphan", order_by="RequestEvent.id", back_populates="request"
    )


class RequestEvent(Base):
    """One step of a request's history (made, approved, refused, withdrawn)."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("access_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    request: Mapped[AccessRequest] = relationship(back_populates="events")


class Invitation(Base):
    """An actor of the directory invited into a ``partenaires`` thread."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    thread: Mapped[Thread] = relationship()
    organisation: Mapped[Organisation] = relationship()
    __table_args__ = (UniqueConstraint("thread_id", "organisation_id", name="uq_invitation"),)


class RequestRefusal(Base):
    """A refused access request as an anonymous record (revision 0005): the organisation's
    SIREN, the territory and the date, kept when the requester erases their account so that
    the cool-down after a refusal holds for the organisation, whoever asks again."""

    __tablename__ = "request_refusals"
    id: Mapped[int] = mapped_column(primary_key=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    territory: Mapped[str] = mapped_column(String(40))
    refused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Notification(Base):
    """Something a user should know (a request, a decision, an invitation, a reply), shown in
    the dashboard and sent by e-mail according to the user's choice. ``text`` stays in the
    platform; ``mail_text`` is what may leave it (never the content of an ``elus`` thread)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    territory: Mapped[str | None] = mapped_column(String(40))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    mail_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mail_state: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, failed, none
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mail_next_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mail_error: Mapped[str | None] = mapped_column(Text)
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who caused it (revision 0005): their erasure anonymises what it says of them.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The access request it tells of (revision 0005): erased with the request and its text.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("access_requests.id", ondelete="CASCADE"))
    __table_args__ = (
        Index("ix_notifications_user", "user_id", "id"),
        Index("ix_notifications_mail", "mail_state", "mail_next_at"),
    )


class ReportCorrection(Base):
    """A national figure of the triennial report replaced by a local one (revision 0006),
    entered in the dashboard by an élu or agent of the territory: the value, its source and
    reason, who entered it and when. ``year`` is 0 for the figures without a year (the area,
    the territory's own target), so that one row holds per territory, indicator and year.
    An erased author stays a « Compte supprimé » user: the trace keeps its date."""

    __tablename__ = "report_corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    territory: Mapped[str] = mapped_column(String(40))
    indicator: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    author: Mapped[User | None] = relationship()
    __table_args__ = (UniqueConstraint("territory", "indicator", "year", name="uq_report_correction"),)
