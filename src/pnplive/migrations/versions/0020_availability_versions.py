"""A per-performer availability version, moved by triggers on every change to free time

Revision ID: 0020_availability_versions
Revises: 0019_photo_files

The triggers are the one place that knows which writes change a performer's free time: weekly
rules, blocked and extra time (any row written or deleted) and bookings (inserted, deleted, or
their status, occupied interval, lapse time or performer updated). On PostgreSQL they are
deferred to commit, so the version row is locked only while the transaction commits (a hold
that releases a hold elsewhere would otherwise keep two performers' rows locked, in either
order, for its whole length) and a refused hold moves nothing. SQLite has one writer at a time.

Careful: SQLite's batch mode rebuilds a table and drops its triggers; a later migration that
batch-alters one of these tables must create its trigger again (the cache tests would fail).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_availability_versions"
down_revision: str | Sequence[str] | None = "0019_photo_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, columns whose update matters; None: any)
WATCHED: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("weekly_rules", None),
    ("blocked_intervals", None),
    ("extra_availability", None),
    ("bookings", ("performer_id", "status", "occupied_start", "occupied_end", "expires_at")),
)

BUMP_SQLITE = (
    "INSERT INTO availability_versions (performer_id, version) VALUES ({row}.performer_id, 1) "
    "ON CONFLICT (performer_id) DO UPDATE SET version = version + 1;"
)

PG_FUNCTION = """
CREATE FUNCTION bump_availability_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO availability_versions AS v (performer_id, version)
        VALUES (OLD.performer_id, 1)
        ON CONFLICT (performer_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.performer_id <> OLD.performer_id) THEN
        INSERT INTO availability_versions AS v (performer_id, version)
        VALUES (NEW.performer_id, 1)
        ON CONFLICT (performer_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def _triggers_sqlite(table: str, columns: tuple[str, ...] | None) -> list[str]:
    update_of = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    return [
        f"CREATE TRIGGER {table}_availability_insert AFTER INSERT ON {table} "
        f"BEGIN {BUMP_SQLITE.format(row='NEW')} END",
        f"CREATE TRIGGER {table}_availability_update AFTER {update_of} ON {table} "
        f"BEGIN {BUMP_SQLITE.format(row='OLD')} {BUMP_SQLITE.format(row='NEW')} END",
        f"CREATE TRIGGER {table}_availability_delete AFTER DELETE ON {table} "
        f"BEGIN {BUMP_SQLITE.format(row='OLD')} END",
    ]


def _trigger_postgresql(table: str, columns: tuple[str, ...] | None) -> str:
    update_of = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    return (
        f"CREATE CONSTRAINT TRIGGER {table}_availability AFTER INSERT OR {update_of} OR DELETE "
        f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION bump_availability_version()"
    )


def upgrade() -> None:
    op.create_table(
        "availability_versions",
        sa.Column("performer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("performer_id", name=op.f("pk_availability_versions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table, columns in WATCHED:
            op.execute(_trigger_postgresql(table, columns))
    else:
        for table, columns in WATCHED:
            for statement in _triggers_sqlite(table, columns):
                op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, _columns in WATCHED:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_availability ON {table}")
        else:
            for kind in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_availability_{kind}")
    if postgresql:
        op.execute("DROP FUNCTION bump_availability_version()")
    op.drop_table("availability_versions")
