"""What a job handler can ask of the runner besides success and failure."""

from __future__ import annotations


class RetryLater(Exception):
    """Not a failure: the other side asked us to wait (Telegram's 429 ``retry_after``). The job
    runs again after ``seconds``, and the attempt does not count towards giving up."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds
