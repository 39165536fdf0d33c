"""When a call's room may be entered and when its lifecycle steps fall due (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pnplive.booking.lifecycle import LifecycleRules
from pnplive.video.settings import VideoSettings


@dataclass(frozen=True, slots=True)
class CallTiming:
    early_join: timedelta = timedelta(minutes=5)
    end_grace: timedelta = timedelta(minutes=5)
    no_show_grace: timedelta = timedelta(minutes=10)
    pause_after_no_shows: int = 3
    pause_window: timedelta = timedelta(days=30)

    @classmethod
    def of(cls, s: VideoSettings) -> CallTiming:
        return cls(
            early_join=timedelta(minutes=s.early_join_minutes),
            end_grace=timedelta(minutes=s.end_grace_minutes),
            no_show_grace=timedelta(minutes=s.no_show_grace_minutes),
            pause_after_no_shows=s.no_show_pause_count,
            pause_window=timedelta(days=s.no_show_pause_window_days),
        )

    @property
    def rules(self) -> LifecycleRules:
        return LifecycleRules(no_show_grace=self.no_show_grace, end_grace=self.end_grace)

    def opens(self, start: datetime) -> datetime:
        """The earliest moment the room may be entered."""
        return start - self.early_join

    def closes(self, end: datetime) -> datetime:
        """The last moment the room may be entered; tokens expire then."""
        return end + self.end_grace
