"""Recovery of stranded chains and of files left by a crash: videos.attempts and progress_at, and the
pending_deletions journal.

Revision ID: 0007_reliability
Revises: 0006_fans_players
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0007_reliability"
down_revision = "0006_fans_players"
branch_labels = None
depends_on = None

DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
ID = sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), "mysql", "mariadb")


def upgrade():
    with op.batch_alter_table("videos") as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("progress_at", DATETIME, nullable=True))
        batch_op.create_index("ix_videos_status_progress", ["status", "progress_at"], unique=False)
    op.execute("UPDATE videos SET progress_at = uploaded_at")
    op.create_table(
        "pending_deletions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("due_at", DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_deletions")),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_unicode_ci",
    )
    op.create_index("ix_pending_deletions_due_at", "pending_deletions", ["due_at"], unique=False)


def downgrade():
    op.drop_table("pending_deletions")
    with op.batch_alter_table("videos") as batch_op:
        batch_op.drop_index("ix_videos_status_progress")
        batch_op.drop_column("progress_at")
        batch_op.drop_column("attempts")
