"""Members: the terms version they accepted, and a history of changes to their standing

Revision ID: 0013_members
Revises: 0012_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pnplive.kit.orm

revision: str = "0013_members"
down_revision: str | Sequence[str] | None = "0012_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms_version", sa.String(length=32), nullable=True))
    # Members who accepted before versions were recorded accepted the first terms.
    op.execute("UPDATE users SET terms_version = '1' WHERE terms_accepted_at IS NOT NULL")
    op.create_table(
        "user_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_events")),
    )
    with op.batch_alter_table("user_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_events_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("user_events")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("terms_version")
