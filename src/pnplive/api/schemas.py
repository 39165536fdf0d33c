"""Request and response bodies of the REST API (shown with examples in ``/docs``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from pnplive.performer.models import CallType, Lifecycle, Presence, Visibility
from pnplive.performer.schemas import PerformerFields, WeeklyRuleIn

T = TypeVar("T")

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _in_range(v: datetime) -> datetime:
    v = v.astimezone(UTC)
    if not EARLIEST <= v < LATEST:
        raise ValueError("must lie between the years 2000 and 2099")
    return v


# An instant with an offset (``Z`` or ``+02:00``), normalised to UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]
Duration = Annotated[int, Field(ge=15, le=120, multiple_of=15, examples=[30])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- shared ------------------------------------------------------------------------------------


class Page(BaseModel, Generic[T]):
    """One page of a list: ``limit``/``offset`` paging; ``next_offset`` is null on the last page."""

    items: list[T]
    total: int = Field(examples=[42])
    limit: int = Field(examples=[20])
    offset: int = Field(examples=[0])
    next_offset: int | None = Field(default=None, examples=[20])


class MoneyOut(BaseModel):
    amount: int = Field(description="Minor units (cents); whole stars for XTR.", examples=[9000])
    currency: str = Field(examples=["USD"])
    formatted: str = Field(examples=["90.00 USD"])


class LocalTimes(BaseModel):
    timezone: str = Field(examples=["Europe/Madrid"])
    start: datetime = Field(examples=["2027-03-02T11:00:00+01:00"])
    end: datetime = Field(examples=["2027-03-02T11:30:00+01:00"])


class SlotOut(BaseModel):
    start: datetime = Field(description="UTC.", examples=["2027-03-02T10:00:00Z"])
    end: datetime = Field(description="UTC.", examples=["2027-03-02T10:30:00Z"])
    local_start: datetime = Field(examples=["2027-03-02T11:00:00+01:00"])
    local_end: datetime = Field(examples=["2027-03-02T11:30:00+01:00"])


# --- performers --------------------------------------------------------------------------------


class PhotoOut(BaseModel):
    url: str = Field(examples=["https://cdn.example.com/luna/1.jpg"])
    caption: str = ""


class PerformerCard(BaseModel):
    """A performer as listed in browse results."""

    id: int = Field(examples=[1])
    username: str = Field(examples=["luna"])
    display_name: str = Field(examples=["Luna"])
    photo: str | None = Field(default=None, examples=["https://cdn.example.com/luna/1.jpg"])
    presence: Presence = Field(examples=["online"])
    online: bool
    rating: float | None = Field(examples=[4.8])
    rating_count: int = Field(examples=[12])
    price_per_minute: MoneyOut
    tags: list[str] = Field(examples=[["chat", "music"]])
    languages: list[str] = Field(examples=[["es", "en"]])
    min_duration: int = Field(examples=[15])
    max_duration: int = Field(examples=[120])
    call_types: list[str] = Field(examples=[["video"]])


class DurationPrice(BaseModel):
    minutes: int = Field(examples=[30])
    price: MoneyOut


class ReviewsSummary(BaseModel):
    average: float | None = Field(examples=[4.8])
    count: int = Field(examples=[12])


class PerformerProfile(PerformerCard):
    """F-PRF-6: bio, gallery, reviews summary, durations with prices, next free slots."""

    bio: str = Field(examples=["Madrid. Chatty, warm, loves music and late talks."])
    gallery: list[PhotoOut]
    social_links: dict[str, str]
    timezone: str = Field(examples=["Europe/Madrid"])
    buffer_before: int
    buffer_after: int
    durations: list[DurationPrice]
    reviews: ReviewsSummary
    next_slots: list[SlotOut] = Field(
        description="The next free slots for the shortest duration, in the viewer's zone."
    )
    viewer_timezone: str = Field(examples=["America/New_York"])


class PerformerAdminOut(BaseModel):
    """Every field of a performer, as admins (and the performer) see it."""

    id: int
    user_id: int | None
    username: str
    display_name: str
    bio: str
    tags: list[str]
    languages: list[str]
    social_links: dict[str, str]
    photos: list[PhotoOut]
    price_per_minute: MoneyOut
    min_duration: int
    max_duration: int
    call_types: list[str]
    buffer_before: int
    buffer_after: int
    timezone: str
    visibility: Visibility
    status: Lifecycle
    presence: Presence
    rating: float | None
    rating_count: int
    created_at: datetime
    updated_at: datetime


class PerformerCreateIn(PerformerFields):
    """Admin wizard in one request (F-PRF-3): profile and, optionally, the weekly schedule."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "username": "luna",
                    "display_name": "Luna",
                    "bio": "Madrid. Chatty, warm, loves music.",
                    "price_per_minute": 300,
                    "currency": "EUR",
                    "timezone": "Europe/Madrid",
                    "min_duration": 15,
                    "max_duration": 60,
                    "weekly": [{"weekday": 0, "start": "10:00", "end": "14:00"}],
                }
            ]
        },
    )

    username: str = Field(pattern=r"^[A-Za-z0-9_]{3,64}$")
    display_name: str = Field(min_length=1, max_length=128)
    price_per_minute: int = Field(ge=0, le=10_000_000)
    currency: str = "USD"
    timezone: str = "UTC"
    user_telegram_id: int | None = Field(
        default=None, ge=1, le=2**53, description="Links a Telegram account."
    )
    weekly: list[WeeklyRuleIn] | None = Field(default=None, max_length=50)


class PerformerSelfUpdate(PerformerFields):
    """What performers edit themselves (F-SLF-1); lifecycle and visibility stay with admins."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"bio": "Back from holidays!", "price_per_minute": 350}]},
    )

    visibility: None = Field(default=None, exclude=True)
    status: None = Field(default=None, exclude=True)


class PresenceIn(Strict):
    presence: Literal["online", "offline"] = Field(examples=["online"])


class PresenceOut(BaseModel):
    presence: Presence
    came_online: bool


# --- availability ------------------------------------------------------------------------------


class DaySlots(BaseModel):
    day: date = Field(examples=["2027-03-02"])
    slots: list[SlotOut]


class AvailabilityOut(BaseModel):
    performer_id: int
    duration: int = Field(examples=[30])
    timezone: str = Field(description="Zone of the days and local times.", examples=["UTC"])
    price: MoneyOut
    days: list[DaySlots] = Field(description="Every day of the range (bounded by the horizon).")


class MatchOut(BaseModel):
    performer: PerformerCard
    slot: SlotOut
    score: float = Field(examples=[0.87])
    reasons: list[str] = Field(examples=[["inside your 18:00–22:00 window", "online now"]])


class MatchList(BaseModel):
    timezone: str
    duration: int
    items: list[MatchOut] = Field(description="Best first; at most ``limit`` (≤ 50).")


class WeeklyRuleOut(BaseModel):
    weekday: int = Field(examples=[0])
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["17:00"])


class IntervalIn(Strict):
    start: Instant = Field(examples=["2027-03-05T00:00:00Z"])
    end: Instant = Field(examples=["2027-03-06T00:00:00Z"])
    note: str = Field(default="", max_length=256, examples=["holiday"])


class IntervalOut(BaseModel):
    id: int
    start: datetime
    end: datetime
    note: str


class ScheduleOut(BaseModel):
    timezone: str
    weekly: list[WeeklyRuleOut]
    blocked: list[IntervalOut] = Field(description="Blocked intervals not yet over.")
    extra: list[IntervalOut] = Field(description="Extra availability not yet over.")


class WeeklyIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"weekly": [{"weekday": 0, "start": "09:00", "end": "17:00"}]}]
        },
    )

    weekly: list[WeeklyRuleIn] = Field(max_length=50)


# --- bookings ----------------------------------------------------------------------------------


class BookingIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "performer_id": 1,
                    "start": "2027-03-02T10:00:00Z",
                    "duration": 30,
                    "call_type": "video",
                    "accept_rules": True,
                }
            ]
        },
    )

    performer_id: int = Field(ge=1, le=2**31 - 1)
    start: Instant = Field(
        description="ISO 8601 with an offset (Z for UTC, or e.g. +01:00); a time without one "
        "is refused as ambiguous. Stored in UTC."
    )
    duration: Duration
    call_type: CallType = CallType.VIDEO
    accept_rules: bool = Field(
        description="The call rules were shown and accepted; true moves the hold to "
        "pending_payment, false leaves it held until POST /api/bookings/{id}/confirm."
    )


class InstantIn(Strict):
    duration: Duration
    call_type: CallType = CallType.VIDEO
    accept_rules: bool


class ConfirmIn(Strict):
    accept_rules: Literal[True] = Field(description="Must be true.")


class CancelIn(Strict):
    reason: str = Field(default="", max_length=256, examples=["plans changed"])


class RescheduleIn(Strict):
    start: Instant = Field(examples=["2027-03-03T10:00:00Z"])


class PerformerRef(BaseModel):
    id: int
    username: str
    display_name: str


class CallActivityOut(BaseModel):
    at: datetime
    side: str | None = Field(description="member or performer; none for the room's end.")
    kind: str = Field(examples=["joined"], description="joined, left or ended.")
    source: str = Field(examples=["link"], description="link (our join link) or the provider.")


class CallOut(BaseModel):
    state: str = Field(examples=["confirmed"], description="The call's state (booking status).")
    opens_at: datetime = Field(description="UTC: the room may be entered from then …")
    closes_at: datetime = Field(description="UTC: … until then (the end plus the grace).")
    join_url: str | None = Field(
        description="The reader's own join link, only while the room may be entered."
    )
    activity: list[CallActivityOut] | None = Field(
        default=None, description="Joins and leaves (the performer and admins)."
    )


class BookingOut(BaseModel):
    id: str = Field(description="Public booking id.", examples=["9f2c1a7b3d4e5f60"])
    status: str = Field(examples=["pending_payment"])
    performer: PerformerRef
    call_type: str = Field(examples=["video"])
    duration_minutes: int = Field(examples=[30])
    start_at: datetime = Field(description="UTC.", examples=["2027-03-02T10:00:00Z"])
    end_at: datetime = Field(description="UTC.", examples=["2027-03-02T10:30:00Z"])
    local: LocalTimes = Field(description="Start and end in the viewer's zone.")
    price: MoneyOut
    hold_expires_at: datetime | None = Field(description="While held.")
    payment_deadline: datetime | None = Field(description="While pending payment.")
    rules_accepted: bool
    paid_at: datetime | None
    cancelled_by: str | None
    reschedule_count: int
    created_at: datetime
    call: CallOut | None = Field(
        default=None, description="Booking details only: the call, once it is paid for."
    )


class UserRef(BaseModel):
    id: int
    telegram_id: int
    username: str | None
    timezone: str


class EventOut(BaseModel):
    at: datetime
    actor: str
    actor_id: int | None
    from_status: str | None
    to_status: str
    reason: str


class BookingAdminOut(BookingOut):
    user: UserRef
    user_timezone: str
    commission_bps: int
    commission: MoneyOut
    performer_earnings: MoneyOut
    cancel_reason: str | None
    history: list[EventOut] | None = Field(
        default=None, description="Every status change; given by the detail view only."
    )


class RefundOut(BaseModel):
    amount: MoneyOut
    refund_bps: int = Field(examples=[10000])
    reason: str = Field(examples=["24 h or more"])


class CancellationOut(BaseModel):
    booking: BookingOut
    was_paid: bool
    refund: RefundOut = Field(
        description="What the policy refunds; the payment side carries out the refund."
    )


# --- admin: roles and conflicts ----------------------------------------------------------------


class RoleIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"telegram_id": 100002, "role": "admin", "action": "grant"},
                {"telegram_id": 100004, "role": "performer", "action": "grant", "performer_id": 3},
            ]
        },
    )

    telegram_id: int = Field(ge=1, le=2**53)
    role: Literal["performer", "admin"]
    action: Literal["grant", "revoke"]
    performer_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Granting PERFORMER links the member to this performer.",
    )


class MemberOut(BaseModel):
    id: int
    telegram_id: int
    username: str | None
    role: str
    performer_id: int | None
    is_prime: bool
    restricted: bool


class ScheduleChangeOut(BaseModel):
    """A schedule change and the bookings it now conflicts with (F-AV-9); none are dropped."""

    schedule: ScheduleOut
    conflicts: list[BookingOut] = Field(
        description="Every upcoming booking the schedule does not cover now."
    )
    caused: list[BookingOut] = Field(description="Those this change uncovered.")


class IntervalChangeOut(BaseModel):
    item: IntervalOut | None
    conflicts: list[BookingOut] = Field(
        description="Every upcoming booking the schedule does not cover now."
    )
    caused: list[BookingOut] = Field(description="Those this change uncovered.")


class ConflictOut(BaseModel):
    performer_id: int
    booking: BookingOut


def page_of(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    nxt = offset + limit if offset + limit < total else None
    return {"items": items, "total": total, "limit": limit, "offset": offset, "next_offset": nxt}


class VideoWebhookAck(BaseModel):
    received: int = Field(description="Events in the webhook.")
    recorded: int = Field(description="Events recorded now (duplicates and others' rooms are not).")


class CalendarFeedOut(BaseModel):
    url: str = Field(description="Secret: anyone with it reads the calendar. Rotate to revoke.")
