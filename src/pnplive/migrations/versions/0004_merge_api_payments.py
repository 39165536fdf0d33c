"""Join the API and payments branches into one head.

Revision ID: 0004
Revises: 0002_api, 0003_payments
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | Sequence[str] | None = ("0002_api", "0003_payments")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
