"""Triennial report: local corrections entered in the dashboard.

- ``report_corrections``: a national figure of the triennial artificialisation report replaced
  by a local one (territory, indicator, year — 0 for the figures without one —, value, source,
  reason), with who entered it (``author_id``, kept as « Compte supprimé » once the author
  erases their account) and when. One row per territory, indicator and year.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("territory", sa.String(40), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("territory", "indicator", "year", name="uq_report_correction"),
    )


def downgrade() -> None:
    op.drop_table("report_corrections")
