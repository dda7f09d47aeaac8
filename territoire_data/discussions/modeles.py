"""Tables of the discussion store (SQLAlchemy 2 declarative models)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("elu", "agent", "entreprise", "consultant", "admin")
ROLES_COLLECTIVITE = ("elu", "agent")        # the territory's own people
ROLES_PARTENAIRES = ("entreprise", "consultant")
VISIBILITES = ("elus", "partenaires", "tous")
LIBELLES_VISIBILITE = {"elus": "élus et services du territoire", "partenaires": "élus, services et partenaires admis",
                       "tous": "tous les utilisateurs (solution partagée)"}


def maintenant() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    nom: Mapped[str] = mapped_column(String(200), unique=True)


class Utilisateur(Base):
    __tablename__ = "utilisateurs"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    cree_le: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=maintenant)
    organisation: Mapped[Organisation | None] = relationship()
    roles: Mapped[list["Role"]] = relationship(back_populates="utilisateur", cascade="all, delete-orphan")


class Role(Base):
    """A role on a territory (``33063``, ``epci:…``, ``dep:…``, ``reg:…``, ``france``), possibly dated."""

    __tablename__ = "roles"
    id: Mapped[int] = mapped_column(primary_key=True)
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateurs.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    territoire: Mapped[str] = mapped_column(String(40))
    debut: Mapped[date | None] = mapped_column(Date)
    fin: Mapped[date | None] = mapped_column(Date)  # partner subscriptions end; inclusive
    utilisateur: Mapped[Utilisateur] = relationship(back_populates="roles")
    __table_args__ = (UniqueConstraint("utilisateur_id", "role", "territoire", name="uq_role"),)


class Fil(Base):
    """A thread on a territory, optionally anchored to an indicator or a map feature/parcel."""

    __tablename__ = "fils"
    id: Mapped[int] = mapped_column(primary_key=True)
    territoire: Mapped[str] = mapped_column(String(40), index=True)
    titre: Mapped[str] = mapped_column(String(200))
    visibilite: Mapped[str] = mapped_column(String(20))
    ancre_type: Mapped[str | None] = mapped_column(String(20))   # indicateur, parcelle, entite
    ancre: Mapped[str | None] = mapped_column(String(200))
    theme: Mapped[str | None] = mapped_column(String(40))
    solution: Mapped[bool] = mapped_column(Boolean, default=False)
    auteur_id: Mapped[int] = mapped_column(ForeignKey("utilisateurs.id"))
    cree_le: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=maintenant)
    actif_le: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=maintenant)
    auteur: Mapped[Utilisateur] = relationship()
    messages: Mapped[list["Message"]] = relationship(back_populates="fil", order_by="Message.id")


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    fil_id: Mapped[int] = mapped_column(ForeignKey("fils.id", ondelete="CASCADE"))
    auteur_id: Mapped[int] = mapped_column(ForeignKey("utilisateurs.id"))
    texte: Mapped[str] = mapped_column(Text)        # as written (Markdown)
    html: Mapped[str] = mapped_column(Text)         # sanitised rendering: the only thing displayed
    cree_le: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=maintenant)
    modifie_le: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supprime_le: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supprime_par_id: Mapped[int | None] = mapped_column(ForeignKey("utilisateurs.id"))
    fil: Mapped[Fil] = relationship(back_populates="messages")
    auteur: Mapped[Utilisateur] = relationship(foreign_keys=[auteur_id])
    __table_args__ = (Index("ix_messages_fil", "fil_id", "id"), Index("ix_messages_auteur_date", "auteur_id", "cree_le"))


class Revision(Base):
    """A message's earlier versions (edit history)."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    texte: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=maintenant)


class Signalement(Base):
    __tablename__ = "signalements"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateurs.id"))
    motif: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=maintenant)
    traite: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (UniqueConstraint("message_id", "utilisateur_id", name="uq_signalement"),)


class Lecture(Base):
    """Up to which message a user has read a thread (unread counts)."""

    __tablename__ = "lectures"
    utilisateur_id: Mapped[int] = mapped_column(ForeignKey("utilisateurs.id", ondelete="CASCADE"), primary_key=True)
    fil_id: Mapped[int] = mapped_column(ForeignKey("fils.id", ondelete="CASCADE"), primary_key=True)
    dernier_message_id: Mapped[int] = mapped_column(Integer, default=0)
