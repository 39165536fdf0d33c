"""Why a service refused, in a person's words, shared by the bot and the Mini App.

The services speak English for logs and the API, so the front doors name a refusal by its code
(and, where one code has several reasons, by ``code:why``)."""

from __future__ import annotations

from pnplive.kit.i18n import N_

REASONS: dict[str, str] = {
    "reschedule_not_allowed:not_confirmed": N_("bot.refusal.not_confirmed"),
    "reschedule_not_allowed:cutoff": N_("bot.refusal.cutoff"),
    "cancel_not_allowed": N_("bot.refusal.cancel_not_allowed"),
    "refund_not_allowed": N_("bot.refusal.refund_not_allowed"),
    "booking_changed": N_("bot.refusal.booking_changed"),
    "booking_not_found": N_("bot.refusal.booking_not_found"),
    "not_your_booking": N_("bot.refusal.not_your_booking"),
    "user_consent_required": N_("bot.refusal.consent_required"),
    "user_restricted": N_("bot.refusal.restricted"),
    "superadmin_is_managed_in_config": N_("bot.refusal.superadmin_in_config"),
    "last_superadmin": N_("bot.refusal.last_superadmin"),
    "payment_provider_error": N_("bot.refusal.provider"),
    "profile_text_refused": N_("bot.refusal.profile_text"),
    "already_reviewed": N_("bot.review.already"),
    "not_reviewable": N_("bot.refusal.not_reviewable"),
}
