"""Pairs of words in the search index: two words found together in a title or a name become one index
range, so a search of two words never walks all of one word's videos to find the few that hold the other.

The term column widens to hold two words; the back-fill rewrites the index with the application's own
terms (anb.search), in the migration's transaction.

Revision ID: 0009_search_pairs
Revises: 0008_search_terms
"""

import sqlalchemy as sa
from alembic import op

from anb.search import reindex

revision = "0009_search_pairs"
down_revision = "0008_search_terms"
branch_labels = None
depends_on = None

#: Word fields are 1 (title) and 2 (name); their pairs 3 and 4 (anb.models.TermField.pairs).
PAIR_FIELDS = (3, 4)


def upgrade():
    op.alter_column("search_terms", "term", existing_nullable=False,
                    existing_type=sa.String(32, collation="utf8mb4_bin"),
                    type_=sa.String(65, collation="utf8mb4_bin"))
    reindex(op.get_bind(), commit=False)


def downgrade():
    op.execute(sa.text("DELETE FROM search_terms WHERE field IN :fields")
               .bindparams(sa.bindparam("fields", PAIR_FIELDS, expanding=True)))
    op.alter_column("search_terms", "term", existing_nullable=False,
                    existing_type=sa.String(65, collation="utf8mb4_bin"),
                    type_=sa.String(32, collation="utf8mb4_bin"))
