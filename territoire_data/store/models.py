"""Tables of the store (SQLAlchemy 2 declarative models): users, roles, organisations,
discussion threads and messages. Physical names are English since revision 0002."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))  # « Marie Dupont », shown instead of the login
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    organisation: Mapped[Organisation | None] = relationship()
    roles: Mapped[list[Role]] = relationship(back_populates="user", cascade="all, delete-orphan")


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
