"""Data minimalism (F-SAF-6): no column can hold call content, media or recordings.

Every column that can hold text or documents is listed here with why it is there; a new one
fails this test until someone says what it holds. Binary columns are refused outright.
"""

from __future__ import annotations

import re

from sqlalchemy import JSON, LargeBinary, String, Text

from pnplive.models import metadata

# What each text-capable column holds. Codes and ids are short, fixed vocabularies or opaque ids.
CODES = "a code, id, hash or reference from a fixed vocabulary or a provider"
MEMBER_FACT = "a member's own account fact (name, zone, language), not call content"
STAFF_NOTE = "an admin's or the system's note about money, standing or scheduling"
PROFILE = "a performer's public profile, shown before any call"
PROVIDER = "a payment provider's own data for reconciliation, never call content"
MODERATED = "moderated text people wrote to the product (bounded), never a call"

ALLOWED: dict[str, str] = {
    **dict.fromkeys(
        [
            "api_tokens.name",
            "api_tokens.role",
            "api_tokens.token_hash",
            "api_tokens.prefix",
            "idempotency_keys.scope",
            "idempotency_keys.key",
            "idempotency_keys.request_hash",
            "jobs.kind",
            "jobs.key",
            "users.role",
            "users.terms_version",
            "users.language",
            "login_links.token_hash",
            "moderation_violations.subject_kind",
            "moderation_violations.subject_id",
            "moderation_violations.text_sha256",
            "moderation_violations.category",
            "moderation_violations.decision",
            "moderation_violations.final_decision",
            "moderation_violations.source",
            "performers.currency",
            "performers.call_types",
            "performers.visibility",
            "performers.status",
            "performers.presence",
            "user_events.action",
            "user_events.actor",
            "bookings.public_id",
            "bookings.status",
            "bookings.call_type",
            "bookings.currency",
            "bookings.cancelled_by",
            "broadcasts.kind",
            "broadcasts.status",
            "moderation_overrides.previous_decision",
            "moderation_overrides.decision",
            "payouts.public_id",
            "payouts.currency",
            "payouts.method",
            "booking_events.actor",
            "booking_events.from_status",
            "booking_events.to_status",
            "broadcast_deliveries.status",
            "payments.public_id",
            "payments.provider",
            "payments.status",
            "payments.currency",
            "payments.paid_currency",
            "reviews.status",
            "refunds.public_id",
            "refunds.idempotency_key",
            "refunds.provider",
            "refunds.currency",
            "refunds.status",
            "refunds.requested_by",
            "webhook_events.provider",
            "webhook_events.event_id",
            "webhook_events.type",
            "webhook_events.kind",
            "webhook_events.outcome",
            "ledger_entries.source",
            "ledger_entries.kind",
            "ledger_entries.provider",
            "ledger_entries.currency",
            "ledger_entries.status",
        ],
        CODES,
    ),
    **dict.fromkeys(
        ["users.username", "users.first_name", "users.timezone", "bookings.user_timezone"],
        MEMBER_FACT,
    ),
    **dict.fromkeys(
        [
            "performers.username",
            "performers.display_name",
            "performers.bio",
            "performers.tags",
            "performers.languages",
            "performers.social_links",
            "performers.timezone",
            "performer_photos.url",
            "performer_photos.caption",
        ],
        PROFILE,
    ),
    **dict.fromkeys(
        [
            "users.restricted_reason",
            "user_events.detail",
            "blocked_intervals.reason",
            "extra_availability.note",
            "bookings.cancel_reason",
            "booking_events.reason",
            "payouts.reference",
            "payouts.note",
            "refunds.reason",
            "ledger_entries.memo",
            "moderation_overrides.reason",
            "moderation_violations.reason",
            "jobs.payload",
            "jobs.last_error",
            "idempotency_keys.response",
        ],
        STAFF_NOTE,
    ),
    **dict.fromkeys(
        [
            "payments.checkout_id",
            "payments.checkout_url",
            "payments.invoice",
            "payments.transaction_id",
            "payments.payer_ref",
            "payments.flag_reason",
            "payments.last_error",
            "refunds.provider_refund_id",
            "refunds.last_error",
            "webhook_events.payload",
            "ledger_entries.provider_ref",
        ],
        PROVIDER,
    ),
    **dict.fromkeys(["reviews.text", "moderation_violations.excerpt"], MODERATED),
    **dict.fromkeys(
        [
            "call_rooms.provider",
            "call_rooms.room_name",
            "call_rooms.status",
            "call_passes.side",
            "call_passes.token",
            "call_activity.side",
            "call_activity.kind",
            "call_activity.source",
            "call_activity.event_id",
            "calendar_feeds.token",
        ],
        CODES,
    ),
    **dict.fromkeys(
        [
            "performer_photos.file_id",
            "reschedule_proposals.public_id",
            "reschedule_proposals.proposed_by",
            "reschedule_proposals.status",
            "incidents.public_id",
            "incidents.reporter_side",
            "incidents.category",
            "incidents.text_sha256",
            "incidents.status",
            "abuse_events.kind",
        ],
        CODES,
    ),
    "incidents.excerpt": "the start of an incident report (120 characters), the report itself "
    "is not kept; emptied when the booking is archived",
    "incidents.resolution": "an admin's short note on what was done about a report",
    "call_passes.room_url": "where a participant enters the room (with their provider token); "
    "who joined and left is kept, never what was said or shown",
}
CALL_CONTENT = re.compile(r"recording|video|audio|transcript|media|attachment|chat|snapshot|frame")


def text_columns() -> dict[str, object]:
    return {
        f"{table.name}.{column.name}": column.type
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text | JSON | LargeBinary)
    }


def test_no_binary_column_exists() -> None:
    binary = [name for name, kind in text_columns().items() if isinstance(kind, LargeBinary)]
    assert binary == [], "media or recordings are never stored (F-SAF-6)"


def test_every_text_column_is_accounted_for() -> None:
    unknown = sorted(set(text_columns()) - set(ALLOWED))
    assert unknown == [], f"say what these hold, or do not add them: {unknown}"


def test_no_column_is_named_for_call_content() -> None:
    names = [
        f"{t.name}.{c.name}"
        for t in metadata.sorted_tables
        for c in t.columns
        if CALL_CONTENT.search(c.name) or CALL_CONTENT.search(t.name)
    ]
    assert names == []


def test_the_inventory_has_no_stale_entries() -> None:
    assert sorted(set(ALLOWED) - set(text_columns())) == []
