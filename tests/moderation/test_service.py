"""Moderating texts stores violations (hash and excerpt, never the text); admins override."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pnplive.errors import Forbidden, InvalidInput, NotFound
from pnplive.kit.clock import FrozenClock
from pnplive.kit.db import Database
from pnplive.moderation import service
from pnplive.moderation.categories import Category, Decision
from pnplive.moderation.classifier import Finding, Verdict
from pnplive.moderation.models import EXCERPT_MAX, Violation, ViolationOverride
from pnplive.moderation.rules import RulesClassifier
from pnplive.moderation.service import Subject
from tests.factories import make_user

pytestmark = pytest.mark.asyncio

rules = RulesClassifier()
MESSAGE = Subject("message", "m-1")


class Fixed:
    name = "fixed"
    available = True

    def __init__(self, *findings: Finding) -> None:
        self.findings = findings

    def classify(self, text: str) -> Verdict:
        return Verdict(self.findings)


async def test_allowed_text_stores_nothing(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        user = await make_user(s, clock.now())
        outcome = await service.moderate(
            s, "can we do 30 min?", MESSAGE, user.id, clock.now(), rules
        )
        assert outcome.decision == Decision.ALLOW and outcome.violations == []
    async with db.transaction() as s:
        assert (await s.scalars(select(Violation))).all() == []


async def test_each_category_held_or_blocked_is_one_violation(
    db: Database, clock: FrozenClock
) -> None:
    text = "kys, and text me on whatsapp +1 305 555 0198"
    async with db.transaction() as s:
        user = await make_user(s, clock.now())
        outcome = await service.moderate(s, text, MESSAGE, user.id, clock.now(), rules)
        user_id = user.id
    assert outcome.decision == Decision.BLOCK
    async with db.transaction() as s:
        rows = (await s.scalars(select(Violation).order_by(Violation.category))).all()
    assert [(v.category, v.decision, v.final_decision) for v in rows] == [
        ("harassment", "block", "block"),
        ("off_platform", "block", "block"),
    ]
    for v in rows:
        assert v.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
        assert v.excerpt == text
        assert v.subject_kind == "message" and v.subject_id == "m-1"
        assert v.author_user_id == user_id
        assert v.source == "rules" and 0 < v.score <= 1
        assert v.created_at == clock.now()
    off = next(v for v in rows if v.category == "off_platform")
    assert "off_platform.phone" in off.reason and "off_platform.contact_app" in off.reason


async def test_only_a_bounded_excerpt_of_a_long_text_is_kept(
    db: Database, clock: FrozenClock
) -> None:
    text = "buy cheap followers now " + "and more words here " * 40 + "SECRET-TAIL"
    async with db.transaction() as s:
        outcome = await service.moderate(s, text, MESSAGE, None, clock.now(), rules)
    assert outcome.violations
    async with db.transaction() as s:
        for v in (await s.scalars(select(Violation))).all():
            assert len(v.excerpt) == EXCERPT_MAX and v.excerpt.endswith("…")
            assert "SECRET-TAIL" not in v.excerpt and "SECRET-TAIL" not in v.reason


async def test_the_deciding_finding_gives_score_and_source(
    db: Database, clock: FrozenClock
) -> None:
    classifier = Fixed(
        Finding(Category.SPAM, Decision.HOLD, 0.55, "maybe spam", "rules"),
        Finding(Category.SPAM, Decision.BLOCK, 0.91, "char n-gram model p=0.91", "model"),
    )
    async with db.transaction() as s:
        outcome = await service.moderate(s, "x", MESSAGE, None, clock.now(), classifier)
        (v,) = outcome.violations
        assert (v.decision, v.score, v.source) == ("block", 0.91, "model")
        assert v.reason == "rules: maybe spam; model: char n-gram model p=0.91"


async def test_admin_override_is_recorded_and_leaves_the_queue(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
        admin = await make_user(s, clock.now(), role="admin")
        outcome = await service.moderate(
            s, "eres una gorda asquerosa", MESSAGE, member.id, clock.now(), rules
        )
        (held,) = outcome.violations
        assert held.decision == "hold"
        ids = (member.id, admin.id, held.id)
    member_id, admin_id, violation_id = ids
    async with db.transaction() as s:
        assert [v.id for v in await service.held(s)] == [violation_id]
    later = clock.now() + timedelta(minutes=5)
    async with db.transaction() as s:
        record = await service.override(
            s, violation_id, admin_id, "allow", "  a joke between regulars  ", later
        )
        assert record.previous_decision == "hold" and record.decision == "allow"
    async with db.transaction() as s:
        assert await service.held(s) == []
        (v,) = await service.history(s, member_id)
        assert (v.decision, v.final_decision) == ("hold", "allow")
        (o,) = await service.overrides_of(s, violation_id)
        assert (o.admin_user_id, o.reason, o.created_at) == (
            admin_id,
            "a joke between regulars",
            later,
        )
    async with db.transaction() as s:
        await service.override(s, violation_id, admin_id, Decision.BLOCK, "second look", later)
    async with db.transaction() as s:
        trail = await service.overrides_of(s, violation_id)
        assert [(o.previous_decision, o.decision) for o in trail] == [
            ("hold", "allow"),
            ("allow", "block"),
        ]


async def test_bad_overrides_change_nothing(db: Database, clock: FrozenClock) -> None:
    async with db.transaction() as s:
        member = await make_user(s, clock.now())
        admin = await make_user(s, clock.now(), role="admin")
        (v,) = (await service.moderate(s, "kys", MESSAGE, member.id, clock.now(), rules)).violations
        ids = (member.id, admin.id, v.id)
    member_id, admin_id, violation_id = ids
    attempts = [
        (violation_id, member_id, "allow", "not an admin", Forbidden),
        (violation_id + 999, admin_id, "allow", "no such violation", NotFound),
        (violation_id, admin_id, "maybe", "bad decision", InvalidInput),
        (violation_id, admin_id, "allow", "   ", InvalidInput),
    ]
    for vid, who, decision, reason, error in attempts:
        with pytest.raises(error):
            async with db.transaction() as s:
                await service.override(s, vid, who, decision, reason, clock.now())
    async with db.transaction() as s:
        assert (await s.scalars(select(ViolationOverride))).all() == []
        assert (await s.get(Violation, violation_id)).final_decision == "block"  # type: ignore[union-attr]


async def test_the_database_refuses_an_allow_violation(db: Database, clock: FrozenClock) -> None:
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            s.add(
                Violation(
                    subject_kind="message",
                    subject_id="1",
                    text_sha256="0" * 64,
                    excerpt="x",
                    category="spam",
                    decision="allow",
                    final_decision="allow",
                    score=0.5,
                    source="rules",
                    reason="r",
                    created_at=clock.now(),
                )
            )


async def test_subjects_are_checked() -> None:
    with pytest.raises(InvalidInput):
        Subject("gossip", "1")
    with pytest.raises(InvalidInput):
        Subject("review", "")
    assert service.excerpt("a\n b\t c") == "a b c"


async def test_default_classifier_is_used_when_none_is_given(
    db: Database, clock: FrozenClock
) -> None:
    async with db.transaction() as s:
        outcome = await service.moderate(
            s,
            "send usdt to 0x52908400098527886E0F7030069857D2E4169EE7",
            MESSAGE,
            None,
            clock.now(),
        )
    assert outcome.decision == Decision.BLOCK
    assert Category.OFF_PLATFORM in outcome.verdict.categories()
