"""Dead jobs: given up after their retries, kept with their last error for admins to see and
to run again (F-WRK-1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.errors import Conflict, NotFound
from pnplive.kit.jobs import Job

# Done with an error kept: the runner gave up (a job that succeeded has its error cleared).
DEAD = and_(Job.done_at.is_not(None), Job.last_error.is_not(None))


async def dead_jobs(
    session: AsyncSession, *, kind: str | None, limit: int, offset: int
) -> tuple[list[Job], int]:
    where = [DEAD] if kind is None else [DEAD, Job.kind == kind]
    total = await session.scalar(select(func.count(Job.id)).where(*where))
    rows = await session.scalars(
        select(Job)
        .where(*where)
        .order_by(Job.done_at.desc(), Job.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows.all()), int(total or 0)


async def retry(session: AsyncSession, job_id: int, now: datetime) -> Job:
    """Run a dead job again from a clean slate of attempts."""
    job = await session.get(Job, job_id, with_for_update=True)
    if job is None:
        raise NotFound("no such job", job=job_id)
    if job.done_at is None or job.last_error is None:
        raise Conflict("only a job that was given up is retried", job=job_id)
    await session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(done_at=None, attempts=0, due_at=now, locked_until=None)
    )
    await session.refresh(job)
    return job
