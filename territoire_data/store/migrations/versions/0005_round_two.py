"""Exchange space, round two: what erasure must reach, and cool-downs kept per organisation.

- ``notifications.actor_id`` (who caused a notification) and ``notifications.request_id``
  (the request it tells of): erasing an account anonymises or removes what others were told
  of that person;
- ``request_refusals``: refusals kept as anonymous records (SIREN, territory, date), so the
  cool-down after a refusal holds for the organisation, even once the requester erased
  their account.

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
