"""Mise en relation: actor profiles, access requests, invitations and notifications.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("siren", sa.String(9), nullable=True))
        batch.add_column(sa.Column("naf", sa.String(6), nullable=True))
        batch.add_column(sa.Column("size_band", sa.String(2), nullable=True))
        batch.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch.add_column(sa.Column("tags", sa.String(500), nullable=True))
        batch.add_column(sa.Column("website", sa.String(300), nullable=True))
        batch.add_column(sa.Column("contact_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("contact_email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("contact_phone", sa.String(30), nullable=True))
        batch.add_column(sa.Column("listed_at", TZ, nullable=True))
        batch.add_column(sa.Column("updated_at", TZ, nullable=True))
        batch.create_unique_constraint("uq_organisations_siren", ["siren"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("notification_mode", sa.String(10), nullable=False, server_default="immediate"))
        batch.add_column(sa.Column("digest_at", TZ, nullable=True))
    op.create_table(
        "organisation_themes",
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("theme", sa.String(40), primary_key=True),
    )
    op.create_table(
        "organisation_territories",
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("territory", sa.String(40), primary_key=True),
    )
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="SET NULL")),
        sa.Column("territory", sa.String(40), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("end", sa.Date()),
        sa.Column("reason", sa.Text()),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_at", TZ),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
    )
    op.create_index("ix_access_requests_user_id", "access_requests", ["user_id"])
    op.create_index("ix_access_requests_territory", "access_requests", ["territory"])
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("access_requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("date", TZ, nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("note", sa.Text()),
    )
    op.create_index("ix_request_events_request_id", "request_events", ["request_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("invited_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_at", TZ),
        sa.UniqueConstraint("thread_id", "organisation_id", name="uq_invitation"),
    )
    op.create_index("ix_invitations_thread_id", "invitations", ["thread_id"])
    op.create_index("ix_invitations_organisation_id", "invitations", ["organisation_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("territory", sa.String(40)),
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("threads.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("mail_text", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("read_at", TZ),
        sa.Column("mail_state", sa.String(10), nullable=False),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("mail_next_at", TZ),
        sa.Column("mail_error", sa.Text()),
        sa.Column("mailed_at", TZ),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "id"])
    op.create_index("ix_notifications_mail", "notifications", ["mail_state", "mail_next_at"])


def downgrade() -> None:
    for table in ("notifications", "invitations", "request_events", "access_requests"):
        op.drop_table(table)
    op.drop_table("organisation_territories")
    op.drop_table("organisation_themes")
    with op.batch_alter_table("users") as batch:
        for column in ("digest_at", "notification_mode", "email"):
            batch.drop_column(column)
    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint("uq_organisations_siren", type_="unique")
        for column in (
            "updated_at",
            "listed_at",
            "contact_phone",
            "contact_email",
            "contact_name",
            "website",
            "tags",
            "description",
            "size_band",
            "naf",
            "siren",
        ):
            batch.drop_column(column)
