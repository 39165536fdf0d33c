"""What moderation looks for, and what it can decide."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    MINORS = "minors"
    NON_CONSENT = "non_consent"
    VIOLENCE = "violence"  # violence and threats
    HARASSMENT = "harassment"  # harassment and hate
    SELF_HARM = "self_harm"
    ILLEGAL_GOODS = "illegal_goods"
    OFF_PLATFORM = "off_platform"  # contact or payment outside the product
    SPAM = "spam"  # spam and scams


class Decision(StrEnum):
    ALLOW = "allow"
    HOLD = "hold"  # kept back until an admin looks at it
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @staticmethod
    def strictest(decisions: list[Decision] | tuple[Decision, ...]) -> Decision:
        return max(decisions, key=lambda d: d.severity, default=Decision.ALLOW)


_SEVERITY = {Decision.ALLOW: 0, Decision.HOLD: 1, Decision.BLOCK: 2}

# The label of messages that belong to no category, in the labelled data.
OK_LABEL = "ok"
