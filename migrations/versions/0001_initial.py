"""Users, videos and votes, with the ranking indexes and the one-vote-per-user-and-video key.

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-25 20:41:27.453555

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# revision identifiers, used by Alembic.
revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), 'mariadb').with_variant(mysql.BIGINT(unsigned=True), 'mysql'), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('city', sa.String(length=120, collation='utf8mb4_unicode_ci'), nullable=False),
    sa.Column('country', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('player', 'jury', 'admin', name='user_role'), server_default='player', nullable=False),
    sa.Column('created_at', mysql.DATETIME(fsp=6), nullable=False),
    sa.Column('public_votes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('jury_votes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total_votes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('processed_videos', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_city_rank_jury', ['city', sa.literal_column('jury_votes DESC'), 'id'], unique=False)
        batch_op.create_index('ix_users_city_rank_public', ['city', sa.literal_column('public_votes DESC'), 'id'], unique=False)
        batch_op.create_index('ix_users_city_rank_total', ['city', sa.literal_column('total_votes DESC'), 'id'], unique=False)
        batch_op.create_index('ix_users_rank_jury', [sa.literal_column('jury_votes DESC'), 'id'], unique=False)
        batch_op.create_index('ix_users_rank_public', [sa.literal_column('public_votes DESC'), 'id'], unique=False)
        batch_op.create_index('ix_users_rank_total', [sa.literal_column('total_votes DESC'), 'id'], unique=False)

    op.create_table('videos',
    sa.Column('id', sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), 'mariadb').with_variant(mysql.BIGINT(unsigned=True), 'mysql'), autoincrement=True, nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), 'mariadb').with_variant(mysql.BIGINT(unsigned=True), 'mysql'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('uploaded', 'processing', 'processed', 'failed', name='video_status'), nullable=False),
    sa.Column('processing_stage', sa.String(length=20), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('original_key', sa.String(length=255), nullable=False),
    sa.Column('processed_key', sa.String(length=255), nullable=True),
    sa.Column('task_id', sa.String(length=64), nullable=True),
    sa.Column('uploaded_at', mysql.DATETIME(fsp=6), nullable=False),
    sa.Column('processed_at', mysql.DATETIME(fsp=6), nullable=True),
    sa.Column('votes_count', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_videos_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_videos')),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.create_index('ix_videos_owner_uploaded', ['owner_id', 'uploaded_at'], unique=False)
        batch_op.create_index('ix_videos_status_processed', ['status', 'processed_at'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), 'mariadb').with_variant(mysql.BIGINT(unsigned=True), 'mysql'), autoincrement=True, nullable=False),
    sa.Column('video_id', sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), 'mariadb').with_variant(mysql.BIGINT(unsigned=True), 'mysql'), nullable=False),
    sa.Column('voter_id', sa.BigInteger().with_variant(mysql.BIGINT(unsigned=True), 'mariadb').with_variant(mysql.BIGINT(unsigned=True), 'mysql'), nullable=False),
    sa.Column('is_jury', sa.Boolean(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('created_at', mysql.DATETIME(fsp=6), nullable=False),
    sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_votes_video_id_videos'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['users.id'], name=op.f('fk_votes_voter_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('video_id', 'voter_id', name='uq_votes_video_voter'),
    mysql_charset='utf8mb4',
    mysql_collate='utf8mb4_unicode_ci'
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_voter_id'), ['voter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_voter_id'))

    op.drop_table('votes')
    with op.batch_alter_table('videos', schema=None) as batch_op:
        batch_op.drop_index('ix_videos_status_processed')
        batch_op.drop_index('ix_videos_owner_uploaded')

    op.drop_table('videos')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_rank_total')
        batch_op.drop_index('ix_users_rank_public')
        batch_op.drop_index('ix_users_rank_jury')
        batch_op.drop_index('ix_users_city_rank_total')
        batch_op.drop_index('ix_users_city_rank_public')
        batch_op.drop_index('ix_users_city_rank_jury')

    op.drop_table('users')
