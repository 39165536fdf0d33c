"""Moderation: violations and admin overrides

Revision ID: 0007_moderation
Revises: 0004
Create Date: 2026-11-22 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pnplive.kit.orm

revision: str = "0007_moderation"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "moderation_violations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("excerpt", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("final_decision", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('hold', 'block')", name=op.f("ck_moderation_violations_decision")
        ),
        sa.CheckConstraint(
            "final_decision IN ('allow', 'hold', 'block')",
            name=op.f("ck_moderation_violations_final_decision"),
        ),
        sa.CheckConstraint(
            "score >= 0 AND score <= 1", name=op.f("ck_moderation_violations_score")
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_moderation_violations_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_violations")),
    )
    with op.batch_alter_table("moderation_violations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_violations_author_user_id"), ["author_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_violations_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_violations_text_sha256"), ["text_sha256"], unique=False
        )

    op.create_table(
        "moderation_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("violation_id", sa.Integer(), nullable=False),
        sa.Column("admin_user_id", sa.Integer(), nullable=True),
        sa.Column("previous_decision", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", pnplive.kit.orm.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('allow', 'hold', 'block')", name=op.f("ck_moderation_overrides_decision")
        ),
        sa.ForeignKeyConstraint(
            ["admin_user_id"],
            ["users.id"],
            name=op.f("fk_moderation_overrides_admin_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["violation_id"],
            ["moderation_violations.id"],
            name=op.f("fk_moderation_overrides_violation_id_moderation_violations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_overrides")),
    )
    with op.batch_alter_table("moderation_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_overrides_violation_id"), ["violation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("moderation_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_overrides_violation_id"))
    op.drop_table("moderation_overrides")
    with op.batch_alter_table("moderation_violations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_violations_text_sha256"))
        batch_op.drop_index(batch_op.f("ix_moderation_violations_created_at"))
        batch_op.drop_index(batch_op.f("ix_moderation_violations_author_user_id"))
    op.drop_table("moderation_violations")
