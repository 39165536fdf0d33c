"""The jobs table lives in ``kit/jobs.py`` (every domain writes it); kept importable here."""

from __future__ import annotations

from pnplive.kit.jobs import Job

__all__ = ["Job"]
