"""Exchange space, round two: what erasure must reach, and cool-downs kept per organisation.

- ``notifications.actor_id`` (who caused a notification) and ``notifications.request_id``
  (the request it tells of): erasing an account anonymises or removes what others were told
  of that person;
- ``request_refusals``: refusals kept as anonymous records (SIREN, territory, date), so the
  cool-down after a refusal holds for the organisation, even once the requester erased
  their account;
- ``organisations.siren_status`` (``pending``, ``verified``, ``rejected``), with who checked it
  and when: a SIREN is a claim until an administrator or the Sirene lookup confirms it. The
  unique constraint on ``siren`` becomes a unique index over verified SIRENs only, so that a
  claim no longer locks the real company out. Profiles listed before this revision start
  pending like any claim: administrators confirm them (``territoire acteurs verifier``);
  partner accesses already granted stay.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("siren_status", sa.String(10), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("siren_checked_at", TZ, nullable=True))
        batch.add_column(sa.Column("siren_checked_by", sa.String(60), nullable=True))
        batch.drop_constraint("uq_organisations_siren", type_="unique")
    op.create_index("ix_organisations_siren", "organisations", ["siren"])
    op.create_index(
        "uq_organisations_siren_verified",
        "organisations",
        ["siren"],
        unique=True,
        sqlite_where=sa.text("siren_status = 'verified'"),
        postgresql_where=sa.text("siren_status = 'verified'"),
    )
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_notifications_actor", "users", ["actor_id"], ["id"], ondelete="SET NULL")
        batch.create_foreign_key(
            "fk_notifications_request", "access_requests", ["request_id"], ["id"], ondelete="CASCADE"
        )
    op.create_table(
        "request_refusals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("siren", sa.String(9), nullable=False),
        sa.Column("territory", sa.String(40), nullable=False),
        sa.Column("refused_at", TZ, nullable=False),
    )
    op.create_index("ix_request_refusals_siren", "request_refusals", ["siren"])


def downgrade() -> None:
    op.drop_index("ix_request_refusals_siren", table_name="request_refusals")
    op.drop_table("request_refusals")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("fk_notifications_request", type_="foreignkey")
        batch.drop_constraint("fk_notifications_actor", type_="foreignkey")
        batch.drop_column("request_id")
        batch.drop_column("actor_id")
    op.drop_index("uq_organisations_siren_verified", table_name="organisations")
    op.drop_index("ix_organisations_siren", table_name="organisations")
    # Claims that lost to a verified one give their SIREN up: the former constraint holds again.
    op.execute("UPDATE organisations SET siren = NULL WHERE siren_status = 'rejected'")
    with op.batch_alter_table("organisations") as batch:
        batch.create_unique_constraint("uq_organisations_siren", ["siren"])
        batch.drop_column("siren_checked_by")
        batch.drop_column("siren_checked_at")
        batch.drop_column("siren_status")
