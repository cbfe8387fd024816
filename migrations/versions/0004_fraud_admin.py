"""Fraud controls and admin tooling: bans, one account per mailbox, takedowns, an audit trail,
and the vote indexes fraud review reads.

Revision ID: 0004_fraud_admin
Revises: 0003_canonical_email
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app
from sqlalchemy.dialects import mysql

revision = "0004_fraud_admin"
down_revision = "0003_canonical_email"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), "mariadb").with_variant(
    mysql.BIGINT(unsigned=True), "mysql")
STATUSES = ("uploaded", "processing", "processed", "failed")
TABLE_OPTIONS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def upgrade():
    op.add_column("users", sa.Column("mailbox_key", sa.String(254, collation="utf8mb4_bin"), nullable=True))
    op.add_column("users", sa.Column("banned_at", mysql.DATETIME(fsp=6), nullable=True))
    op.add_column("users", sa.Column("ban_reason", sa.String(500), nullable=True))
    _fill_mailbox_keys()
    op.create_unique_constraint("uq_users_mailbox_key", "users", ["mailbox_key"])
    op.alter_column("videos", "status", existing_nullable=False,
                    type_=sa.Enum(*STATUSES, "removed", name="video_status"))
    op.create_index("ix_users_created_at", "users", ["created_at"])
    op.create_index("ix_votes_created_at", "votes", ["created_at"])
    op.create_index("ix_votes_ip_created", "votes", ["ip_address", "created_at"])
    op.create_table(
        "admin_actions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("affected", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", mysql.DATETIME(fsp=6), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_admin_actions"),
        **TABLE_OPTIONS,
    )
    op.create_index("ix_admin_actions_created_at", "admin_actions", ["created_at"])


def _fill_mailbox_keys():
    """Existing accounts get their mailbox key (in one statement where the domain has no rule); where two
    already share a mailbox, the older account keeps the key."""
    from anb.auth.mailbox import mailbox_key

    connection = op.get_bind()
    rules = current_app.config["MAILBOX_RULES"]
    ruled = sa.bindparam("domains", list(rules), expanding=True)
    domain = "SUBSTRING_INDEX(email, '@', -1)"
    connection.execute(sa.text(f"UPDATE users SET mailbox_key = email WHERE {domain} NOT IN :domains")
                       .bindparams(ruled))
    taken = set(connection.execute(sa.text("SELECT mailbox_key FROM users WHERE mailbox_key IS NOT NULL"))
                .scalars())
    rows = connection.execute(sa.text(f"SELECT id, email FROM users WHERE {domain} IN :domains ORDER BY id")
                              .bindparams(ruled)).all()
    for user_id, email in rows:
        key = mailbox_key(email, rules)
        if key not in taken:
            taken.add(key)
            connection.execute(sa.text("UPDATE users SET mailbox_key = :key WHERE id = :id"),
                               {"key": key, "id": user_id})


def downgrade():
    op.drop_table("admin_actions")
    op.drop_index("ix_votes_ip_created", table_name="votes")
    op.drop_index("ix_votes_created_at", table_name="votes")
    op.drop_index("ix_users_created_at", table_name="users")
    op.execute("UPDATE videos SET status = 'failed' WHERE status = 'removed'")
    op.alter_column("videos", "status", existing_nullable=False, type_=sa.Enum(*STATUSES, name="video_status"))
    op.drop_constraint("uq_users_mailbox_key", "users", type_="unique")
    for column in ("ban_reason", "banned_at", "mailbox_key"):
        op.drop_column("users", column)
