"""Emails in one canonical form under a binary collation; a token generation per account.

The email column compared accent- and case-insensitively (utf8mb4_unicode_ci), so other spellings of an
address reached the same account (each with its own login-limit bucket) while a real, different mailbox
was refused as taken. Existing emails are rewritten to their canonical form (anb.security.canonical_email:
NFKC, case folded) and compared byte for byte from now on. ``token_version`` lets a password change (or a
ban) revoke every token issued before it (anb.security.revoke_tokens).

Revision ID: 0003_canonical_email
Revises: 0002_covering_ranking_indexes
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from anb.security import canonical_email

revision = "0003_canonical_email"
down_revision = "0002_covering_ranking_indexes"
branch_labels = None
depends_on = None

EMAIL = sa.String(length=254)


def _canonical_forms(connection) -> dict[int, str]:
    """Every account's canonical email, or a RuntimeError naming the accounts that cannot get one."""
    rows = connection.execute(sa.text("SELECT id, email FROM users")).all()
    forms, owners, unusable = {}, defaultdict(list), []
    for user_id, email in rows:
        try:
            forms[user_id] = canonical_email(email)
        except ValueError:
            unusable.append(user_id)
            continue
        owners[forms[user_id]].append(user_id)
    clashes = {email: ids for email, ids in owners.items() if len(ids) > 1}
    if unusable or clashes:
        raise RuntimeError(f"Fix these accounts by hand first: emails with invisible or control characters "
                           f"(ids {unusable}); emails that share one canonical form ({clashes}).")
    return forms


def upgrade():
    connection = op.get_bind()
    forms = _canonical_forms(connection)
    op.alter_column("users", "email", existing_type=EMAIL, existing_nullable=False,
                    type_=sa.String(length=254, collation="utf8mb4_bin"))
    for user_id, email in forms.items():
        connection.execute(sa.text("UPDATE users SET email = :email WHERE id = :id AND email <> :email"),
                           {"email": email, "id": user_id})
    op.add_column("users", sa.Column("token_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    op.drop_column("users", "token_version")
    op.alter_column("users", "email", existing_type=EMAIL, existing_nullable=False,
                    type_=sa.String(length=254, collation="utf8mb4_unicode_ci"))
