"""Join the booking and notification branches into one head.

Revision ID: 0011_merge
Revises: 0006_booking, 0010_notify
"""

from collections.abc import Sequence

revision: str = "0011_merge"
down_revision: str | Sequence[str] | None = ("0006_booking", "0010_notify")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
