"""Fans and players: poster frames, catalogue search and sort, player pages, the frozen final ranking.

Revision ID: 0006_fans_players
Revises: 0005_video_events
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0006_fans_players"
down_revision = "0005_video_events"
branch_labels = None
depends_on = None

CITY_COLLATION = "utf8mb4_unicode_ci"


def upgrade():
    op.add_column("videos", sa.Column("poster_key", sa.String(255), nullable=True))
    op.create_index("ix_videos_status_votes", "videos",
                    ["status", sa.literal_column("votes_count DESC"), "id"])
    op.create_index("ix_videos_owner_status_processed", "videos", ["owner_id", "status", "processed_at"])
    op.create_index("ix_videos_title_ft", "videos", ["title"], mysql_prefix="FULLTEXT")
    op.create_index("ix_users_name_ft", "users", ["first_name", "last_name"], mysql_prefix="FULLTEXT")
    op.create_table(
        "ranking_snapshots",
        sa.Column("voter", sa.String(10), nullable=False),
        sa.Column("scope", sa.String(120, collation=CITY_COLLATION), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), "mysql", "mariadb"), nullable=False),
        sa.Column("username", sa.String(201), nullable=False),
        sa.Column("city", sa.String(120, collation=CITY_COLLATION), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("voter", "scope", "position", name="pk_ranking_snapshots"),
        mysql_charset="utf8mb4", mysql_collate="utf8mb4_unicode_ci",
    )
    op.create_index("ix_ranking_snapshots_user", "ranking_snapshots", ["user_id", "voter", "scope"])


def downgrade():
    op.drop_table("ranking_snapshots")
    op.drop_index("ix_users_name_ft", table_name="users")
    op.drop_index("ix_videos_title_ft", table_name="videos")
    op.drop_index("ix_videos_owner_status_processed", table_name="videos")
    op.drop_index("ix_videos_status_votes", table_name="videos")
    op.drop_column("videos", "poster_key")
