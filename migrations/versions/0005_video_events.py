"""video_events: one row per attempt of each processing stage, for ``flask videos trace``.

Revision ID: 0005_video_events
Revises: 0004_fraud_admin
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0005_video_events"
down_revision = "0004_fraud_admin"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), "mariadb").with_variant(
    mysql.BIGINT(unsigned=True), "mysql")


def upgrade():
    op.create_table(
        "video_events",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("video_id", ID, nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.Column("started_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.Column("finished_at", mysql.DATETIME(fsp=6), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_events")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    op.create_index("ix_video_events_video", "video_events", ["video_id", "id"])
    op.create_index("ix_video_events_request_id", "video_events", ["request_id"])


def downgrade():
    op.drop_table("video_events")
