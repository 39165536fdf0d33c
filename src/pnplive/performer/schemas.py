"""Validated input for creating and editing performers (shared by API, bot and CLI)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    field_validator,
    model_validator,
)

from pnplive.kit.money import CURRENCY_EXPONENT
from pnplive.performer.models import CallType, Lifecycle, Visibility

Tag = Annotated[str, Field(min_length=1, max_length=32)]
Minutes = Annotated[int, Field(ge=15, le=120, multiple_of=15)]
Buffer = Annotated[int, Field(ge=0, le=60, multiple_of=5)]


def _fits_the_column(url: HttpUrl) -> HttpUrl:
    # Checked on the normalised URL (a trailing slash or punycode can make it longer).
    if len(str(url)) > 512:
        raise ValueError("URL too long (at most 512 characters)")
    return url


class PhotoIn(BaseModel):
    url: Annotated[HttpUrl, AfterValidator(_fits_the_column)]
    caption: str = Field(default="", max_length=256)


class PerformerFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    display_name: str | None = Field(default=None, min_length=1, max_length=128)
    bio: str | None = Field(default=None, max_length=500)
    tags: list[Tag] | None = Field(default=None, max_length=20)
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] | None = Field(
        default=None, max_length=10
    )
    social_links: dict[str, HttpUrl] | None = Field(default=None, max_length=10)
    price_per_minute: int | None = Field(default=None, ge=0, le=10_000_000)
    currency: str | None = None
    min_duration: Minutes | None = None
    max_duration: Minutes | None = None
    call_types: list[CallType] | None = Field(default=None, min_length=1)
    buffer_before: Buffer | None = None
    buffer_after: Buffer | None = None
    timezone: str | None = None
    visibility: Visibility | None = None
    status: Lifecycle | None = None
    photos: list[PhotoIn] | None = Field(default=None, max_length=20)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.upper()
        if v not in CURRENCY_EXPONENT:
            raise ValueError(f"unsupported currency; one of {sorted(CURRENCY_EXPONENT)}")
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown IANA time zone") from exc
        return v

    @model_validator(mode="after")
    def _range(self) -> PerformerFields:
        if (
            self.min_duration is not None
            and self.max_duration is not None
            and self.min_duration > self.max_duration
        ):
            raise ValueError("min_duration must not exceed max_duration")
        return self


class PerformerCreate(PerformerFields):
    username: str = Field(pattern=r"^[A-Za-z0-9_]{3,64}$")
    display_name: str = Field(min_length=1, max_length=128)
    price_per_minute: int = Field(ge=0, le=10_000_000)
    currency: str = "USD"
    timezone: str = "UTC"
    user_telegram_id: int | None = Field(default=None, description="Links a Telegram account.")


class PerformerUpdate(PerformerFields):
    pass


class WeeklyRuleIn(BaseModel):
    """``weekday`` 0 = Monday; HH:MM local times; an end at or before the start runs overnight."""

    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6)
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])
    end: str = Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", examples=["17:00"])

    def minutes(self) -> tuple[int, int]:
        sh, sm = map(int, self.start.split(":"))
        eh, em = map(int, self.end.split(":"))
        start, end = sh * 60 + sm, eh * 60 + em
        if end <= start:
            end += 1440
        return start, end
