"""Ranking indexes also cover processed_videos, so deep ranking pages skip rows inside the index.

Revision ID: 0002_covering_ranking_indexes
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_covering_ranking_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

COUNTERS = ("total", "public", "jury")


def _columns(counter: str, with_city: bool, covering: bool) -> list:
    columns = [sa.literal_column(f"{counter}_votes DESC"), "id"]
    if with_city:
        columns.insert(0, "city")
    if covering:
        columns.append("processed_videos")
    return columns


def _rebuild(covering: bool) -> None:
    for counter in COUNTERS:
        for with_city in (False, True):
            name = f"ix_users_{'city_' if with_city else ''}rank_{counter}"
            op.drop_index(name, table_name="users")
            op.create_index(name, "users", _columns(counter, with_city, covering))


def upgrade():
    _rebuild(covering=True)


def downgrade():
    _rebuild(covering=False)
