"""Codes as people read them, shared by the bot and the Mini App: why a service refused, which
access rule stands in the way, what a payment method is called.

The services speak English for logs and the API, so the front doors name a refusal by its code
(and, where one code has several reasons, by ``code:why``)."""

from __future__ import annotations

from pnplive.kit.i18n import N_
from pnplive.user.access import AccessRule

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

DENIED: dict[AccessRule, str] = {
    AccessRule.AGE_NOT_VERIFIED: N_("bot.denied.age_not_verified"),
    AccessRule.TERMS_NOT_ACCEPTED: N_("bot.denied.terms_not_accepted"),
    AccessRule.PERFORMERS_CANNOT_BOOK: N_("bot.denied.performers_cannot_book"),
    AccessRule.PRIME_REQUIRED: N_("bot.denied.prime_required"),
    AccessRule.USER_RESTRICTED: N_("bot.denied.user_restricted"),
    AccessRule.PERFORMER_UNAVAILABLE: N_("bot.denied.performer_unavailable"),
    AccessRule.NO_AVAILABILITY: N_("bot.denied.no_availability"),
}

PROVIDER_LABELS: dict[str, str] = {
    "stripe": N_("bot.pay.stripe"),
    "epayco": N_("bot.pay.epayco"),
    "wompi": N_("bot.pay.wompi"),
    "daimo": N_("bot.pay.daimo"),
    "telegram_stars": N_("bot.pay.stars"),
    "sandbox": N_("bot.pay.sandbox"),
}
