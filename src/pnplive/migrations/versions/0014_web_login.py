"""Web dashboard: one-time login links

Revision ID: 0014_web_login
Revises: 0013_members
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pnplive.kit.orm

revision: str = "0014_web_login"
down_revision: str | Sequence[str] | None = "0013_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_links_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_links_token_hash")),
    )
    with op.batch_alter_table("login_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_links_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("login_links")
