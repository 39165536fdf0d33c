"""Performers: create, edit, schedule, blocked and extra time, presence, conflicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from pnplive.errors import Conflict, InvalidInput, NotFound
from pnplive.moderation.categories import Decision
from pnplive.moderation.pipeline import default_classifier, rules_classifier
from pnplive.performer.models import Lifecycle, Performer, PerformerPhoto, Presence, Visibility
from pnplive.performer.presence import announce_online
from pnplive.performer.schemas import PerformerCreate, PerformerFields
from pnplive.user.models import User


async def get(session: AsyncSession, performer_id: int, *, photos: bool = True) -> Performer:
    """The performer; ``photos=False`` skips loading the gallery (a write that never shows it
    saves a query), and reading it then raises instead of loading it unseen."""
    options = () if photos else (raiseload(Performer.photos),)
    performer = await session.get(Performer, performer_id, options=options)
    if performer is None:
        raise NotFound("no such performer", performer=performer_id)
    return performer


async def by_username(session: AsyncSession, username: str) -> Performer | None:
    found: Performer | None = await session.scalar(
        select(Performer).where(Performer.username == username)
    )
    return found


async def of_user(session: AsyncSession, user_id: int) -> Performer | None:
    found: Performer | None = await session.scalar(
        select(Performer).where(Performer.user_id == user_id)
    )
    return found


class ProfileTextRefused(InvalidInput):
    """A profile is public: text the moderation would block or hold is not put on it."""

    code = "profile_text_refused"


def check_profile_texts(fields: PerformerFields) -> None:
    """Display name (rules only: a character model misreads short names), bio and captions
    (rules and the model) must be allowed as they are (F-SAF-3)."""
    texts: list[tuple[str, str, bool]] = []
    if fields.display_name:
        texts.append(("display_name", fields.display_name, False))
    if fields.bio:
        texts.append(("bio", fields.bio, True))
    for photo in fields.photos or ():
        if photo.caption:
            texts.append(("photos", photo.caption, True))
    for field, text, with_model in texts:
        classifier = default_classifier() if with_model else rules_classifier()
        verdict = classifier.classify(text)
        if verdict.decision != Decision.ALLOW:
            categories = sorted(
                {f.category.value for f in verdict.findings if f.decision != Decision.ALLOW}
            )
            raise ProfileTextRefused(
                "this text cannot go on a public profile; please rephrase it",
                field=field,
                categories=categories,
            )


def _apply(performer: Performer, fields: PerformerFields) -> None:
    data = fields.model_dump(exclude_unset=True, exclude={"photos", "user_telegram_id", "username"})
    for key, value in data.items():
        if value is None:
            continue
        if key == "social_links":
            value = {k: str(v) for k, v in value.items()}
        setattr(performer, key, value)
    if performer.min_duration > performer.max_duration:
        raise InvalidInput("min_duration must not exceed max_duration", field="min_duration")
    if fields.photos is not None:
        performer.photos = [
            PerformerPhoto(position=i, url=str(p.url), caption=p.caption)
            for i, p in enumerate(fields.photos)
        ]


async def create(session: AsyncSession, data: PerformerCreate, now: datetime) -> Performer:
    check_profile_texts(data)
    if await by_username(session, data.username) is not None:
        raise Conflict("that username is taken", field="username")
    user_id = None
    if data.user_telegram_id is not None:
        user = await session.scalar(select(User).where(User.telegram_id == data.user_telegram_id))
        if user is None:
            raise InvalidInput("no member with that Telegram id", field="user_telegram_id")
        if await of_user(session, user.id) is not None:
            raise Conflict("that member is already a performer", field="user_telegram_id")
        user_id = user.id
    performer = Performer(
        username=data.username,
        display_name=data.display_name,
        user_id=user_id,
        bio="",
        tags=[],
        languages=[],
        social_links={},
        price_per_minute=data.price_per_minute,
        currency=data.currency,
        min_duration=15,
        max_duration=120,
        call_types=["video"],
        buffer_before=0,
        buffer_after=0,
        timezone=data.timezone,
        visibility="public",
        status="active",
        presence=Presence.OFFLINE.value,
        rating_sum=0,
        rating_count=0,
        created_at=now,
        updated_at=now,
        photos=[],
    )
    _apply(performer, data)
    session.add(performer)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("that performer or account already exists") from exc
    return performer


async def update(
    session: AsyncSession, performer: Performer, data: PerformerFields, now: datetime
) -> Performer:
    """Edit fields; prices of existing bookings never change (they keep their snapshot)."""
    check_profile_texts(data)
    if data.photos is not None and performer.photos:
        # Old photos go first: new ones reuse their positions (UNIQUE(performer_id, position)).
        performer.photos.clear()
        await session.flush()
    _apply(performer, data)
    performer.updated_at = now
    await session.flush()
    return performer


async def set_presence(
    session: AsyncSession, performer: Performer, presence: Presence, now: datetime
) -> bool:
    """Set online/busy/offline; True when the performer has just come online."""
    came_online = presence is Presence.ONLINE and performer.presence != Presence.ONLINE
    performer.presence = presence.value
    performer.presence_changed_at = now
    performer.last_active_at = now
    await session.flush()
    if came_online:
        await announce_online(session, performer, now)
    return came_online


async def deactivate(session: AsyncSession, performer: Performer, now: datetime) -> Performer:
    """Hidden from lists and not bookable any more; existing bookings are kept (F-PRF-3)."""
    performer.status = Lifecycle.INACTIVE.value
    performer.visibility = Visibility.HIDDEN.value
    performer.updated_at = now
    await session.flush()
    return performer


async def pause(session: AsyncSession, performer: Performer, now: datetime) -> bool:
    """Not bookable until an admin lifts the pause (repeated no-shows, F-SAF-2); True if it
    was active. Existing bookings are kept, and the profile stays as it is."""
    if performer.status != Lifecycle.ACTIVE.value:
        return False
    performer.status = Lifecycle.PAUSED.value
    performer.updated_at = now
    await session.flush()
    return True


MAX_PHOTOS = 10


async def add_telegram_photo(
    session: AsyncSession, performer: Performer, file_id: str, now: datetime
) -> int:
    """A photo the performer sent the bot joins the gallery; how many there are now."""
    if not file_id or len(file_id) > 256:
        raise InvalidInput("not a Telegram photo", field="photo")
    if len(performer.photos) >= MAX_PHOTOS:
        raise InvalidInput(f"a gallery has at most {MAX_PHOTOS} photos", field="photos")
    position = max((ph.position for ph in performer.photos), default=-1) + 1
    performer.photos.append(PerformerPhoto(position=position, url="", caption="", file_id=file_id))
    performer.updated_at = now
    await session.flush()
    return len(performer.photos)


async def clear_photos(session: AsyncSession, performer: Performer, now: datetime) -> None:
    performer.photos.clear()
    performer.updated_at = now
    await session.flush()
