"""Join the moderation branch into the one head.

Revision ID: 0012_merge
Revises: 0011_merge, 0007_moderation
"""

from collections.abc import Sequence

revision: str = "0012_merge"
down_revision: str | Sequence[str] | None = ("0011_merge", "0007_moderation")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
