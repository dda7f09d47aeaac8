"""Initial schema of the discussion store.

Revision ID: 0001
Revises:
Create Date: 2026-11-30 15:21:14.722986
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nom", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nom"),
    )
    op.create_table(
        "utilisateurs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "fils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territoire", sa.String(length=40), nullable=False),
        sa.Column("titre", sa.String(length=200), nullable=False),
        sa.Column("visibilite", sa.String(length=20), nullable=False),
        sa.Column("ancre_type", sa.String(length=20), nullable=True),
        sa.Column("ancre", sa.String(length=200), nullable=True),
        sa.Column("theme", sa.String(length=40), nullable=True),
        sa.Column("solution", sa.Boolean(), nullable=False),
        sa.Column("auteur_id", sa.Integer(), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actif_le", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["auteur_id"],
            ["utilisateurs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fils", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fils_territoire"), ["territoire"], unique=False)

    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("territoire", sa.String(length=40), nullable=False),
        sa.Column("debut", sa.Date(), nullable=True),
        sa.Column("fin", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["utilisateur_id"], ["utilisateurs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("utilisateur_id", "role", "territoire", name="uq_role"),
    )
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roles_utilisateur_id"), ["utilisateur_id"], unique=False)

    op.create_table(
        "lectures",
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("fil_id", sa.Integer(), nullable=False),
        sa.Column("dernier_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["fil_id"], ["fils.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["utilisateur_id"], ["utilisateurs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("utilisateur_id", "fil_id"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fil_id", sa.Integer(), nullable=False),
        sa.Column("auteur_id", sa.Integer(), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("cree_le", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modifie_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supprime_le", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supprime_par_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["auteur_id"],
            ["utilisateurs.id"],
        ),
        sa.ForeignKeyConstraint(["fil_id"], ["fils.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["supprime_par_id"],
            ["utilisateurs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_auteur_date", ["auteur_id", "cree_le"], unique=False)
        batch_op.create_index("ix_messages_fil", ["fil_id", "id"], unique=False)

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("texte", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revisions_message_id"), ["message_id"], unique=False)

    op.create_table(
        "signalements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("utilisateur_id", sa.Integer(), nullable=False),
        sa.Column("motif", sa.Text(), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("traite", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["utilisateur_id"],
            ["utilisateurs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", "utilisateur_id", name="uq_signalement"),
    )
    with op.batch_alter_table("signalements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signalements_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signalements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signalements_message_id"))

    op.drop_table("signalements")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revisions_message_id"))

    op.drop_table("revisions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_fil")
        batch_op.drop_index("ix_messages_auteur_date")

    op.drop_table("messages")
    op.drop_table("lectures")
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roles_utilisateur_id"))

    op.drop_table("roles")
    with op.batch_alter_table("fils", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fils_territoire"))

    op.drop_table("fils")
    op.drop_table("utilisateurs")
    op.drop_table("organisations")
