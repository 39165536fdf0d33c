"""Reviews of completed calls

Revision ID: 0015_reviews
Revises: 0014_web_login
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pnplive.kit.orm

revision: str = "0015_reviews"
down_revision: str | Sequence[str] | None = "0014_web_login"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("performer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_range")),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_reviews_booking_id_bookings")
        ),
        sa.ForeignKeyConstraint(
            ["performer_id"], ["performers.id"], name=op.f("fk_reviews_performer_id_performers")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_reviews_booking_id")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_performer_status_created",
            ["performer_id", "status", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("reviews")
