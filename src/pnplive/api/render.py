"""ORM objects to response bodies; times in UTC plus the viewer's zone."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pnplive.api import schemas as s
from pnplive.availability.models import BlockedInterval, ExtraAvailability, WeeklyRule
from pnplive.booking.models import Booking, BookingEvent
from pnplive.booking.policy import Refund
from pnplive.booking.states import Status
from pnplive.catalog import offer
from pnplive.kit.money import Money
from pnplive.performer.models import Performer, Presence
from pnplive.user.models import User
from pnplive.video.view import CallView


def money(amount: int, currency: str) -> s.MoneyOut:
    return s.MoneyOut(amount=amount, currency=currency, formatted=Money(amount, currency).format())


def slot(start: datetime, duration: int, zone: ZoneInfo) -> s.SlotOut:
    end = start + timedelta(minutes=duration)
    # Built from trusted values, often by the thousand: skip re-validation.
    return s.SlotOut.model_construct(
        start=start, end=end, local_start=start.astimezone(zone), local_end=end.astimezone(zone)
    )


# Instants written as text, shared by every request of the process: slots fall on the same grid
# for every performer, and ``isoformat`` costs ~1.5 us each, four per slot. Bounded by clearing.
_TEXT_LIMIT = 200_000
_utc_text: dict[datetime, str] = {}
_local_text: dict[str, dict[datetime, tuple[date, str]]] = {}


def _utc(t: datetime) -> str:
    text = _utc_text.get(t)
    if text is None:
        text = t.isoformat()
        if t.tzinfo is not UTC:  # only instants in UTC are shared; another offset is written as is
            return text.replace("+00:00", "Z")
        if len(_utc_text) >= _TEXT_LIMIT:
            _utc_text.clear()
        text = _utc_text[t] = text.replace("+00:00", "Z")
    return text


def _local(
    t: datetime, zone: ZoneInfo, cache: dict[datetime, tuple[date, str]]
) -> tuple[date, str]:
    found = cache.get(t)
    if found is None:
        lt = t.astimezone(zone)
        found = (lt.date(), lt.isoformat().replace("+00:00", "Z"))
        if len(cache) >= _TEXT_LIMIT:
            cache.clear()
        cache[t] = found
    return found


def slot_texts(starts: Iterable[datetime], duration: int, zone: ZoneInfo) -> list[tuple[date, str]]:
    """Each slot as JSON, with its day in ``zone``."""
    step = timedelta(minutes=duration)
    local_cache = _local_text.setdefault(zone.key, {})
    out = []
    for t in starts:
        end = t + step
        day, local_start = _local(t, zone, local_cache)
        # ISO datetimes need no JSON escaping; a zero offset is "Z", as pydantic writes it.
        out.append(
            (
                day,
                f'{{"start":"{_utc(t)}","end":"{_utc(end)}","local_start":"{local_start}",'
                f'"local_end":"{_local(end, zone, local_cache)[1]}"}}',
            )
        )
    return out


def day_json(day: date, slots: str) -> str:
    """One ``DaySlots``; ``slots`` is the slots' JSON, comma-separated."""
    return f'{{"day":"{day.isoformat()}","slots":[{slots}]}}'


@lru_cache(maxsize=4096)
def availability_head(
    performer_id: int, duration: int, zone: str, amount: int, currency: str
) -> str:
    """``AvailabilityOut`` up to its days' list; memoised, since formatting money for the
    locale costs more than serving a cached answer's slots."""
    head = {
        "performer_id": performer_id,
        "duration": duration,
        "timezone": zone,
        "price": money(amount, currency).model_dump(mode="json"),
    }
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"days":['


def availability_document(head: str, days: Iterable[str]) -> str:
    """``AvailabilityOut`` from its head and its days' JSON."""
    return f"{head}{','.join(days)}]}}"


def availability_json(
    performer_id: int,
    duration: int,
    zone: ZoneInfo,
    price: s.MoneyOut,
    first: date,
    last: date,
    starts: Iterable[datetime],
) -> str:
    """``AvailabilityOut`` as JSON, written in one pass: up to ~1,400 slots, where one pydantic
    object per slot cost most of the request. The tests hold it equal to the models' JSON."""
    by_day: dict[date, list[str]] = {}
    for day, text in slot_texts(starts, duration, zone):
        by_day.setdefault(day, []).append(text)
    days = []
    day = first
    while day <= last:
        days.append(day_json(day, ",".join(by_day.get(day, ()))))
        day += timedelta(days=1)
    head = availability_head(performer_id, duration, zone.key, price.amount, price.currency)
    return availability_document(head, days)


def card(p: Performer) -> s.PerformerCard:
    return s.PerformerCard(
        id=p.id,
        username=p.username,
        display_name=p.display_name,
        photo=next((ph.url for ph in p.photos if ph.url), None),
        presence=Presence(p.presence),
        online=p.presence == Presence.ONLINE.value,
        rating=p.rating,
        rating_count=p.rating_count,
        price_per_minute=money(p.price_per_minute, p.currency),
        tags=list(p.tags),
        languages=list(p.languages),
        min_duration=p.min_duration,
        max_duration=p.max_duration,
        call_types=list(p.call_types),
    )


def durations(p: Performer) -> list[s.DurationPrice]:
    return [
        s.DurationPrice(minutes=m, price=money(offer.price(p, m), p.currency))
        for m in offer.durations(p)
    ]


def profile(
    p: Performer, next_slots: list[datetime], slot_minutes: int, viewer_zone: ZoneInfo
) -> s.PerformerProfile:
    return s.PerformerProfile(
        **card(p).model_dump(),
        bio=p.bio,
        gallery=[s.PhotoOut(url=ph.url, caption=ph.caption) for ph in p.photos if ph.url],
        social_links={k: str(v) for k, v in p.social_links.items()},
        timezone=p.timezone,
        buffer_before=p.buffer_before,
        buffer_after=p.buffer_after,
        durations=durations(p),
        reviews=s.ReviewsSummary(average=p.rating, count=p.rating_count),
        next_slots=[slot(t, slot_minutes, viewer_zone) for t in next_slots],
        viewer_timezone=viewer_zone.key,
    )


def performer_admin(p: Performer) -> s.PerformerAdminOut:
    return s.PerformerAdminOut(
        id=p.id,
        user_id=p.user_id,
        username=p.username,
        display_name=p.display_name,
        bio=p.bio,
        tags=list(p.tags),
        languages=list(p.languages),
        social_links={k: str(v) for k, v in p.social_links.items()},
        photos=[s.PhotoOut(url=ph.url, caption=ph.caption) for ph in p.photos if ph.url],
        price_per_minute=money(p.price_per_minute, p.currency),
        min_duration=p.min_duration,
        max_duration=p.max_duration,
        call_types=list(p.call_types),
        buffer_before=p.buffer_before,
        buffer_after=p.buffer_after,
        timezone=p.timezone,
        visibility=p.visibility,
        status=p.status,
        presence=p.presence,
        rating=p.rating,
        rating_count=p.rating_count,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


def booking(b: Booking, performer: Performer, viewer_zone: str) -> s.BookingOut:
    zone = ZoneInfo(viewer_zone)
    return s.BookingOut(
        id=b.public_id,
        status=b.status,
        performer=s.PerformerRef(
            id=performer.id, username=performer.username, display_name=performer.display_name
        ),
        call_type=b.call_type,
        duration_minutes=b.duration_minutes,
        start_at=b.start_at,
        end_at=b.end_at,
        local=s.LocalTimes(
            timezone=viewer_zone, start=b.start_at.astimezone(zone), end=b.end_at.astimezone(zone)
        ),
        price=money(b.amount, b.currency),
        hold_expires_at=b.expires_at if b.status == Status.HELD.value else None,
        payment_deadline=b.expires_at if b.status == Status.PENDING_PAYMENT.value else None,
        rules_accepted=b.rules_accepted_at is not None,
        paid_at=b.paid_at,
        cancelled_by=b.cancelled_by,
        reschedule_count=b.reschedule_count,
        created_at=b.created_at,
    )


def booking_admin(
    b: Booking, performer: Performer, user: User, events: list[BookingEvent] | None
) -> s.BookingAdminOut:
    base = booking(b, performer, b.user_timezone)
    return s.BookingAdminOut(
        **base.model_dump(),
        user=s.UserRef(
            id=user.id, telegram_id=user.telegram_id, username=user.username, timezone=user.timezone
        ),
        user_timezone=b.user_timezone,
        commission_bps=b.commission_bps,
        commission=money(b.commission_amount, b.currency),
        performer_earnings=money(b.performer_amount, b.currency),
        cancel_reason=b.cancel_reason,
        history=None
        if events is None
        else [
            s.EventOut(
                at=e.at,
                actor=e.actor,
                actor_id=e.actor_id,
                from_status=e.from_status,
                to_status=e.to_status,
                reason=e.reason,
            )
            for e in events
        ],
    )


def refund(r: Refund, currency: str) -> s.RefundOut:
    return s.RefundOut(amount=money(r.amount, currency), refund_bps=r.refund_bps, reason=r.reason)


def _hhmm(minutes: int) -> str:
    if minutes == 1440:
        return "24:00"
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def weekly(rule: WeeklyRule) -> s.WeeklyRuleOut:
    return s.WeeklyRuleOut(
        weekday=rule.weekday, start=_hhmm(rule.start_minute), end=_hhmm(rule.end_minute)
    )


def interval(item: BlockedInterval | ExtraAvailability) -> s.IntervalOut:
    note = item.reason if isinstance(item, BlockedInterval) else item.note
    return s.IntervalOut(id=item.id, start=item.start_at, end=item.end_at, note=note)


def member(user: User, performer_id: int | None) -> s.MemberOut:
    return s.MemberOut(
        id=user.id,
        telegram_id=user.telegram_id,
        username=user.username,
        role=user.role,
        performer_id=performer_id,
        is_prime=user.is_prime,
        restricted=user.restricted_at is not None,
    )


def call(view: CallView | None) -> s.CallOut | None:
    if view is None:
        return None
    return s.CallOut(
        state=view.state,
        opens_at=view.opens_at,
        closes_at=view.closes_at,
        join_url=view.join_url,
        activity=None
        if view.activity is None
        else [
            s.CallActivityOut(at=a.at, side=a.side, kind=a.kind, source=a.source)
            for a in view.activity
        ],
    )
