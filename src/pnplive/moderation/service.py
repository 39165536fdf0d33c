"""Moderating a text and recording what was not allowed; admins' overrides.

``moderate`` classifies a text (the rules, plus the model when installed) and, for every
category that was held or blocked, stores a violation with the text's SHA-256, a short excerpt,
the score, the source and the reasons. The text itself is not kept. Services take the session
first and never commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pnplive.errors import Forbidden, InvalidInput, NotFound
from pnplive.moderation.categories import Category, Decision
from pnplive.moderation.classifier import Classifier, Verdict
from pnplive.moderation.models import EXCERPT_MAX, REASON_MAX, Violation, ViolationOverride
from pnplive.moderation.pipeline import default_classifier
from pnplive.user.models import User

SUBJECT_KINDS = ("message", "review", "bio", "profile", "incident")
OVERRIDE_REASON_MAX = 1000


@dataclass(frozen=True)
class Subject:
    kind: str  # one of SUBJECT_KINDS
    id: str  # the subject's id in its own domain

    def __post_init__(self) -> None:
        if self.kind not in SUBJECT_KINDS:
            raise InvalidInput(f"unknown subject kind {self.kind!r}", field="subject_kind")
        if not self.id or len(self.id) > 64:
            raise InvalidInput("a subject id has 1-64 characters", field="subject_id")


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    verdict: Verdict
    violations: list[Violation]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def excerpt(text: str, limit: int = EXCERPT_MAX) -> str:
    """The start of the text on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def moderate(
    session: AsyncSession,
    text: str,
    subject: Subject,
    author_user_id: int | None,
    now: datetime,
    classifier: Classifier | None = None,
) -> Outcome:
    """Classify ``text``; store one violation per category held or blocked."""
    verdict = (classifier or default_classifier()).classify(text)
    violations: list[Violation] = []
    digest = text_hash(text)
    for category in Category:
        deciding = verdict.deciding(category)
        if deciding is None or deciding.decision == Decision.ALLOW:
            continue
        violation = Violation(
            subject_kind=subject.kind,
            subject_id=subject.id,
            author_user_id=author_user_id,
            text_sha256=digest,
            excerpt=excerpt(text),
            category=category.value,
            decision=deciding.decision.value,
            final_decision=deciding.decision.value,
            score=deciding.score,
            source=deciding.source,
            reason=_bounded("; ".join(verdict.reasons(category)), REASON_MAX),
            created_at=now,
        )
        session.add(violation)
        violations.append(violation)
    if violations:
        await session.flush()
    return Outcome(verdict.decision, verdict, violations)


async def override(
    session: AsyncSession,
    violation_id: int,
    admin_user_id: int,
    decision: Decision | str,
    reason: str,
    now: datetime,
) -> ViolationOverride:
    """An admin replaces a violation's decision; the override is recorded with who, when, the
    previous and the new decision and why."""
    try:
        new = Decision(decision)
    except ValueError as exc:
        raise InvalidInput("decision is allow, hold or block", field="decision") from exc
    reason = reason.strip()
    if not reason or len(reason) > OVERRIDE_REASON_MAX:
        raise InvalidInput(
            f"an override needs a reason of 1-{OVERRIDE_REASON_MAX} characters", field="reason"
        )
    admin = await session.get(User, admin_user_id)
    if admin is None or not admin.is_admin:
        raise Forbidden("only admins override moderation decisions")
    violation = await session.get(Violation, violation_id, with_for_update=True)
    if violation is None:
        raise NotFound("no such violation", violation=violation_id)
    record = ViolationOverride(
        violation_id=violation.id,
        admin_user_id=admin.id,
        previous_decision=violation.final_decision,
        decision=new.value,
        reason=reason,
        created_at=now,
    )
    violation.final_decision = new.value
    session.add(record)
    await session.flush()
    return record


async def history(session: AsyncSession, author_user_id: int) -> list[Violation]:
    """A member's violations, newest first."""
    rows = await session.scalars(
        select(Violation)
        .where(Violation.author_user_id == author_user_id)
        .order_by(Violation.created_at.desc(), Violation.id.desc())
    )
    return list(rows.all())


async def held(session: AsyncSession, limit: int = 100) -> list[Violation]:
    """The review queue: violations still held, oldest first."""
    rows = await session.scalars(
        select(Violation)
        .where(Violation.final_decision == Decision.HOLD.value)
        .order_by(Violation.created_at, Violation.id)
        .limit(limit)
    )
    return list(rows.all())


async def overrides_of(session: AsyncSession, violation_id: int) -> list[ViolationOverride]:
    rows = await session.scalars(
        select(ViolationOverride)
        .where(ViolationOverride.violation_id == violation_id)
        .order_by(ViolationOverride.created_at, ViolationOverride.id)
    )
    return list(rows.all())
