"""Enqueueing lives in ``kit/jobs.py`` (every domain enqueues); kept importable here."""

from __future__ import annotations

from pnplive.kit.jobs import enqueue

__all__ = ["enqueue"]
